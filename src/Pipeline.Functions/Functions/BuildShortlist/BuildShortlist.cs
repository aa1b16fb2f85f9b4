using Pipeline.Domain.Shortlists;
using Pipeline.Functions.Configuration;
using Pipeline.Functions.Hosting;
using Pipeline.Functions.Messages;
using Pipeline.Functions.Stores;

namespace Pipeline.Functions.Functions.BuildShortlist;

/// <summary>
/// Queue <c>shortlists</c>: scores every candidate against the requisition and saves a new shortlist version when
/// its membership or order changed, which is then queued for delivery. Repeated requests for an unchanged pool do
/// nothing.
/// </summary>
public sealed class BuildShortlist(
    CandidateStore candidates,
    ShortlistStore shortlists,
    PipelineConfiguration configuration,
    ILogger<BuildShortlist> logger) : QueueFunction<ShortlistRequest>
{
    protected override async Task<FunctionResult> RunAsync(ShortlistRequest request, ServiceBusMessageInfo info, CancellationToken cancellationToken)
    {
        var result = new FunctionResult();
        var requisition = configuration.FindRequisition(request.RequisitionId);
        if (requisition is null || !requisition.IsOpen)
        {
            logger.LogInformation("Requisition {RequisitionId} is closed or no longer configured; no shortlist", request.RequisitionId);
            result.Logs.Add($"Requisition {request.RequisitionId} is closed or unknown; nothing to do.");
            return result;
        }

        // Read the mark first: a change that lands while scoring keeps the shortlist marked for the next sweep.
        var dirty = await shortlists.GetDirtyAsync(requisition.Id, cancellationToken);
        var scores = new List<CandidateScore>();
        var cards = new Dictionary<string, CandidateCard>(StringComparer.Ordinal);
        await foreach (var profile in candidates.ProfilesAsync(cancellationToken))
        {
            var score = Scorer.Score(requisition, profile.ForScoring());
            if (score.MeetsRequirements)
            {
                scores.Add(score);
                cards[profile.CandidateId] = profile.ToCard(revealName: !requisition.BlindMode);
            }
        }

        var members = Scorer.Rank(requisition, scores)
            .Select((s, i) => new ShortlistMember(i + 1, s.CandidateId, s.Score, s.Requirements, cards[s.CandidateId]))
            .ToList();
        var saved = await shortlists.SaveIfChangedAsync(requisition.Id, members, cancellationToken);
        if (dirty is { } mark)
        {
            await shortlists.ClearDirtyAsync(requisition.Id, mark.ETag, cancellationToken);
        }

        if (saved is null)
        {
            result.Logs.Add($"Shortlist for {requisition.Id} unchanged.");
            return result;
        }

        result.Send(Queues.Notifications, new ShortlistReady { RequisitionId = requisition.Id, Version = saved.Version });
        result.Count("shortlists");
        logger.LogInformation("Shortlist {RequisitionId} version {Version}: {Members} candidates", requisition.Id, saved.Version, members.Count);
        return result;
    }
}
