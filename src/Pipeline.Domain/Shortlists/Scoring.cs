using System.Text.Json.Serialization;
using Pipeline.Domain.Candidates;
using Pipeline.Domain.Certifications;
using Pipeline.Domain.Requisitions;

namespace Pipeline.Domain.Shortlists;

/// <summary>
/// What scoring may see of a candidate. It carries no name, email, phone, gender, date of birth, photo or
/// nationality, so the score cannot depend on them; <see cref="Location"/> is read only by a requisition's location
/// rule, and not at all for a remote role.
/// </summary>
public sealed record ScoringProfile(string CandidateId, IReadOnlyList<string> Skills, IReadOnlyList<CertificationEvidence> Certifications)
{
    /// <summary>The programme of study, where domain knowledge may show.</summary>
    public string? Program { get; init; }

    /// <summary>When the candidate finishes their studies, for the availability rule.</summary>
    public DateOnly? GraduationDate { get; init; }

    public string? Clearance { get; init; }

    /// <summary>Where the candidate says they are, as the feed wrote it (e.g. "Boston, MA, US").</summary>
    public string? Location { get; init; }
}

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
        void Add(RequirementResult result, double? weight, double credit)
        {
            var w = weight ?? (result.Required ? 2 : 1);
            possible += w;
            earned += w * credit;
            results.Add(result);
        }

        // Each skill normalised once per candidate, not once per comparison (a pool of many requisitions scores the same profile often).
        var held = new HashSet<string>(profile.Skills.Count, StringComparer.OrdinalIgnoreCase);
        foreach (var s in profile.Skills)
        {
            held.Add(SkillCatalog.Normalize(s));
        }

        foreach (var (skill, required) in requisition.RequiredSkills.Select(s => (s, true)).Concat(requisition.PreferredSkills.Select(s => (s, false))))
        {
            var met = held.Contains(SkillCatalog.Normalize(skill.Name));
            Add(new RequirementResult(
                SkillCatalog.Normalize(skill.Name),
                required,
                met ? RequirementStatus.Met : RequirementStatus.NotMet,
                Verified: false,
                met ? "listed in skills (claimed)" : "not listed"), skill.Weight, met ? 1 : 0);
        }

        foreach (var requirement in requisition.Certifications)
        {
            var (result, credit) = ScoreCertification(requirement, profile.Certifications, catalogue);
            Add(result, requirement.Weight, credit);
        }

        foreach (var domain in requisition.DomainKnowledge)
        {
            var result = ScoreDomain(domain, profile);
            Add(result, domain.Weight, result.Status == RequirementStatus.Met ? 1 : 0);
        }

        if (requisition.Location is { Mode: not WorkMode.Remote } location)
        {
            var result = ScoreLocation(location, profile.Location);
            Add(result, location.Weight, result.Status == RequirementStatus.Met ? 1 : 0);
        }

        if (requisition.Availability is { } availability)
        {
            var result = ScoreAvailability(availability, profile.GraduationDate);
            Add(result, availability.Weight, result.Status == RequirementStatus.Met ? 1 : 0);
        }

        if (requisition.Clearance is { } clearance)
        {
            var result = ScoreClearance(clearance, profile.Clearance);
            Add(result, clearance.Weight, result.Status == RequirementStatus.Met ? 1 : 0);
        }

        var score = possible == 0 ? 0 : Math.Round(earned / possible, 4);
        var meets = results.Where(r => r.Required).All(r => r.Status == RequirementStatus.Met);
        return new CandidateScore(profile.CandidateId, score, meets, results);
    }

    private static RequirementResult ScoreDomain(DomainRequirement domain, ScoringProfile profile)
    {
        var skill = domain.Keywords.SelectMany(k => profile.Skills.Where(s => s.Contains(k, StringComparison.OrdinalIgnoreCase) || SkillCatalog.SameSkill(s, k)).Take(1)).FirstOrDefault();
        if (skill is not null)
        {
            return new RequirementResult(domain.Name, domain.Required, RequirementStatus.Met, false, $"'{skill}' in skills (claimed)");
        }

        var keyword = profile.Program is { } program ? domain.Keywords.FirstOrDefault(k => program.Contains(k, StringComparison.OrdinalIgnoreCase)) : null;
        return keyword is not null
            ? new RequirementResult(domain.Name, domain.Required, RequirementStatus.Met, false, $"'{keyword}' in the programme of study")
            : new RequirementResult(domain.Name, domain.Required, RequirementStatus.NotMet, false, "nothing in skills or programme shows it");
    }

    private static RequirementResult ScoreLocation(LocationRequirement location, string? stated)
    {
        var name = $"Location ({location.Mode.ToString().ToLowerInvariant()}: {string.Join(", ", location.Places)})";
        if (string.IsNullOrWhiteSpace(stated))
        {
            return new RequirementResult(name, location.Required, RequirementStatus.Unknown, false, "no location stated");
        }

        // A place matches a whole part of the stated location ("Boston", "MA" or "US" in "Boston, MA, US").
        var parts = stated.Split([',', ';', '/'], StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        var place = location.Places.FirstOrDefault(p => parts.Any(part => string.Equals(part, p.Trim(), StringComparison.OrdinalIgnoreCase)));
        return place is not null
            ? new RequirementResult(name, location.Required, RequirementStatus.Met, false, $"based in {place}")
            : new RequirementResult(name, location.Required, RequirementStatus.NotMet, false, "based elsewhere");
    }

    private static RequirementResult ScoreAvailability(AvailabilityRequirement availability, DateOnly? graduation)
    {
        var name = $"Available from {availability.Start:yyyy-MM-dd}" + (availability.DurationMonths is { } months ? $" for {months} months" : "");
        return graduation switch
        {
            null => new RequirementResult(name, availability.Required, RequirementStatus.Unknown, false, "no graduation date stated"),
            { } d when d <= availability.Start => new RequirementResult(name, availability.Required, RequirementStatus.Met, false, $"finishes studies {d:yyyy-MM}"),
            { } d => new RequirementResult(name, availability.Required, RequirementStatus.NotMet, false, $"finishes studies {d:yyyy-MM}, after the start"),
        };
    }

    private static RequirementResult ScoreClearance(ClearanceRequirement clearance, string? stated)
    {
        var name = $"Clearance: {clearance.Level}";
        if (string.IsNullOrWhiteSpace(stated))
        {
            return new RequirementResult(name, clearance.Required, RequirementStatus.Unknown, false, "no feed states a clearance; confirm with the candidate");
        }

        return string.Equals(stated.Trim(), clearance.Level.Trim(), StringComparison.OrdinalIgnoreCase)
            ? new RequirementResult(name, clearance.Required, RequirementStatus.Met, false, $"{stated} stated by the feed (claimed)")
            : new RequirementResult(name, clearance.Required, RequirementStatus.NotMet, false, $"the feed states {stated}");
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
        Best(scores.Where(s => Qualifies(requisition, s)), requisition.ShortlistSize);

    /// <summary>Whether a candidate may be shortlisted at all: every hard requirement met and the minimum score reached.</summary>
    public static bool Qualifies(Requisition requisition, CandidateScore score) =>
        score.MeetsRequirements && score.Score >= requisition.MinimumScore && score.Score > 0;

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
