using System.Text.Json;
using System.Text.RegularExpressions;
using Pipeline.Domain.Certifications;

namespace Pipeline.Core.Certifications;

/// <summary>
/// Checks a Microsoft certification against the holder's shared Microsoft Learn transcript
/// (<c>https://learn.microsoft.com/{locale}/users/{user}/transcript/{shareId}</c>), whose public data
/// (<c>/api/profiles/transcript/share/{shareId}</c>) lists active and historical certifications with their number,
/// status, date earned and expiry.
/// </summary>
/// <remarks>
/// What the public data allows: the certification's name, number, status and dates are confirmed; the holder's email
/// is not (the transcript shows none), and the result says so in <see cref="VerificationResult.NotConfirmed"/>. A
/// single credential's share link (<c>/api/credentials/share/…</c>) leads to a web page, not data, so it is refused
/// with a note asking for the transcript link instead.
/// </remarks>
public sealed partial class MicrosoftLearnVerifier(SafeFetcher fetcher, CertificationCatalogue catalogue, TimeProvider time) : ICredentialVerifier
{
    public string Kind => "microsoft-learn";

    /// <summary>Its hosts; on a test host (shared with other verifiers' test issuers), only paths shaped like Learn links.</summary>
    public bool Handles(Uri url) => fetcher.Policy.IsAllowedHost(url.Host) ||
        (fetcher.IsTestHost(url) && (CredentialLink().IsMatch(url.AbsolutePath) || TranscriptLink().IsMatch(url.AbsolutePath)));

    public async Task<VerificationResult> VerifyAsync(CredentialClaim claim, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var fetched = new List<string>();
        VerificationResult Result(VerificationOutcome outcome, string reason, string? certification = null, DateTimeOffset? issued = null, DateTimeOffset? expires = null) =>
            new(outcome, certification, reason, fetched, "Microsoft", null, issued, expires, null, now);

        var path = claim.Url.AbsolutePath;
        if (CredentialLink().IsMatch(path))
        {
            return Result(VerificationOutcome.Refused,
                "a Microsoft Learn credential link opens a web page with no data to check; share the transcript link (Learn profile → Transcript → Share link) instead");
        }

        var share = TranscriptLink().Match(path);
        if (!share.Success)
        {
            return Result(VerificationOutcome.NotFound, $"{claim.Url} is not a Microsoft Learn transcript share link");
        }

        var api = new Uri(claim.Url, $"/api/profiles/transcript/share/{Uri.EscapeDataString(share.Groups["id"].Value)}?locale=en-us");
        FetchResult response;
        try
        {
            response = await fetcher.GetAsync(api, cancellationToken);
            fetched.AddRange(response.Visited.Select(u => u.ToString()));
        }
        catch (SafeFetchException e)
        {
            return Result(e.Transient ? VerificationOutcome.Unreachable : VerificationOutcome.Refused, e.Reason);
        }

        switch (response.Status)
        {
            case 404 or 410:
                return Result(VerificationOutcome.NotFound, "the transcript is not shared (any more): its share link answered " + response.Status);
            case >= 500 or 429:
                return Result(VerificationOutcome.Unreachable, $"Microsoft Learn answered {response.Status}; try again later");
            case not 200:
                return Result(VerificationOutcome.NotFound, $"Microsoft Learn answered {response.Status} for the transcript");
        }

        List<TranscriptCertification> listed;
        try
        {
            listed = TranscriptCertification.Read(response.Body);
        }
        catch (JsonException)
        {
            return Result(VerificationOutcome.NotFound, "the transcript share link did not answer transcript data");
        }

        var wanted = catalogue.Match(claim.ClaimedName);
        if (wanted is null)
        {
            return Result(VerificationOutcome.UnknownCertification, $"'{claim.ClaimedName}' is not in the certification catalogue");
        }

        // The one the claim names by number, else any of the same certification; active before historical.
        var matches = listed.Where(c => catalogue.Match(c.Name)?.Id == wanted.Id).ToList();
        var match = matches.FirstOrDefault(c => claim.CredentialId is { } id && string.Equals(c.Number, id, StringComparison.OrdinalIgnoreCase))
            ?? matches.OrderBy(c => c.Active ? 0 : 1).ThenByDescending(c => c.Expires).FirstOrDefault();
        if (match is null)
        {
            return Result(VerificationOutcome.NotFound, $"the transcript lists no {wanted.Name}", wanted.Id);
        }

        var confirmed = new List<string> { "name", "status", "dates" };
        var notConfirmed = new List<string> { "recipient" };
        if (claim.CredentialId is { } credentialId)
        {
            (string.Equals(match.Number, credentialId, StringComparison.OrdinalIgnoreCase) ? confirmed : notConfirmed).Add("credentialId");
        }

        var outcome = !match.Active || (match.Expires is { } until && until <= now) ? VerificationOutcome.Expired : VerificationOutcome.Verified;
        var reason = outcome == VerificationOutcome.Expired
            ? $"the transcript lists it as {match.Status ?? "no longer active"}" + (match.Expires is { } x ? $", expired on {x:yyyy-MM-dd}" : "")
            : $"listed as {match.Status ?? "active"} on the holder's Microsoft Learn transcript" + (match.Expires is { } v ? $", valid until {v:yyyy-MM-dd}" : "") +
              "; the transcript shows no email, so the holder is not confirmed";
        return Result(outcome, reason, wanted.Id, match.Earned, match.Expires) with { Confirmed = confirmed, NotConfirmed = notConfirmed };
    }

    [GeneratedRegex(@"^/api/credentials/share/|/users/[^/]+/credentials/", RegexOptions.IgnoreCase)]
    private static partial Regex CredentialLink();

    [GeneratedRegex(@"(?:/users/[^/]+/transcript/|^/api/profiles/transcript/share/)(?<id>[A-Za-z0-9]{6,64})/?$", RegexOptions.IgnoreCase)]
    private static partial Regex TranscriptLink();

    private sealed record TranscriptCertification(string Name, string? Number, string? Status, bool Active, DateTimeOffset? Earned, DateTimeOffset? Expires)
    {
        public static List<TranscriptCertification> Read(byte[] body)
        {
            using var document = JsonDocument.Parse(body);
            if (!document.RootElement.TryGetProperty("certificationData", out var data) || data.ValueKind != JsonValueKind.Object)
            {
                throw new JsonException("no certificationData");
            }

            return Section(data, "activeCertifications", active: true).Concat(Section(data, "historicalCertifications", active: false)).ToList();
        }

        private static IEnumerable<TranscriptCertification> Section(JsonElement data, string name, bool active)
        {
            if (!data.TryGetProperty(name, out var list) || list.ValueKind != JsonValueKind.Array)
            {
                yield break;
            }

            foreach (var item in list.EnumerateArray().Where(i => i.ValueKind == JsonValueKind.Object))
            {
                if (OpenBadgeRules.Text(item, "name") is not { } certName)
                {
                    continue;
                }

                var status = OpenBadgeRules.Text(item, "status");
                yield return new TranscriptCertification(
                    certName,
                    OpenBadgeRules.Text(item, "certificationNumber") ?? OpenBadgeRules.Text(item, "credentialId"),
                    status,
                    active && (status is null || string.Equals(status, "Active", StringComparison.OrdinalIgnoreCase)),
                    OpenBadgeRules.Date(item, "dateEarned"),
                    OpenBadgeRules.Date(item, "expiration"));
            }
        }
    }
}
