using Pipeline.Core.Configuration;
using Pipeline.Domain.Candidates;
using Pipeline.Domain.Certifications;
using Pipeline.Domain.Requisitions;
using Pipeline.Domain.Shortlists;

namespace Pipeline.Core.Shortlists;

/// <summary>
/// The one place that scores people against a requisition and ranks them, with the configured catalogue and each
/// credential's stored check: the shortlist build, the pools, the Teams tab's near misses and <c>shortlist preview</c>
/// all score through it, so they cannot disagree.
/// </summary>
public sealed class ShortlistScoring(PipelineConfiguration configuration)
{
    /// <summary>How <paramref name="profile"/> meets <paramref name="requisition"/>, counting only credentials whose check stands at <paramref name="now"/>.</summary>
    public CandidateScore Score(Requisition requisition, CandidateProfile profile, IReadOnlyDictionary<string, VerificationResult>? checks, DateTimeOffset now) =>
        Scorer.Score(requisition, profile.ForScoring(configuration.Catalogue, checks, now), configuration.Catalogue);

    /// <summary>The candidate's score when they qualify (every hard requirement met, the minimum score reached), else null.</summary>
    public double? Qualifying(Requisition requisition, CandidateProfile? profile, IReadOnlyDictionary<string, VerificationResult>? checks, DateTimeOffset now)
    {
        if (profile is null)
        {
            return null;
        }

        var score = Score(requisition, profile, checks, now);
        return Scorer.Qualifies(requisition, score) ? score.Score : null;
    }

    /// <inheritdoc cref="Scorer.Qualifies"/>
    public bool Qualifies(Requisition requisition, CandidateScore score) => Scorer.Qualifies(requisition, score);

    /// <inheritdoc cref="Scorer.Rank"/>
    public IReadOnlyList<CandidateScore> Rank(Requisition requisition, IEnumerable<CandidateScore> scores) => Scorer.Rank(requisition, scores);

    /// <inheritdoc cref="Scorer.NearMisses"/>
    public IReadOnlyList<CandidateScore> NearMisses(Requisition requisition, IEnumerable<CandidateScore> scores) => Scorer.NearMisses(requisition, scores);
}
