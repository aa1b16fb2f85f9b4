using Pipeline.Core.Delivery;
using Pipeline.Core.Messages;
using Pipeline.Functions.Hosting;

namespace Pipeline.Functions.NotifyShortlist;

/// <summary>
/// Queue <c>notifications</c>: emails a shortlist version to its hiring manager and tells the recruiters in Teams
/// (<see cref="ShortlistNotifier"/>), each exactly once per version and recipient, however often the message is
/// delivered.
/// </summary>
public sealed class NotifyShortlist(ShortlistNotifier notifier) : QueueFunction<ShortlistReady>
{
    protected override async Task<FunctionResult> RunAsync(ShortlistReady message, ServiceBusMessageInfo info, CancellationToken cancellationToken)
    {
        var result = new FunctionResult();
        var delivered = await notifier.DeliverAsync(message.RequisitionId, message.Version, cancellationToken);
        switch (delivered.Outcome)
        {
            case ShortlistNoticeOutcome.Closed:
                result.Logs.Add($"Requisition {message.RequisitionId} is closed or unknown; shortlist {message.Version} not sent.");
                break;
            case ShortlistNoticeOutcome.Missing:
                throw new InvalidInvocationException($"Shortlist {message.RequisitionId} version {message.Version} does not exist.");
        }

        foreach (var (metric, amount) in delivered.Counts)
        {
            result.Count(metric, amount);
        }

        return result;
    }
}
