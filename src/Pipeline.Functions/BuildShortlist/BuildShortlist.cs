using Pipeline.Core.Messages;
using Pipeline.Core.Shortlists;
using Pipeline.Functions.Hosting;

namespace Pipeline.Functions.BuildShortlist;

/// <summary>
/// Queue <c>shortlists</c>: builds the requisition's shortlist (<see cref="ShortlistBuilder"/>) and queues a new
/// version for delivery on <c>notifications</c>; an unchanged shortlist whose latest version's email is not recorded
/// as sent is queued again, so a crash between saving and queuing loses no delivery.
/// </summary>
public sealed class BuildShortlist(ShortlistBuilder builder) : QueueFunction<ShortlistRequest>
{
    protected override async Task<FunctionResult> RunAsync(ShortlistRequest request, ServiceBusMessageInfo info, CancellationToken cancellationToken)
    {
        var result = new FunctionResult();
        var build = await builder.BuildAsync(request.RequisitionId, cancellationToken);
        foreach (var (metric, amount) in build.Counts)
        {
            result.Count(metric, amount);
        }

        switch (build.Outcome)
        {
            case ShortlistBuildOutcome.Closed:
                result.Logs.Add($"Requisition {request.RequisitionId} is closed or unknown; nothing to do.");
                break;
            case ShortlistBuildOutcome.Unchanged:
                result.Logs.Add($"Shortlist for {build.RequisitionId} unchanged.");
                break;
            case ShortlistBuildOutcome.Undelivered:
                result.Send(Queues.Notifications, new ShortlistReady { RequisitionId = build.RequisitionId, Version = build.Version!.Value });
                result.Logs.Add($"Shortlist for {build.RequisitionId} unchanged; version {build.Version} not sent yet, queued for delivery again.");
                break;
            case ShortlistBuildOutcome.Saved:
                result.Send(Queues.Notifications, new ShortlistReady { RequisitionId = build.RequisitionId, Version = build.Version!.Value });
                result.Count("shortlists");
                break;
        }

        return result;
    }
}
