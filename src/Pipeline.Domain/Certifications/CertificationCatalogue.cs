using System.Text.Json.Serialization;

namespace Pipeline.Domain.Certifications;

/// <summary>A vendor certification Pipeline recognises, from <c>catalogue/certifications.json</c>.</summary>
public sealed record CertificationEntry
{
    // List defaults are the constructor's, not property initialisers: the source-generated reader sets every
    // init-only property it is not given to its type's default (dotnet/runtime#84484).
    [JsonConstructor]
    public CertificationEntry(IReadOnlyList<string>? issuers = null, IReadOnlyList<string>? namePatterns = null, IReadOnlyList<string>? unconfirmed = null)
    {
        Issuers = issuers ?? [];
        NamePatterns = namePatterns ?? [];
        Unconfirmed = unconfirmed ?? [];
    }

    public required string Id { get; init; }

    public required string Vendor { get; init; }

    public required string Name { get; init; }

    public string? ExamCode { get; init; }

    /// <summary>Issuer names as badge platforms show them (e.g. the Credly issuer profile's name).</summary>
    public IReadOnlyList<string> Issuers { get; init; }

    /// <summary>Lower-case fragments that identify the certification in a claimed name.</summary>
    public IReadOnlyList<string> NamePatterns { get; init; }

    /// <summary>How long a credential stays current after it is earned; null when the vendor's page does not say (or see <see cref="DoesNotExpire"/>).</summary>
    public int? ValidityMonths { get; init; }

    /// <summary>The vendor says the credential never expires (e.g. Microsoft's fundamentals certifications).</summary>
    public bool DoesNotExpire { get; init; }

    /// <summary>When the exam was retired; holders stay certified until their credential expires.</summary>
    public DateOnly? Retired { get; init; }

    public string? Successor { get; init; }

    /// <summary>The vendor retired it without naming a successor: recorded on purpose, so the check does not ask for one.</summary>
    public bool NoSuccessor { get; init; }

    /// <summary>The vendor's own page the facts were checked against (https).</summary>
    public string? Source { get; init; }

    /// <summary>The day the facts were last checked against <see cref="Source"/>.</summary>
    public DateOnly? Checked { get; init; }

    /// <summary>
    /// Fields whose values the vendor's page did not confirm when last checked (taken from independent reports that
    /// agree); they stay until confirmed or corrected, and the catalogue check lists them.
    /// </summary>
    public IReadOnlyList<string> Unconfirmed { get; init; }

    public string? Note { get; init; }

    public bool IsRetiredOn(DateOnly day) => Retired is { } r && day > r;
}

public sealed record CertificationCatalogue
{
    [JsonConstructor]
    public CertificationCatalogue(string version = "", IReadOnlyList<CertificationEntry>? certifications = null)
    {
        Version = version;
        Certifications = certifications ?? [];
    }

    public string Version { get; init; }

    public IReadOnlyList<CertificationEntry> Certifications { get; init; }

    [JsonPropertyName("$comment")]
    public string? Comment { get; init; }

    public CertificationEntry? Find(string id) => Certifications.FirstOrDefault(c => c.Id == id);

    /// <summary>
    /// The entry a claimed certification name refers to: the one whose longest pattern occurs in the name, so that
    /// "Machine Learning Engineer – Associate" is not taken for a longer or shorter namesake. Null when none matches.
    /// </summary>
    public CertificationEntry? Match(string claimedName)
    {
        var name = Fold(claimedName);
        return Certifications
            .SelectMany(c => c.NamePatterns.Select(p => (Entry: c, Pattern: Fold(p))))
            .Where(x => name.Contains(x.Pattern, StringComparison.Ordinal))
            .OrderByDescending(x => x.Pattern.Length)
            .Select(x => x.Entry)
            .FirstOrDefault();
    }

