using Pipeline.Domain.Candidates;
using Pipeline.Domain.Shortlists;
using Pipeline.Functions.Certifications;
using Pipeline.Functions.Configuration;
using Pipeline.Functions.Hosting;
using Pipeline.Functions.Messages;
using Pipeline.Functions.Stores;

namespace Pipeline.Functions.Functions.BuildShortlist;

/// <summary>
/// Queue <c>shortlists</c>: scores every candidate against the requisition, with each certification as its last check
/// left it, and saves a new shortlist version when its membership or order changed, which is then queued for
/// delivery. Repeated requests for an unchanged pool do nothing.
/// </summary>
/// <remarks>
/// Before a shortlist goes out, the credentials of the people on it whose checks are due (or missing) are checked
/// again at their source, and the pool is ranked again with what was found, so nobody is sent on a credential
/// revoked or expired since it was last looked at.
/// </remarks>
public sealed class BuildShortlist(
    CandidateStore candidates,
    ShortlistStore shortlists,
    VerificationStore verifications,
    CertificationChecker checker,
    PipelineConfiguration configuration,
    TimeProvider time,
    ILogger<BuildShortlist> logger) : QueueFunction<ShortlistRequest>
{
    /// <summary>Rounds of re-checking the members and ranking again; a member who enters in the last round keeps the check they had.</summary>
    private const int RecheckRounds = 3;

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
        var checks = await verifications.GetAllAsync(cancellationToken);
        var profiles = new Dictionary<string, CandidateProfile>(StringComparer.Ordinal);
        var scores = new Dictionary<string, CandidateScore>(StringComparer.Ordinal);
        var now = time.GetUtcNow();
        CandidateScore ScoreOf(CandidateProfile profile) =>
            Scorer.Score(requisition, profile.ForScoring(configuration.Catalogue, VerificationStore.Results(checks.GetValueOrDefault(profile.CandidateId)), now), configuration.Catalogue);

        await foreach (var profile in candidates.ProfilesAsync(cancellationToken))
        {
            var score = ScoreOf(profile);
            if (score.MeetsRequirements)
            {
                scores[profile.CandidateId] = score;
                profiles[profile.CandidateId] = profile;
            }
        }

        var ranked = Scorer.Rank(requisition, scores.Values);
        for (var round = 1; round <= RecheckRounds; round++)
        {
            var due = ranked.Select(s => profiles[s.CandidateId]).Where(p => checker.AnyDue(p, checks.GetValueOrDefault(p.CandidateId))).ToList();
            if (due.Count == 0)
            {
                break;
            }

            foreach (var profile in due)
            {
                var (_, sources) = await candidates.GetAsync(profile.CandidateId, cancellationToken);
                await checker.CheckAsync(profile, CertificationChecker.Emails(profile, sources), cancellationToken);
                checks[profile.CandidateId] = (await verifications.GetAsync(profile.CandidateId, cancellationToken)).ToDictionary(c => c.Url, StringComparer.Ordinal);
                var score = ScoreOf(profile);
                if (score.MeetsRequirements)
                {
                    scores[profile.CandidateId] = score;
                }
                else
                {
                    scores.Remove(profile.CandidateId);
                }
            }

            result.Count("rechecked", due.Count);
            ranked = Scorer.Rank(requisition, scores.Values);
        }

        var members = ranked
            .Select((s, i) =>
            {
                var profile = profiles[s.CandidateId];
                var evidence = profile.Evidence(configuration.Catalogue, VerificationStore.Results(checks.GetValueOrDefault(s.CandidateId)), now);
                return new ShortlistMember(i + 1, s.CandidateId, s.Score, s.Requirements, profile.ToCard(revealName: !requisition.BlindMode, evidence));
            })
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
