using Microsoft.Extensions.Options;
using Pipeline.Core.Configuration;
using Pipeline.Core.Messages;
using Pipeline.Core.Shortlists;
using Pipeline.Functions.Hosting;

namespace Pipeline.Functions.ScheduleShortlists;

/// <summary>
/// Timer, every minute: asks for a rebuild of each open requisition whose candidates changed and have then stayed
/// unchanged for the quiet period. This is the debounce that makes a feed of many pages produce one shortlist version.
/// </summary>
public sealed class ScheduleShortlists(
    ShortlistStore shortlists,
    PipelineConfiguration configuration,
    IOptions<PipelineOptions> options,
    TimeProvider time) : TimerFunction
{
    protected override async Task<FunctionResult> RunAsync(TimerInfo timer, CancellationToken cancellationToken)
    {
        var result = new FunctionResult();
        var quietSince = time.GetUtcNow() - options.Value.ShortlistQuietPeriod;
        foreach (var requisition in configuration.Requisitions.Where(r => r.IsOpen))
        {
            if (await shortlists.GetDirtyAsync(requisition.Id, cancellationToken) is not { } dirty)
            {
                continue;
            }

            if (dirty.ChangedAt <= quietSince)
            {
                result.Send(Queues.Shortlists, new ShortlistRequest { RequisitionId = requisition.Id });
                result.Count("scheduled");
            }
            else
            {
                result.Logs.Add($"Shortlist {requisition.Id} waits: candidates changed at {dirty.ChangedAt:u}.");
                result.Count("waiting");
            }
        }

        return result;
    }
}
