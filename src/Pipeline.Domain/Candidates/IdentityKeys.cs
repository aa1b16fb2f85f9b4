using System.Security.Cryptography;
using System.Text;

namespace Pipeline.Domain.Candidates;

/// <summary>How a record was matched to the person it was stored under.</summary>
public static class MatchReasons
{
    /// <summary>The first record of the person, or one with the same email.</summary>
    public const string Email = "email";

    /// <summary>The record's email is a badge email of the person, or the other way round.</summary>
    public const string BadgeEmail = "badgeEmail";

    public const string Phone = "phone";

    public const string ProfileUrl = "profileUrl";
}

/// <summary>One strong key of a record: what kind of field it came from, and the opaque key it is stored under.</summary>
public readonly record struct IdentityKey(string Reason, string Key);

/// <summary>
/// The strong keys that identify a person across feeds: the email, badge emails, a valid E.164 phone and profile URLs.
/// Keys are hashes, so the identity table holds no personal data in its keys. Emails and badge emails share one
/// namespace, so a badge email in one feed finds the person another feed lists under that address.
/// </summary>
public static class IdentityKeys
{
    public static IdentityKey Email(string normalizedEmail) => new(MatchReasons.Email, Key("mail", normalizedEmail));

    /// <summary>The record's keys other than its email, strongest first: badge emails, profile URLs, the phone.</summary>
    public static IReadOnlyList<IdentityKey> Secondary(CandidateRecord record)
    {
        var keys = new List<IdentityKey>();
        foreach (var badge in record.Certifications.Select(c => c.BadgeEmail).OfType<string>().Where(b => b != record.Email).Distinct())
        {
            keys.Add(new IdentityKey(MatchReasons.BadgeEmail, Key("mail", badge)));
        }

        foreach (var url in record.ProfileUrls.Select(CanonicalUrl).Distinct())
        {
            keys.Add(new IdentityKey(MatchReasons.ProfileUrl, Key("url", url)));
        }

        // Only a valid number in international form says whose it is: not a local number without its country, not
        // one the numbering plan does not have. Extensions are left out: they are lines of one switchboard.
        if (record.Phone is { } phone && Phones.IdentityForm(phone) is { } e164)
        {
            keys.Add(new IdentityKey(MatchReasons.Phone, Key("tel", e164)));
        }

        return keys;
    }

    /// <summary>One profile however it is written: no scheme, no <c>www.</c>, no trailing slash, lower case.</summary>
    public static string CanonicalUrl(string url)
    {
        var uri = new Uri(url);
        var host = uri.Host.StartsWith("www.", StringComparison.OrdinalIgnoreCase) ? uri.Host[4..] : uri.Host;
        return (host + uri.AbsolutePath.TrimEnd('/') + uri.Query).ToLowerInvariant();
    }

    private static string Key(string kind, string value) =>
        kind + "-" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes("pipeline/identity/" + value)))[..40];
}
