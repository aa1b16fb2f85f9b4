using Pipeline.Domain.Certifications;
using Pipeline.Domain.Feeds;
using Pipeline.Domain.Shortlists;

namespace Pipeline.Domain.Candidates;

/// <summary>What one feed said about a candidate, and how the record was matched to them (<see cref="MatchReasons"/>).</summary>
public sealed record SourceRecord(string FeedId, FeedKind FeedKind, string Source, CandidateRecord Record)
{
    public string MatchedBy { get; init; } = MatchReasons.Email;
}

/// <summary>One record behind a profile: the feed, the id the record's own email would give, and why it belongs here.</summary>
public sealed record SourceLink(string FeedId, string RecordId, string MatchedBy);

/// <summary>A person as Pipeline knows them: all their source records merged.</summary>
public sealed record CandidateProfile
{
    public required string CandidateId { get; init; }

    public required string Email { get; init; }

    public string? Name { get; init; }

    public string? Phone { get; init; }

    public string? Location { get; init; }

    public string? Institution { get; init; }

    public string? Program { get; init; }

    public DateOnly? GraduationDate { get; init; }

    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public string? Clearance { get; init; }

    public IReadOnlyList<string> Skills { get; init; } = [];

    public IReadOnlyList<ClaimedCertification> Certifications { get; init; } = [];

    /// <summary>Where the person comes from, e.g. "Northfield University Careers Office (university)".</summary>
    public IReadOnlyList<string> Sources { get; init; } = [];

    /// <summary>The kinds of feed that list the person.</summary>
    public IReadOnlyList<FeedKind> Kinds { get; init; } = [];

    /// <summary>Each record merged into the profile and the reason it was matched, so a wrong merge can be seen and undone.</summary>
    public IReadOnlyList<SourceLink> Links { get; init; } = [];

    /// <summary>
    /// Merges source records, those matched by email first, then in feed-id order: the first that gives a
    /// single-valued field wins, lists are united. The order makes the result the same whichever feed arrived first.
    /// </summary>
    public static CandidateProfile Merge(string candidateId, IEnumerable<SourceRecord> sources)
    {
        // The record matched by email (the person's first) leads; then feed order.
        var ordered = sources
            .OrderBy(s => s.MatchedBy == MatchReasons.Email ? 0 : 1)
            .ThenBy(s => s.FeedId, StringComparer.Ordinal)
            .ThenBy(s => s.Record.Email, StringComparer.Ordinal)
            .ToList();
        if (ordered.Count == 0)
        {
            throw new ArgumentException("A profile needs at least one source record.", nameof(sources));
        }

        var records = ordered.Select(s => s.Record).ToList();
        return new CandidateProfile
        {
            CandidateId = candidateId,
            Email = records[0].Email,
            Name = records.Select(r => r.Name).FirstOrDefault(v => v is not null),
            Phone = records.Select(r => r.Phone).FirstOrDefault(v => v is not null),
            Location = records.Select(r => r.Location).FirstOrDefault(v => v is not null),
            Institution = records.Select(r => r.Institution).FirstOrDefault(v => v is not null),
            Program = records.Select(r => r.Program).FirstOrDefault(v => v is not null),
            GraduationDate = records.Select(r => r.GraduationDate).FirstOrDefault(v => v is not null),
            Clearance = records.Select(r => r.Clearance).FirstOrDefault(v => v is not null),
            Skills = SkillCatalog.NormalizeAll(records.SelectMany(r => r.Skills)),
            Certifications = records.SelectMany(r => r.Certifications).DistinctBy(c => c.Name.ToUpperInvariant()).ToList(),
            Sources = ordered.Select(s => $"{s.Source} ({s.FeedKind.ToString().ToLowerInvariant()})").Distinct().ToList(),
            Kinds = ordered.Select(s => s.FeedKind).Distinct().Order().ToList(),
            Links = ordered.Select(s => new SourceLink(s.FeedId, Candidates.CandidateId.FromEmail(s.Record.Email), s.MatchedBy)).ToList(),
        };
    }

    /// <summary>
    /// The only view of the person that scoring gets: skills, and each claimed certification with where its last
    /// check (<paramref name="checks"/>, by credential URL) left it on <paramref name="now"/>.
    /// </summary>
    public ScoringProfile ForScoring(CertificationCatalogue catalogue, IReadOnlyDictionary<string, VerificationResult>? checks = null, DateTimeOffset now = default) =>
        new(CandidateId, Skills, Evidence(catalogue, checks, now))
        {
            Program = Program, GraduationDate = GraduationDate, Clearance = Clearance, Location = Location,
        };

    /// <summary>Each claimed certification with where its last check left it.</summary>
    public IReadOnlyList<CertificationEvidence> Evidence(CertificationCatalogue catalogue, IReadOnlyDictionary<string, VerificationResult>? checks, DateTimeOffset now) =>
        Certifications
            .Select(c => CertificationEvidence.From(c, c.Url is { } url && checks is not null ? checks.GetValueOrDefault(url) : null, catalogue, now))
            .ToList();

    /// <summary>
    /// The card shown to hiring managers; the name only when the requisition is not blind. Certifications say whether
    /// they were verified when <paramref name="evidence"/> is given.
    /// </summary>
    public CandidateCard ToCard(bool revealName = false, IReadOnlyList<CertificationEvidence>? evidence = null) =>
        new(Institution, Program, GraduationDate, Sources, Skills,
            evidence?.Select(e => e.Standing == CertificationStanding.Verified ? $"{e.Name} (verified)" : e.Standing == CertificationStanding.Refuted ? $"{e.Name} (not confirmed)" : $"{e.Name} (claimed)").ToList()
            ?? Certifications.Select(c => c.Name).ToList())
        {
            Name = revealName ? Name : null,
            Kinds = Kinds,
        };
}
