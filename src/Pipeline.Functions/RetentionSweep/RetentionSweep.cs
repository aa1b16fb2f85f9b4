using Pipeline.Core.Privacy;
using Pipeline.Functions.Hosting;

namespace Pipeline.Functions.RetentionSweep;

/// <summary>
/// Timer, daily at 03:30 UTC: deletes feed records no feed has listed for the candidate retention, and quarantined
/// rows older than the quarantine retention (<see cref="Retention"/>).
/// </summary>
public sealed class RetentionSweep(Retention retention) : TimerFunction
{
    protected override async Task<FunctionResult> RunAsync(TimerInfo timer, CancellationToken cancellationToken)
    {
        var result = new FunctionResult();
        foreach (var (metric, amount) in await retention.SweepAsync(cancellationToken))
        {
            result.Count(metric, amount);
        }

        return result;
    }
}