    /// <summary>The certification and every successor after it, for requisitions that accept successors.</summary>
    public IEnumerable<CertificationEntry> WithSuccessors(string id)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var entry = Find(id); entry is not null && seen.Add(entry.Id); entry = entry.Successor is { } next ? Find(next) : null)
        {
            yield return entry;
        }
    }

    /// <summary>The fields <see cref="CertificationEntry.Unconfirmed"/> may name.</summary>
    public static IReadOnlyList<string> FactFields { get; } = ["name", "examCode", "issuers", "validityMonths", "doesNotExpire", "retired", "successor", "noSuccessor"];

    /// <summary>
    /// Every problem in the catalogue, naming the entry and the field. With <paramref name="today"/>, a <c>checked</c>
    /// date after it is a problem too (a check cannot have happened yet).
    /// </summary>
    public IReadOnlyList<string> Validate(DateOnly? today = null)
    {
        var errors = new List<string>();
        var ids = new HashSet<string>(StringComparer.Ordinal);
        foreach (var c in Certifications)
        {
            var name = $"certification '{c.Id}'";
            if (!Feeds.ConfigIds.IsValid(c.Id) || !ids.Add(c.Id))
            {
                errors.Add($"{name}: 'id' must be unique lower-case letters, digits and dashes.");
            }

            if (string.IsNullOrWhiteSpace(c.Vendor) || string.IsNullOrWhiteSpace(c.Name))
            {
                errors.Add($"{name}: 'vendor' and 'name' are required.");
            }

            if (c.NamePatterns.Count == 0 || c.NamePatterns.Any(string.IsNullOrWhiteSpace))
            {
                errors.Add($"{name}: give at least one of 'namePatterns', none empty.");
            }

            // Badge checks refuse a credential whose issuer is not listed, so an entry without issuers could never be verified.
            if (c.Issuers.Count == 0 || c.Issuers.Any(string.IsNullOrWhiteSpace))
            {
                errors.Add($"{name}: give at least one of 'issuers' (the issuer's name as badge platforms show it), none empty.");
            }

            if (c.ValidityMonths is < 1 or > 120)
            {
                errors.Add($"{name}: 'validityMonths' must be between 1 and 120 (got {c.ValidityMonths}).");
            }

            if (c.DoesNotExpire && c.ValidityMonths is not null)
            {
                errors.Add($"{name}: 'doesNotExpire' and 'validityMonths' contradict each other; give one.");
            }

            if (c.Successor is { } s)
            {
                if (s == c.Id)
                {
                    errors.Add($"{name}: 'successor' names the certification itself.");
                }
                else if (Certifications.All(o => o.Id != s))
                {
                    errors.Add($"{name}: 'successor' '{s}' is not in the catalogue.");
                }
                else if (SuccessorCycle(c.Id) is { } cycle)
                {
                    errors.Add($"{name}: successors go round in a circle ({string.Join(" -> ", cycle)}).");
                }
            }

            if (c.NoSuccessor && (c.Successor is not null || c.Retired is null))
            {
                errors.Add($"{name}: 'noSuccessor' is for a retired certification without a successor; give 'retired' and no 'successor'.");
            }

            if (c.Successor is not null && c.Retired is null)
            {
                errors.Add($"{name}: 'successor' is given but 'retired' is not; a successor replaces a retired certification.");
            }

            if (!Uri.TryCreate(c.Source, UriKind.Absolute, out var source) || source.Scheme != Uri.UriSchemeHttps || string.IsNullOrEmpty(source.Host))
            {
                errors.Add($"{name}: 'source' must be the https address of the vendor's page the facts were checked against (got {(c.Source is null ? "nothing" : $"'{c.Source}'")}).");
            }

            if (c.Checked is not { } day)
            {
                errors.Add($"{name}: 'checked' is required: the day (yyyy-MM-dd) the facts were checked against 'source'.");
            }
            else if (today is { } t && day > t)
            {
                errors.Add($"{name}: 'checked' is {day:yyyy-MM-dd}, which is after today ({t:yyyy-MM-dd}).");
            }

            foreach (var field in c.Unconfirmed)
            {
                if (!FactFields.Contains(field, StringComparer.Ordinal))
                {
                    errors.Add($"{name}: 'unconfirmed' names '{field}', which is not one of {string.Join(", ", FactFields)}.");
                }
                else if (!HasValue(c, field))
                {
                    errors.Add($"{name}: 'unconfirmed' names '{field}', which the entry does not give.");
                }
            }
        }

        return errors;
    }

    /// <summary>The successor chain from <paramref name="id"/> when it comes back to an entry already on it; otherwise null.</summary>
    private List<string>? SuccessorCycle(string id)
    {
        var chain = new List<string>();
        for (var entry = Find(id); entry is not null; entry = entry.Successor is { } next ? Find(next) : null)
        {
            if (chain.Contains(entry.Id))
            {
                chain.Add(entry.Id);
                return chain;
            }

            chain.Add(entry.Id);
        }

        return null;
    }

    private static bool HasValue(CertificationEntry c, string field) => field switch
    {
        "name" => !string.IsNullOrWhiteSpace(c.Name),
        "examCode" => c.ExamCode is not null,
        "issuers" => c.Issuers.Count > 0,
        "validityMonths" => c.ValidityMonths is not null,
        "doesNotExpire" => c.DoesNotExpire,
        "retired" => c.Retired is not null,
        "successor" => c.Successor is not null,
        "noSuccessor" => c.NoSuccessor,
        _ => false,
    };

    // Case, dash styles and runs of white space do not matter in a claimed name.
    private static string Fold(string text) =>
        string.Join(' ', text.ToLowerInvariant().Replace('–', '-').Replace('—', '-').Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
}
