using Pipeline.Core.Mail;
using Pipeline.Core.Messages;
using Pipeline.Functions.Hosting;

namespace Pipeline.Functions.SyncInbox;

/// <summary>
/// Queue <c>mailsync</c>: reads the shared mailbox's Inbox now, because a notification or lifecycle event said so;
/// after <c>subscriptionRemoved</c> or <c>reauthorizationRequired</c> it first renews or recreates the subscription.
/// </summary>
public sealed class SyncInbox(InboxSync sync, MailSubscriptions subscriptions) : QueueFunction<MailSync>
{
    protected override async Task<FunctionResult> RunAsync(MailSync message, ServiceBusMessageInfo info, CancellationToken cancellationToken)
    {
        var result = new FunctionResult();
        if (message.Reason is "subscriptionRemoved" or "reauthorizationRequired" && await subscriptions.EnsureAsync(force: true, cancellationToken) is { } done)
        {
            result.Count("subscription-" + done);
        }

        InboxSyncOutputs.Add(result, await sync.SyncAsync(cancellationToken));
        return result;
    }
}
