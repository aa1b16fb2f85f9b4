using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Pipeline.Domain.Candidates;

/// <summary>One candidate as one feed describes them, after normalisation.</summary>
public sealed record CandidateRecord
{
    public required string Email { get; init; }

    public string? Name { get; init; }

    public string? Phone { get; init; }

    public string? Location { get; init; }

    public string? Institution { get; init; }

    public string? Program { get; init; }

    public DateOnly? GraduationDate { get; init; }

    public IReadOnlyList<string> Skills { get; init; } = [];

    public IReadOnlyList<ClaimedCertification> Certifications { get; init; } = [];

    public IReadOnlyList<string> ProfileUrls { get; init; } = [];

    /// <summary>A security clearance the feed states. Left out of the JSON when absent, so records stored before it existed hash as they did.</summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public string? Clearance { get; init; }

    /// <summary>Identifies this content: equal records hash equally, so an unchanged row can be skipped.</summary>
    public string ContentHash()
    {
        var bytes = JsonSerializer.SerializeToUtf8Bytes(this, DomainJson.Options);
        return Convert.ToHexStringLower(SHA256.HashData(bytes));
    }

    // Records compare lists by reference; compare them by content instead.
    public bool Equals(CandidateRecord? other) => other is not null && ContentHash() == other.ContentHash();

    public override int GetHashCode() => ContentHash().GetHashCode(StringComparison.Ordinal);
}

/// <summary>
/// A certification the candidate says they hold; verification is a separate step. <see cref="Url"/> is the badge or
/// credential page; <see cref="CredentialId"/> the issuer's id for it; <see cref="BadgeEmail"/> the address the
/// badge was issued to, when it is not the one the feed lists (it also identifies the person across feeds).
/// </summary>
public sealed record ClaimedCertification(string Name, string? Issuer = null, string? Url = null, DateOnly? Date = null)
{
    public string? CredentialId { get; init; }

    public string? BadgeEmail { get; init; }
}

/// <summary>
/// Stable, non-reversible-at-a-glance identifiers for people, so logs and keys never carry an email address.
/// </summary>
public static class CandidateId
{
    // A page asks for the same ids several times (keys, records, merged profiles); remember them, up to a small bound.
    private const int MaxRemembered = 10_000;
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, string> Remembered = new(StringComparer.Ordinal);

    // Counted apart: ConcurrentDictionary.Count takes every lock of the dictionary, on every call.
    private static int _remembered;

    public static string FromEmail(string normalizedEmail)
    {
        if (Remembered.TryGetValue(normalizedEmail, out var known))
        {
            return known;
        }

        var hash = SHA256.HashData(Encoding.UTF8.GetBytes("pipeline/candidate/" + normalizedEmail));
        var id = "c" + Convert.ToHexStringLower(hash)[..20];
        if (Volatile.Read(ref _remembered) >= MaxRemembered)
        {
            Remembered.Clear();
            Volatile.Write(ref _remembered, 0);
        }

        if (Remembered.TryAdd(normalizedEmail, id))
        {
            Interlocked.Increment(ref _remembered);
        }
        return id;
    }
}
