using Pipeline.Core.Mail;
using Pipeline.Core.Messages;
using Pipeline.Functions.Hosting;

namespace Pipeline.Functions.MailLifecycle;

/// <summary>
/// HTTP <c>POST /api/graph/lifecycle</c>: Graph lifecycle events for the Inbox subscription. <c>missed</c> asks for
/// a read of the Inbox; <c>subscriptionRemoved</c> and <c>reauthorizationRequired</c> ask SyncInbox to renew or
/// recreate the subscription first. Events whose clientState is not ours are refused (and answered 202 all the same,
/// telling a guesser nothing); ours without a <c>lifecycleEvent</c>, or a body with no notifications, are malformed:
/// answered 400 when nothing in the body could be taken. An event of ours that is not one of the three is ignored.
/// </summary>
public sealed class MailLifecycle(MailSubscriptions subscriptions, Pipeline.Core.Decisions.AuditStore audit, ILogger<MailLifecycle> logger) : HttpFunction
{
    private static readonly string[] Known = ["missed", "subscriptionRemoved", "reauthorizationRequired"];

    protected override async Task<FunctionResult> RunAsync(HttpTriggerRequest request, CancellationToken cancellationToken)
    {
        if (GraphNotifications.Handshake(request) is { } handshake)
        {
            return handshake;
        }

        var result = new FunctionResult { Http = GraphNotifications.Accepted() };
        var notifications = GraphNotifications.Read(request, "lifecycleEvent");
        var malformed = notifications.Count == 0 ? 1 : 0;
        foreach (var (clientState, kind) in notifications)
        {
            if (!subscriptions.IsOurs(clientState))
            {
                logger.LogWarning("A lifecycle event ({Kind}) whose clientState is not ours was refused", kind);
                await audit.RecordAsync("graph-notifications", "lifecycle-refused", "unknown sender (clientState mismatch)", "-", cancellationToken);
                result.Count("notificationsRefused");
            }
            else if (kind is null)
            {
                malformed++;
            }
            else if (!Known.Contains(kind))
            {
                // Graph may add events; one this app does not know needs nothing from it.
                logger.LogWarning("An unknown lifecycle event ({Kind}) was ignored", kind);
                result.Count("lifecycleEventsIgnored");
            }
            else
            {
                logger.LogInformation("Inbox subscription lifecycle event: {Kind}", kind);
                result.Send(Queues.MailSync, new MailSync { Reason = kind });
                result.Count("lifecycleEvents");
            }
        }

        if (malformed > 0)
        {
            logger.LogWarning("{Count} malformed lifecycle notifications (no lifecycleEvent, or no notifications at all)", malformed);
            result.Count("lifecycleMalformed", malformed);
            if (malformed == Math.Max(notifications.Count, 1))
            {
                result.Http = GraphNotifications.Malformed("No lifecycle notification in the body has a lifecycleEvent.");
            }
        }

        return result;
    }
}
