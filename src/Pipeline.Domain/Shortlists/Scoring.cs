using System.Text.Json.Serialization;
using Pipeline.Domain.Candidates;
using Pipeline.Domain.Requisitions;

namespace Pipeline.Domain.Shortlists;

/// <summary>
/// What scoring may see of a candidate. It carries no name, email, phone, date of birth, photo or address, so the
/// score cannot depend on them.
/// </summary>
public sealed record ScoringProfile(string CandidateId, IReadOnlyList<string> Skills, IReadOnlyList<string> Certifications);

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
    /// Required skills weigh twice what preferred ones do; the score is the weighted share met, from 0 to 1.
    /// A candidate missing a required skill does not meet the requisition, whatever the score.
    /// </summary>
    public static CandidateScore Score(Requisition requisition, ScoringProfile profile)
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

        var score = possible == 0 ? 0 : Math.Round(earned / possible, 4);
        var meets = results.Where(r => r.Required).All(r => r.Status == RequirementStatus.Met);
        return new CandidateScore(profile.CandidateId, score, meets, results);
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
