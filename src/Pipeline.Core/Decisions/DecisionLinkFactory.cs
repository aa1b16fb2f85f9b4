using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using Pipeline.Core.Configuration;
using Pipeline.Domain.Replies;
using Pipeline.Domain.Shortlists;

namespace Pipeline.Core.Decisions;

/// <summary>Makes and checks the one-click decision links of shortlist emails, with the configured key and address.</summary>
public sealed class DecisionLinkFactory(IOptions<PipelineOptions> options, TimeProvider time)
{
    private byte[] Key => Convert.FromBase64String(options.Value.DecisionLinkKey!);

    /// <summary>The links for one shortlist version, or null when decision links are not configured.</summary>
    public Func<int, Decision, string>? For(Shortlist shortlist)
    {
        if (!options.Value.DecisionLinksEnabled)
        {
            return null;
        }

        // Expiry counted from the start of today, and the nonce derived from the claims: composing the same email
        // again the same day gives the same links.
        var expires = new DateTimeOffset(time.GetUtcNow().UtcDateTime.Date, TimeSpan.Zero) + options.Value.DecisionLinkLifetime;
        var key = Key;
        var baseUrl = options.Value.PublicBaseUrl!.TrimEnd('/');
        return (rank, decision) =>
        {
            var nonce = Convert.ToHexStringLower(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(
                string.Join('|', "nonce", shortlist.RequisitionId, shortlist.Version.ToString(CultureInfo.InvariantCulture), rank.ToString(CultureInfo.InvariantCulture), decision.ToString()))))[..16];
            var token = DecisionLinks.Sign(key, new DecisionLinkClaims(shortlist.RequisitionId, shortlist.Version, rank, decision, expires, nonce));
            return $"{baseUrl}/api/decision?t={Uri.EscapeDataString(token)}";
        };
    }

    public (LinkCheck Check, DecisionLinkClaims? Claims) Verify(string? token) =>
        options.Value.DecisionLinksEnabled ? DecisionLinks.Verify(Key, token, time.GetUtcNow()) : (LinkCheck.Malformed, null);
}
