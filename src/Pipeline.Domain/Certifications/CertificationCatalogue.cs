using System.Text.Json.Serialization;

namespace Pipeline.Domain.Certifications;

/// <summary>A vendor certification Pipeline recognises, from <c>catalogue/certifications.json</c>.</summary>
public sealed record CertificationEntry
{
    public required string Id { get; init; }

    public required string Vendor { get; init; }

    public required string Name { get; init; }

    public string? ExamCode { get; init; }

    /// <summary>Issuer names as badge platforms show them (e.g. the Credly issuer profile's name).</summary>
    public IReadOnlyList<string> Issuers { get; init; } = [];

    /// <summary>Lower-case fragments that identify the certification in a claimed name.</summary>
    public IReadOnlyList<string> NamePatterns { get; init; } = [];

    public int ValidityMonths { get; init; }

    /// <summary>When the exam was retired; holders stay certified until their credential expires.</summary>
    public DateOnly? Retired { get; init; }

    public string? Successor { get; init; }

    public string? Note { get; init; }

    public bool IsRetiredOn(DateOnly day) => Retired is { } r && day > r;
}

public sealed record CertificationCatalogue
{
    public string Version { get; init; } = "";

    public IReadOnlyList<CertificationEntry> Certifications { get; init; } = [];

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

    /// <summary>Every problem in the catalogue, naming the entry and the field.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        var ids = new HashSet<string>(StringComparer.Ordinal);
        foreach (var c in Certifications)
        {
            if (!Feeds.ConfigIds.IsValid(c.Id) || !ids.Add(c.Id))
            {
                errors.Add($"certification '{c.Id}': 'id' must be unique lower-case letters, digits and dashes.");
            }

            if (c.NamePatterns.Count == 0)
            {
                errors.Add($"certification '{c.Id}': give at least one of 'namePatterns'.");
            }

            if (c.ValidityMonths is < 1 or > 120)
            {
                errors.Add($"certification '{c.Id}': 'validityMonths' must be between 1 and 120 (got {c.ValidityMonths}).");
            }

            if (c.Successor is { } s && Certifications.All(o => o.Id != s))
            {
                errors.Add($"certification '{c.Id}': 'successor' '{s}' is not in the catalogue.");
            }
        }

        return errors;
    }

    // Case, dash styles and runs of white space do not matter in a claimed name.
    private static string Fold(string text) =>
        string.Join(' ', text.ToLowerInvariant().Replace('–', '-').Replace('—', '-').Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
}
