using Pipeline.Core.Mail;
using Pipeline.Functions.Hosting;

namespace Pipeline.Functions.CatchUpReplies;

/// <summary>
/// Timer: reads the shared mailbox's Inbox since the last read and queues the replies, so replies are handled even
/// when change notifications never arrive. Without Graph configured there is no mailbox, and it does nothing.
/// </summary>
public sealed class CatchUpReplies(InboxSync sync) : TimerFunction
{
    protected override async Task<FunctionResult> RunAsync(TimerInfo timer, CancellationToken cancellationToken)
    {
        var result = new FunctionResult();
        InboxSyncOutputs.Add(result, await sync.SyncAsync(cancellationToken));
        return result;
    }
}
