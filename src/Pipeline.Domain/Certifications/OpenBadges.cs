using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Pipeline.Domain.Certifications;

[JsonConverter(typeof(JsonStringEnumConverter<VerificationOutcome>))]
public enum VerificationOutcome
{
    Verified,
    Expired,
    Revoked,
    RecipientMismatch,
    IssuerNotRecognised,
    UnknownCertification,
    NotFound,

    /// <summary>Could not be checked now (network, 5xx, time-out): try again later.</summary>
    Unreachable,

    /// <summary>The URL breaks the fetching rules (scheme, host, internal address): never fetched.</summary>
    Refused,
}

/// <summary>What a check found, and how: the URLs fetched, the issuer and badge class, the dates, the matching email.</summary>
public sealed record VerificationResult(
    VerificationOutcome Outcome,
    string? Certification,
    string Reason,
    IReadOnlyList<string> Fetched,
    string? Issuer = null,
    string? BadgeClass = null,
    DateTimeOffset? IssuedOn = null,
    DateTimeOffset? Expires = null,
    string? MatchedEmail = null,
    DateTimeOffset? CheckedAt = null)
{
    /// <summary>What the source confirmed (e.g. <c>recipient</c>, <c>issuer</c>, <c>dates</c>); empty when nothing was.</summary>
    public IReadOnlyList<string> Confirmed { get; init; } = [];

    /// <summary>What the source could not confirm, and so was taken on trust (e.g. <c>recipient</c> for Microsoft Learn).</summary>
    public IReadOnlyList<string> NotConfirmed { get; init; } = [];
}

/// <summary>
/// The Open Badges 2.0 hosted-verification rules, applied to documents already fetched (no I/O here): the assertion
/// as served from its own id, its BadgeClass and its issuer Profile.
/// </summary>
public static class OpenBadgeRules
{
    /// <summary>The assertion served at <paramref name="fetchedFrom"/> must name that URL as its id.</summary>
    public static string? CheckIdentity(JsonElement assertion, Uri fetchedFrom)
    {
        if (Text(assertion, "type") is not ("Assertion" or null) && !HasType(assertion, "Assertion"))
        {
            return "the document is not an Open Badges assertion";
        }

        var id = Text(assertion, "id");
        return id is null || !Uri.TryCreate(id, UriKind.Absolute, out var idUri) || idUri != fetchedFrom
            ? $"the assertion's id ({id ?? "missing"}) is not the URL it was fetched from"
            : null;
    }

    /// <summary>Which of the candidate's emails the assertion was issued to, plaintext or hashed (sha256$ / md5$, with the salt).</summary>
    public static string? MatchRecipient(JsonElement assertion, IEnumerable<string> emails)
    {
        if (!assertion.TryGetProperty("recipient", out var recipient) || recipient.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        var identity = Text(recipient, "identity") ?? "";
        var salt = Text(recipient, "salt") ?? "";
        var hashed = recipient.TryGetProperty("hashed", out var h) && h.ValueKind == JsonValueKind.True;
        foreach (var email in emails.Select(e => e.Trim()).Where(e => e.Length > 0))
        {
            foreach (var candidate in new[] { email, email.ToLowerInvariant() }.Distinct())
            {
                if (!hashed && string.Equals(identity, candidate, StringComparison.OrdinalIgnoreCase))
                {
                    return email;
                }

                if (hashed && (identity.StartsWith("sha256$", StringComparison.OrdinalIgnoreCase) || identity.StartsWith("md5$", StringComparison.OrdinalIgnoreCase)))
                {
                    var (algorithm, expected) = (identity[..identity.IndexOf('$')].ToLowerInvariant(), identity[(identity.IndexOf('$') + 1)..]);
                    var bytes = Encoding.UTF8.GetBytes(candidate + salt);
                    var actual = Convert.ToHexStringLower(algorithm == "sha256" ? SHA256.HashData(bytes) : MD5.HashData(bytes));
                    if (string.Equals(actual, expected, StringComparison.OrdinalIgnoreCase))
                    {
                        return email;
                    }
                }
            }
        }

        return null;
    }

    /// <summary>
    /// The assertion must come from where the issuer says its assertions live: the issuer's
    /// <c>verification.allowedOrigins</c>, or else the origin of the issuer's own id.
    /// </summary>
    public static bool IsWithinIssuerOrigin(Uri assertionUrl, JsonElement issuer)
    {
        var allowed = new List<string>();
        if (issuer.TryGetProperty("verification", out var verification) && verification.TryGetProperty("allowedOrigins", out var origins))
        {
            allowed.AddRange(origins.ValueKind == JsonValueKind.Array
                ? origins.EnumerateArray().Select(o => o.GetString()).OfType<string>()
                : [origins.GetString()!]);
        }
        else if (Text(issuer, "id") is { } id && Uri.TryCreate(id, UriKind.Absolute, out var issuerUri))
        {
            allowed.Add(issuerUri.Authority);
        }

        return allowed.Any(origin => string.Equals(origin, assertionUrl.Authority, StringComparison.OrdinalIgnoreCase)
                                     || string.Equals(origin, assertionUrl.Host, StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>
    /// The documents a property links: a URL, an embedded object with an id, or an array of either (as an issuer's
    /// <c>publicKey</c> may be).
    /// </summary>
    public static IReadOnlyList<(string? Id, JsonElement? Embedded)> Links(JsonElement element, string name)
    {
        if (element.ValueKind != JsonValueKind.Object || !element.TryGetProperty(name, out var value))
        {
            return [];
        }

        var items = value.ValueKind == JsonValueKind.Array ? value.EnumerateArray().ToList() : [value];
        return items.Select(i => i.ValueKind switch
            {
                JsonValueKind.String => (i.GetString(), (JsonElement?)null),
                JsonValueKind.Object => (Text(i, "id"), i),
                _ => ((string?)null, (JsonElement?)null),
            })
            .Where(l => l.Item1 is not null || l.Item2 is not null)
            .ToList();
    }

    /// <summary>
    /// Why a RevocationList lists the assertion (its id, or its uid), or null when it does not. Entries are ids, or
    /// objects with an <c>id</c> (or <c>uid</c>) and an optional <c>revocationReason</c>.
    /// </summary>
    public static string? FindRevocation(JsonElement revocationList, string? assertionId, string? uid)
    {
        if (!revocationList.TryGetProperty("revokedAssertions", out var revoked) || revoked.ValueKind != JsonValueKind.Array)
        {
            return null;
        }

        foreach (var entry in revoked.EnumerateArray())
        {
            var ids = entry.ValueKind == JsonValueKind.String ? [entry.GetString()] : new[] { Text(entry, "id"), Text(entry, "uid") };
            if (ids.Any(i => i is not null && (i == assertionId || i == uid)))
            {
                return (entry.ValueKind == JsonValueKind.Object ? Text(entry, "revocationReason") : null) ?? "no reason given";
            }
        }

        return null;
    }

    public static DateTimeOffset? Date(JsonElement element, string name) =>
        Text(element, name) is { } text && DateTimeOffset.TryParse(text, System.Globalization.CultureInfo.InvariantCulture,
            System.Globalization.DateTimeStyles.AssumeUniversal, out var date) ? date.ToUniversalTime() : null;

    public static string? Text(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private static bool HasType(JsonElement element, string type) =>
        element.TryGetProperty("type", out var t) && t.ValueKind == JsonValueKind.Array && t.EnumerateArray().Any(x => x.GetString() == type);
}
