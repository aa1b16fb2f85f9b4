using System.Text.Json.Serialization;
using Pipeline.Domain.Candidates;
using Pipeline.Domain.Certifications;
using Pipeline.Domain.Requisitions;

namespace Pipeline.Domain.Shortlists;

/// <summary>
/// What scoring may see of a candidate. It carries no name, email, phone, date of birth, photo or address, so the
/// score cannot depend on them.
/// </summary>
public sealed record ScoringProfile(string CandidateId, IReadOnlyList<string> Skills, IReadOnlyList<CertificationEvidence> Certifications);

[JsonConverter(typeof(JsonStringEnumConverter<RequirementStatus>))]
public enum RequirementStatus
{
    Met,
    Unknown,
    NotMet,
}

public sealed record RequirementResult(string Name, bool Required, RequirementStatus Status, bool Verified, string Evidence);

public sealed record CandidateScore(string CandidateId, double Score, bool MeetsRequirements, IReadOnlyList<RequirementResult> Requirements);

public static class Scorer
{
    /// <summary>
    /// Required skills and certifications weigh twice what preferred ones do; the score is the weighted share met,
    /// from 0 to 1. A certification that is only claimed earns half its weight (and leaves a verified-only requirement
    /// unknown); one whose check refuted it earns nothing. A candidate who does not meet every hard requirement does
    /// not meet the requisition, whatever the score.
    /// </summary>
    /// <param name="catalogue">Knows each certification's successors, for requirements that accept them.</param>
    public static CandidateScore Score(Requisition requisition, ScoringProfile profile, CertificationCatalogue? catalogue = null)
    {
        var results = new List<RequirementResult>();
        double earned = 0, possible = 0;
        foreach (var (skill, required) in requisition.RequiredSkills.Select(s => (s, true)).Concat(requisition.PreferredSkills.Select(s => (s, false))))
        {
            var weight = required ? 2 : 1;
            var met = profile.Skills.Any(s => SkillCatalog.SameSkill(s, skill));
            possible += weight;
            earned += met ? weight : 0;
            results.Add(new RequirementResult(
                SkillCatalog.Normalize(skill),
                required,
                met ? RequirementStatus.Met : RequirementStatus.NotMet,
                Verified: false,
                met ? "listed in skills (claimed)" : "not listed"));
        }

        foreach (var requirement in requisition.Certifications)
        {
            var weight = requirement.Required ? 2 : 1;
            possible += weight;
            var (result, credit) = ScoreCertification(requirement, profile.Certifications, catalogue);
            earned += weight * credit;
            results.Add(result);
        }

        var score = possible == 0 ? 0 : Math.Round(earned / possible, 4);
        var meets = results.Where(r => r.Required).All(r => r.Status == RequirementStatus.Met);
        return new CandidateScore(profile.CandidateId, score, meets, results);
    }

    /// <summary>The best of the candidate's certifications that satisfies the requirement, and the share of its weight it earns.</summary>
    private static (RequirementResult Result, double Credit) ScoreCertification(
        CertificationRequirement requirement, IReadOnlyList<CertificationEvidence> held, CertificationCatalogue? catalogue)
    {
        var wanted = catalogue?.Find(requirement.Id);
        var accepted = requirement.AcceptSuccessors && catalogue is not null
            ? catalogue.WithSuccessors(requirement.Id).Select(c => c.Id).ToList()
            : [requirement.Id];
        var label = wanted?.Name ?? requirement.Id;
        var matching = held.Where(c => c.CertificationId is { } id && accepted.Contains(id)).ToList();

        // Verified beats claimed beats refuted; then the one asked for beats a successor.
        var best = matching
            .OrderBy(c => c.Standing switch { CertificationStanding.Verified => 0, CertificationStanding.Claimed => 1, _ => 2 })
            .ThenBy(c => c.CertificationId == requirement.Id ? 0 : 1)
            .FirstOrDefault();
        if (best is null)
        {
            return (new RequirementResult(label, requirement.Required, RequirementStatus.NotMet, false, "not listed"), 0);
        }

        var via = best.CertificationId == requirement.Id ? "" : $" (as {best.Name}, its successor)";
        return best.Standing switch
        {
            CertificationStanding.Verified =>
                (new RequirementResult(label, requirement.Required, RequirementStatus.Met, true, best.Note + via), 1),
            CertificationStanding.Claimed when requirement.VerifiedOnly =>
                (new RequirementResult(label, requirement.Required, RequirementStatus.Unknown, false, best.Note + via + "; only a verified credential counts"), 0),
            CertificationStanding.Claimed =>
                (new RequirementResult(label, requirement.Required, RequirementStatus.Met, false, best.Note + via + " (half credit until verified)"), 0.5),
            _ => (new RequirementResult(label, requirement.Required, RequirementStatus.NotMet, false, best.Note + via), 0),
        };
    }

    /// <summary>
    /// The shortlist: candidates who meet every requirement and the minimum score, best first. Ties go to the
    /// lower candidate id, so the order is stable from run to run.
    /// </summary>
    public static IReadOnlyList<CandidateScore> Rank(Requisition requisition, IEnumerable<CandidateScore> scores) =>
        Best(scores.Where(s => s.MeetsRequirements && s.Score >= requisition.MinimumScore && s.Score > 0), requisition.ShortlistSize);

    /// <summary>
    /// Near misses, for recruiters: candidates who miss exactly one required skill but would otherwise reach the
    /// minimum score, best first, as many as the shortlist size. A nudge ("has PyTorch, lacks Kubeflow"), not a
    /// shortlist: they are never sent to the hiring manager.
    /// </summary>
    public static IReadOnlyList<CandidateScore> NearMisses(Requisition requisition, IEnumerable<CandidateScore> scores) =>
        Best(
            scores.Where(s => !s.MeetsRequirements
                && s.Requirements.Count(r => r.Required && r.Status != RequirementStatus.Met) == 1
                && s.Score >= requisition.MinimumScore && s.Score > 0),
            requisition.ShortlistSize);

    private static List<CandidateScore> Best(IEnumerable<CandidateScore> scores, int count) =>
        scores.OrderByDescending(s => s.Score)
            .ThenBy(s => s.CandidateId, StringComparer.Ordinal)
            .Take(count)
            .ToList();
}
