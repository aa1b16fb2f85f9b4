using Pipeline.Functions.Hosting;
using Pipeline.Functions.Mail;
using Pipeline.Functions.Messages;

namespace Pipeline.Functions.Functions.MailLifecycle;

/// <summary>
/// HTTP <c>POST /api/graph/lifecycle</c>: Graph lifecycle events for the Inbox subscription. <c>missed</c> asks for
/// a read of the Inbox; <c>subscriptionRemoved</c> and <c>reauthorizationRequired</c> ask SyncInbox to renew or
/// recreate the subscription first. Events whose clientState is not ours are refused.
/// </summary>
public sealed class MailLifecycle(MailSubscriptions subscriptions, Stores.AuditStore audit, ILogger<MailLifecycle> logger) : HttpFunction
{
    private static readonly string[] Known = ["missed", "subscriptionRemoved", "reauthorizationRequired"];

    protected override async Task<FunctionResult> RunAsync(HttpTriggerRequest request, CancellationToken cancellationToken)
    {
        if (GraphNotifications.Handshake(request) is { } handshake)
        {
            return handshake;
        }

        var result = new FunctionResult { Http = GraphNotifications.Accepted() };
        foreach (var (clientState, kind) in GraphNotifications.Read(request))
        {
            if (!subscriptions.IsOurs(clientState) || kind is null || !Known.Contains(kind))
            {
                logger.LogWarning("A lifecycle event ({Kind}) that is not ours or not known was refused", kind);
                await audit.RecordAsync("graph-notifications", "lifecycle-refused", "unknown sender (clientState mismatch or unknown event)", "-", cancellationToken);
                result.Count("notificationsRefused");
                continue;
            }

            logger.LogInformation("Inbox subscription lifecycle event: {Kind}", kind);
            result.Send(Queues.MailSync, new MailSync { Reason = kind });
            result.Count("lifecycleEvents");
        }

        return result;
    }
}
