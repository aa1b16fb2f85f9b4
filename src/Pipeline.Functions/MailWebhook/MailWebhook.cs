using Pipeline.Core.Mail;
using Pipeline.Core.Messages;
using Pipeline.Functions.Hosting;

namespace Pipeline.Functions.MailWebhook;

/// <summary>
/// HTTP <c>POST /api/graph/notify</c>: Graph change notifications for the shared mailbox's Inbox. Answers the
/// validation handshake; for notifications, checks each one's clientState (one that is not ours is refused and
/// logged), and when any is genuine queues one <c>mailsync</c> to read the Inbox. It answers at once: the reading is
/// SyncInbox's work.
/// </summary>
public sealed class MailWebhook(MailSubscriptions subscriptions, Pipeline.Core.Decisions.AuditStore audit, ILogger<MailWebhook> logger) : HttpFunction
{
    protected override async Task<FunctionResult> RunAsync(HttpTriggerRequest request, CancellationToken cancellationToken)
    {
        if (GraphNotifications.Handshake(request) is { } handshake)
        {
            return handshake;
        }

        var result = new FunctionResult { Http = GraphNotifications.Accepted() };
        var notifications = GraphNotifications.Read(request, "changeType");
        var genuine = notifications.Count(n => subscriptions.IsOurs(n.ClientState));
        if (genuine < notifications.Count)
        {
            logger.LogWarning("{Count} change notifications with a clientState that is not ours were refused", notifications.Count - genuine);
            await audit.RecordAsync("graph-notifications", "notification-refused", "unknown sender (clientState mismatch)", "-", cancellationToken);
            result.Count("notificationsRefused", notifications.Count - genuine);
        }

        if (genuine > 0)
        {
            result.Send(Queues.MailSync, new MailSync { Reason = "created" });
            result.Count("notifications", genuine);
        }

        return result;
    }
}
