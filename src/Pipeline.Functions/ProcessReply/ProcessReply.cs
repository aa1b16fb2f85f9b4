using Pipeline.Core.Decisions;
using Pipeline.Core.Messages;
using Pipeline.Functions.Hosting;

namespace Pipeline.Functions.ProcessReply;

/// <summary>
/// Queue <c>replies</c>: turns a hiring manager's reply into decisions, confirmed to the manager and announced to the
/// recruiters (<see cref="ReplyDecisions"/>); each effect happens once per reply, however often it arrives.
/// </summary>
public sealed class ProcessReply(ReplyDecisions replies) : QueueFunction<IncomingReply>
{
    protected override async Task<FunctionResult> RunAsync(IncomingReply reply, ServiceBusMessageInfo info, CancellationToken cancellationToken)
    {
        var result = new FunctionResult();
        var outcome = await replies.ProcessAsync(reply, cancellationToken);
        result.Count(outcome.Metric, outcome.Amount);
        return result;
    }
}
