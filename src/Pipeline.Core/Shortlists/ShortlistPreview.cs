using Pipeline.Core.Candidates;
using Pipeline.Core.Certifications;
using Pipeline.Core.Configuration;
using Pipeline.Domain.Candidates;
using Pipeline.Domain.Certifications;
using Pipeline.Domain.Requisitions;
using Pipeline.Domain.Shortlists;

namespace Pipeline.Core.Shortlists;

/// <summary>
/// Every stored candidate scored against one requisition, with each credential's stored check (nothing is fetched):
/// what <c>pipeline shortlist preview</c> shows and where the Teams tab finds its near misses. The pools hold only
/// candidates who qualify, so near misses take a pass over everyone.
/// </summary>
public sealed class ShortlistPreview(CandidateStore candidates, VerificationStore verifications, ShortlistScoring scoring, PipelineConfiguration configuration)
{
    public async Task<ScoredCandidates> ScoreEveryoneAsync(Requisition requisition, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var checks = await verifications.GetAllAsync(cancellationToken);
        var scores = new List<CandidateScore>();
        var people = new Dictionary<string, (CandidateProfile Profile, IReadOnlyDictionary<string, VerificationResult>? Checks)>(StringComparer.Ordinal);
        await foreach (var profile in candidates.ProfilesAsync(cancellationToken))
        {
            var results = VerificationStore.Results(checks.GetValueOrDefault(profile.CandidateId));
            scores.Add(scoring.Score(requisition, profile, results, now));
            people[profile.CandidateId] = (profile, results);
        }

        return new ScoredCandidates(
            scores,
            requisition.IsOpen ? scoring.Rank(requisition, scores) : [],
            requisition.IsOpen ? scoring.NearMisses(requisition, scores) : [],
            (id, revealName) => people[id].Profile.ToCard(revealName, people[id].Profile.Evidence(configuration.Catalogue, people[id].Checks, now)));
    }
}

/// <summary>Everyone's score, the shortlist they would make (nothing for a closed requisition) and the near misses.</summary>
/// <param name="Card">A scored candidate's card, with the evidence of their stored checks; the name only when asked to reveal it.</param>
public sealed record ScoredCandidates(
    IReadOnlyList<CandidateScore> Scores,
    IReadOnlyList<CandidateScore> Shortlist,
    IReadOnlyList<CandidateScore> NearMisses,
    Func<string, bool, CandidateCard> Card);
