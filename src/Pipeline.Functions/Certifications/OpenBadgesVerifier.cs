using System.Text.Json;
using Pipeline.Domain.Certifications;

namespace Pipeline.Functions.Certifications;

/// <summary>
/// Verifies an Open Badges 2.0 hosted assertion (as Credly and other issuers publish them): the assertion is taken
/// only from its own id, its BadgeClass and issuer Profile are fetched, the assertion must live where the issuer says,
/// be issued to one of the candidate's emails, be neither revoked nor expired, and name a certification the catalogue
/// knows from an issuer the catalogue expects.
/// </summary>
public sealed class OpenBadgesVerifier(SafeFetcher fetcher, CertificationCatalogue catalogue, TimeProvider time)
{
    public async Task<VerificationResult> VerifyAsync(Uri assertionUrl, IReadOnlyList<string> emails, CancellationToken cancellationToken)
    {
        var fetched = new List<string>();
        var now = time.GetUtcNow();
        VerificationResult Result(VerificationOutcome outcome, string reason, string? certification = null, string? issuer = null, string? badge = null,
            DateTimeOffset? issuedOn = null, DateTimeOffset? expires = null, string? email = null) =>
            new(outcome, certification, reason, fetched, issuer, badge, issuedOn, expires, email, now);

        try
        {
            var (status, url, assertion) = await FetchJsonAsync(assertionUrl, fetched, cancellationToken);
            if (status is 404)
            {
                return Result(VerificationOutcome.NotFound, $"{assertionUrl} answered 404");
            }

            if (status is 410)
            {
                return Result(VerificationOutcome.Revoked, $"{assertionUrl} answered 410 Gone: the issuer withdrew it");
            }

            if (status is >= 500 or 429)
            {
                return Result(VerificationOutcome.Unreachable, $"{assertionUrl} answered {status}; try again later");
            }

            if (status != 200 || assertion is not { } doc)
            {
                return Result(VerificationOutcome.NotFound, $"{assertionUrl} answered {status} without an assertion");
            }

            // Trust only the copy the assertion's own id serves.
            if (OpenBadgeRules.Text(doc, "id") is { } id && Uri.TryCreate(id, UriKind.Absolute, out var idUrl) && idUrl != url)
            {
                (status, url, assertion) = await FetchJsonAsync(idUrl, fetched, cancellationToken);
                if (status != 200 || assertion is null)
                {
                    return Result(status == 410 ? VerificationOutcome.Revoked : VerificationOutcome.NotFound, $"the assertion's own id {idUrl} answered {status}");
                }

                doc = assertion.Value;
            }

            if (OpenBadgeRules.CheckIdentity(doc, url) is { } problem)
            {
                return Result(VerificationOutcome.NotFound, problem);
            }

            var issuedOn = Date(doc, "issuedOn");
            var expires = Date(doc, "expires");
            if (doc.TryGetProperty("revoked", out var revoked) && revoked.ValueKind == JsonValueKind.True)
            {
                return Result(VerificationOutcome.Revoked, "the assertion says it is revoked: " + (OpenBadgeRules.Text(doc, "revocationReason") ?? "no reason given"),
                    issuedOn: issuedOn, expires: expires);
            }

            var badge = await ResolveAsync(doc, "badge", fetched, cancellationToken);
            var issuer = badge is { } b ? await ResolveAsync(b, "issuer", fetched, cancellationToken) : null;
            if (badge is null || issuer is null)
            {
                return Result(VerificationOutcome.NotFound, "the assertion's badge class or issuer profile could not be read", issuedOn: issuedOn, expires: expires);
            }

            var badgeName = OpenBadgeRules.Text(badge.Value, "name");
            var issuerName = OpenBadgeRules.Text(issuer.Value, "name");
            if (!OpenBadgeRules.IsWithinIssuerOrigin(url, issuer.Value))
            {
                return Result(VerificationOutcome.IssuerNotRecognised, $"the assertion at {url.Authority} is not hosted where its issuer says its assertions live",
                    issuer: issuerName, badge: badgeName, issuedOn: issuedOn, expires: expires);
            }

            var email = OpenBadgeRules.MatchRecipient(doc, emails);
            if (email is null)
            {
                return Result(VerificationOutcome.RecipientMismatch, "the assertion was issued to none of the candidate's emails",
                    issuer: issuerName, badge: badgeName, issuedOn: issuedOn, expires: expires);
            }

            var entry = badgeName is null ? null : catalogue.Match(badgeName);
            if (entry is null)
            {
                return Result(VerificationOutcome.UnknownCertification, $"'{badgeName}' is not in the certification catalogue",
                    issuer: issuerName, badge: badgeName, issuedOn: issuedOn, expires: expires, email: email);
            }

            if (!entry.Issuers.Contains(issuerName ?? "", StringComparer.OrdinalIgnoreCase))
            {
                return Result(VerificationOutcome.IssuerNotRecognised, $"'{issuerName}' does not issue {entry.Name}",
                    entry.Id, issuerName, badgeName, issuedOn, expires, email);
            }

            if (expires is { } e && e <= now)
            {
                return Result(VerificationOutcome.Expired, $"expired on {e:yyyy-MM-dd}", entry.Id, issuerName, badgeName, issuedOn, expires, email);
            }

            return Result(VerificationOutcome.Verified, $"issued by {issuerName}" + (expires is { } x ? $", valid until {x:yyyy-MM-dd}" : ""),
                entry.Id, issuerName, badgeName, issuedOn, expires, email);
        }
        catch (SafeFetchException e)
        {
            return Result(e.Transient ? VerificationOutcome.Unreachable : VerificationOutcome.Refused, e.Reason);
        }
    }

    private async Task<(int Status, Uri Url, JsonElement? Json)> FetchJsonAsync(Uri url, List<string> fetched, CancellationToken cancellationToken)
    {
        var result = await fetcher.GetAsync(url, cancellationToken);
        fetched.AddRange(result.Visited.Select(u => u.ToString()));
        if (result.Status != 200)
        {
            return (result.Status, result.FinalUrl, null);
        }

        try
        {
            using var document = JsonDocument.Parse(result.Body);
            return (200, result.FinalUrl, document.RootElement.Clone());
        }
        catch (JsonException)
        {
            return (200, result.FinalUrl, null);
        }
    }

    /// <summary>A linked document: fetched when the property is a URL, taken as is when it is embedded.</summary>
    private async Task<JsonElement?> ResolveAsync(JsonElement parent, string property, List<string> fetched, CancellationToken cancellationToken)
    {
        if (!parent.TryGetProperty(property, out var value))
        {
            return null;
        }

        if (value.ValueKind == JsonValueKind.Object)
        {
            return value;
        }

        if (value.ValueKind == JsonValueKind.String && Uri.TryCreate(value.GetString(), UriKind.Absolute, out var url))
        {
            var (status, _, json) = await FetchJsonAsync(url, fetched, cancellationToken);
            return status == 200 ? json : null;
        }

        return null;
    }

    private static DateTimeOffset? Date(JsonElement element, string name) =>
        OpenBadgeRules.Text(element, name) is { } text && DateTimeOffset.TryParse(text, System.Globalization.CultureInfo.InvariantCulture,
            System.Globalization.DateTimeStyles.AssumeUniversal, out var date) ? date.ToUniversalTime() : null;
}
