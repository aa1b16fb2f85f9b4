using Pipeline.Core.Mail;
using Pipeline.Functions.Hosting;

namespace Pipeline.Functions.RenewMailSubscription;

/// <summary>
/// Timer (hourly): keeps the Graph subscription to the shared mailbox's Inbox alive. Does nothing unless
/// Graph, <c>Graph:NotificationClientState</c> and <c>Pipeline:PublicBaseUrl</c> are configured.
/// </summary>
public sealed class RenewMailSubscription(MailSubscriptions subscriptions) : TimerFunction
{
    protected override async Task<FunctionResult> RunAsync(TimerInfo timer, CancellationToken cancellationToken)
    {
        var result = new FunctionResult();
        if (await subscriptions.EnsureAsync(force: false, cancellationToken) is { } done)
        {
            result.Count("subscription-" + done);
        }

        return result;
    }
}
