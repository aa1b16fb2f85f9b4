using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Pipeline.Domain.Replies;

/// <summary>What a one-click decision link says: this decision, about this candidate of this shortlist version, until then.</summary>
public sealed record DecisionLinkClaims(string RequisitionId, int Version, int Candidate, Decision Decision, DateTimeOffset Expires, string Nonce);

public enum LinkCheck
{
    Valid,

    /// <summary>Not a token this app makes: cut short, re-typed, or not one at all.</summary>
    Malformed,

    /// <summary>Well formed, but the signature does not match: altered, or signed with another key.</summary>
    Forged,

    Expired,
}

/// <summary>
/// Signed one-click decision links for the shortlist email: an HMAC-SHA256 over the requisition, version, candidate,
/// decision, expiry and a random nonce (which makes each link single-use: the app records the nonce when the link is
/// used). The token is <c>base64url(claims).base64url(mac)</c>; comparison is constant-time.
/// </summary>
public static class DecisionLinks
{
    public const int MinimumKeyBytes = 32;

    public static string Sign(ReadOnlySpan<byte> key, DecisionLinkClaims claims)
    {
        var payload = Encoding.UTF8.GetBytes(string.Join('|',
            "v1", claims.RequisitionId, claims.Version.ToString(CultureInfo.InvariantCulture), claims.Candidate.ToString(CultureInfo.InvariantCulture),
            claims.Decision.ToString(), claims.Expires.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture), claims.Nonce));
        return Base64Url(payload) + "." + Base64Url(HMACSHA256.HashData(key, payload));
    }

    public static (LinkCheck Check, DecisionLinkClaims? Claims) Verify(ReadOnlySpan<byte> key, string? token, DateTimeOffset now)
    {
        var parts = token?.Split('.') ?? [];
        if (parts.Length != 2 || FromBase64Url(parts[0]) is not { } payload || FromBase64Url(parts[1]) is not { } mac)
        {
            return (LinkCheck.Malformed, null);
        }

        if (!CryptographicOperations.FixedTimeEquals(mac, HMACSHA256.HashData(key, payload)))
        {
            return (LinkCheck.Forged, null);
        }

        var fields = Encoding.UTF8.GetString(payload).Split('|');
        if (fields is not ["v1", var requisition, var version, var candidate, var decision, var expires, var nonce] ||
            !int.TryParse(version, NumberStyles.None, CultureInfo.InvariantCulture, out var v) ||
            !int.TryParse(candidate, NumberStyles.None, CultureInfo.InvariantCulture, out var c) ||
            !Enum.TryParse<Decision>(decision, out var d) ||
            !long.TryParse(expires, NumberStyles.None, CultureInfo.InvariantCulture, out var unix))
        {
            return (LinkCheck.Malformed, null);
        }

        var claims = new DecisionLinkClaims(requisition, v, c, d, DateTimeOffset.FromUnixTimeSeconds(unix), nonce);
        return claims.Expires <= now ? (LinkCheck.Expired, claims) : (LinkCheck.Valid, claims);
    }

    /// <summary>A fresh nonce for one link.</summary>
    public static string NewNonce() => Base64Url(RandomNumberGenerator.GetBytes(12));

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static byte[]? FromBase64Url(string text)
    {
        var base64 = text.Replace('-', '+').Replace('_', '/');
        base64 = base64.PadRight(base64.Length + ((4 - (base64.Length % 4)) % 4), '=');
        try
        {
            return Convert.FromBase64String(base64);
        }
        catch (FormatException)
        {
            return null;
        }
    }
}
