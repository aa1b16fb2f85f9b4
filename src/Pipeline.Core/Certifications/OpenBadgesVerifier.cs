using System.Text.Json;
using Pipeline.Domain.Certifications;

namespace Pipeline.Core.Certifications;

/// <summary>
/// Verifies an Open Badges 2.0 credential (as Credly and other issuers publish them), hosted or signed.
/// <list type="bullet">
/// <item>Hosted: the assertion is taken only from its own id and must live where its issuer says.</item>
/// <item>Signed (a JWS compact document at the URL): the signature must verify with a key that the issuer Profile,
/// fetched from its own id, links in <c>publicKey</c>, and the assertion must not be on the issuer's
/// <c>revocationList</c>.</item>
/// </list>
/// Either way the BadgeClass and issuer Profile are read, the assertion must be issued to one of the candidate's
/// emails, be neither revoked nor expired, and name a certification the catalogue knows from the issuer it expects.
/// </summary>
public sealed class OpenBadgesVerifier(SafeFetcher fetcher, CertificationCatalogue catalogue, TimeProvider time) : ICredentialVerifier
{
    public string Kind => "open-badges";

    public bool Handles(Uri url) => fetcher.Policy.IsAllowedHost(url.Host) || fetcher.IsTestHost(url);

    public Task<VerificationResult> VerifyAsync(CredentialClaim claim, CancellationToken cancellationToken) =>
        VerifyAsync(claim.Url, claim.Emails, cancellationToken);

    public async Task<VerificationResult> VerifyAsync(Uri assertionUrl, IReadOnlyList<string> emails, CancellationToken cancellationToken)
    {
        var check = new Check(time.GetUtcNow());
        try
        {
            var response = await check.FetchAsync(fetcher, assertionUrl, cancellationToken);
            if (response.Status is 404)
            {
                return check.Result(VerificationOutcome.NotFound, $"{assertionUrl} answered 404");
            }

            if (response.Status is 410)
            {
                return check.Result(VerificationOutcome.Revoked, $"{assertionUrl} answered 410 Gone: the issuer withdrew it");
            }

            if (response.Status is >= 500 or 429)
            {
                return check.Result(VerificationOutcome.Unreachable, $"{assertionUrl} answered {response.Status}; try again later");
            }

            if (response.Status == 200 && SignedBadge.TryParse(response.Body, out var signed))
            {
                return await VerifySignedAsync(check, signed, emails, cancellationToken);
            }

            if (response.Status != 200 || ParseJson(response.Body) is not { } doc)
            {
                return check.Result(VerificationOutcome.NotFound, $"{assertionUrl} answered {response.Status} without an assertion");
            }

            return await VerifyHostedAsync(check, response.FinalUrl, doc, emails, cancellationToken);
        }
        catch (SafeFetchException e)
        {
            return check.Result(e.Transient ? VerificationOutcome.Unreachable : VerificationOutcome.Refused, e.Reason);
        }
    }

    private async Task<VerificationResult> VerifyHostedAsync(Check check, Uri url, JsonElement doc, IReadOnlyList<string> emails, CancellationToken cancellationToken)
    {
        // Trust only the copy the assertion's own id serves.
        if (OpenBadgeRules.Text(doc, "id") is { } id && Uri.TryCreate(id, UriKind.Absolute, out var idUrl) && idUrl != url)
        {
            var own = await check.FetchAsync(fetcher, idUrl, cancellationToken);
            if (own.Status != 200 || ParseJson(own.Body) is not { } ownDoc)
            {
                return check.Result(own.Status == 410 ? VerificationOutcome.Revoked : VerificationOutcome.NotFound, $"the assertion's own id {idUrl} answered {own.Status}");
            }

            (url, doc) = (own.FinalUrl, ownDoc);
        }

        if (OpenBadgeRules.CheckIdentity(doc, url) is { } problem)
        {
            return check.Result(VerificationOutcome.NotFound, problem);
        }

        check.Dates(doc);
        if (doc.TryGetProperty("revoked", out var revoked) && revoked.ValueKind == JsonValueKind.True)
        {
            return check.Result(VerificationOutcome.Revoked, "the assertion says it is revoked: " + (OpenBadgeRules.Text(doc, "revocationReason") ?? "no reason given"));
        }

        var badge = await ResolveAsync(check, doc, "badge", cancellationToken);
        var issuer = badge is { } b ? await ResolveIssuerAsync(check, b, cancellationToken) : null;
        if (badge is null || issuer is null)
        {
            return check.Result(VerificationOutcome.NotFound, "the assertion's badge class or issuer profile could not be read");
        }

        check.Names(badge.Value, issuer.Value);
        if (!OpenBadgeRules.IsWithinIssuerOrigin(url, issuer.Value))
        {
            return check.Result(VerificationOutcome.IssuerNotRecognised, $"the assertion at {url.Authority} is not hosted where its issuer says its assertions live");
        }

        return Conclude(check, doc, emails, "hosted");
    }

    private async Task<VerificationResult> VerifySignedAsync(Check check, SignedBadge signed, IReadOnlyList<string> emails, CancellationToken cancellationToken)
    {
        if (signed.Algorithm != "RS256")
        {
            return check.Result(VerificationOutcome.IssuerNotRecognised, $"the signed assertion uses '{signed.Algorithm}'; Open Badges 2.0 signatures are RS256");
        }

        var doc = signed.Payload;
        check.Dates(doc);
        var badge = await ResolveAsync(check, doc, "badge", cancellationToken);
        var issuer = badge is { } b ? await ResolveIssuerAsync(check, b, cancellationToken) : null;
        if (badge is null || issuer is null)
        {
            return check.Result(VerificationOutcome.NotFound, "the assertion's badge class or issuer profile could not be read");
        }

        check.Names(badge.Value, issuer.Value);
        var issuerId = OpenBadgeRules.Text(issuer.Value, "id");

        // Only a key the issuer's own profile links may vouch for the assertion; the key named by the assertion
        // (verification.creator) must be one of them.
        var creator = doc.TryGetProperty("verification", out var verification) ? OpenBadgeRules.Text(verification, "creator") : null;
        var keys = OpenBadgeRules.Links(issuer.Value, "publicKey");
        if (creator is not null)
        {
            keys = keys.Where(k => k.Id == creator).ToList();
        }

        if (keys.Count == 0)
        {
            return check.Result(VerificationOutcome.IssuerNotRecognised, creator is null
                ? "the issuer profile links no public key"
                : $"the signing key {creator} is not one the issuer profile links");
        }

        var verifiedBy = (string?)null;
        foreach (var link in keys)
        {
            var key = link.Embedded ?? (link.Id is { } keyUrl && Uri.TryCreate(keyUrl, UriKind.Absolute, out var u) ? await FetchJsonAsync(check, u, cancellationToken) : null);
            if (key is not { } k || OpenBadgeRules.Text(k, "publicKeyPem") is not { } pem)
            {
                continue;
            }

            if (OpenBadgeRules.Text(k, "owner") is { } owner && owner != issuerId)
            {
                continue; // a key that says it belongs to someone else
            }

            if (signed.VerifyRs256(pem))
            {
                verifiedBy = link.Id ?? "an embedded key";
                break;
            }
        }

        if (verifiedBy is null)
        {
            return check.Result(VerificationOutcome.IssuerNotRecognised, "the signature does not verify with any key the issuer profile links");
        }

        if (OpenBadgeRules.Text(issuer.Value, "revocationList") is { } listUrl && Uri.TryCreate(listUrl, UriKind.Absolute, out var revocationUrl))
        {
            var list = await check.FetchAsync(fetcher, revocationUrl, cancellationToken);
            if (list.Status is >= 500 or 429)
            {
                return check.Result(VerificationOutcome.Unreachable, $"the issuer's revocation list {revocationUrl} answered {list.Status}; try again later");
            }

            if (list.Status != 200 || ParseJson(list.Body) is not { } revocations)
            {
                return check.Result(VerificationOutcome.Unreachable, $"the issuer's revocation list {revocationUrl} could not be read ({list.Status})");
            }

            if (OpenBadgeRules.FindRevocation(revocations, OpenBadgeRules.Text(doc, "id"), OpenBadgeRules.Text(doc, "uid")) is { } reason)
            {
                return check.Result(VerificationOutcome.Revoked, "the issuer's revocation list names it: " + reason);
            }
        }

        return Conclude(check, doc, emails, $"signed, key {verifiedBy}");
    }

    /// <summary>What is left once the documents are trusted: recipient, catalogue entry and issuer, expiry.</summary>
    private VerificationResult Conclude(Check check, JsonElement doc, IReadOnlyList<string> emails, string how)
    {
        var email = OpenBadgeRules.MatchRecipient(doc, emails);
        if (email is null)
        {
            return check.Result(VerificationOutcome.RecipientMismatch, "the assertion was issued to none of the candidate's emails");
        }

        check.MatchedEmail = email;
        var entry = check.BadgeName is null ? null : catalogue.Match(check.BadgeName);
        if (entry is null)
        {
            return check.Result(VerificationOutcome.UnknownCertification, $"'{check.BadgeName}' is not in the certification catalogue");
        }

        check.Certification = entry.Id;
        if (!entry.Issuers.Contains(check.IssuerName ?? "", StringComparer.OrdinalIgnoreCase))
        {
            return check.Result(VerificationOutcome.IssuerNotRecognised, $"'{check.IssuerName}' does not issue {entry.Name}");
        }

        if (check.Expires is { } e && e <= check.Now)
        {
            return check.Result(VerificationOutcome.Expired, $"expired on {e:yyyy-MM-dd}");
        }

        return check.Result(VerificationOutcome.Verified, $"issued by {check.IssuerName} ({how})" + (check.Expires is { } x ? $", valid until {x:yyyy-MM-dd}" : "")) with
        {
            Confirmed = how == "hosted"
                ? ["assertion", "issuer", "issuerOrigin", "badgeClass", "recipient", "dates", "notRevoked"]
                : ["signature", "issuer", "badgeClass", "recipient", "dates", "notRevoked"],
        };
    }

    private async Task<JsonElement?> FetchJsonAsync(Check check, Uri url, CancellationToken cancellationToken)
    {
        var response = await check.FetchAsync(fetcher, url, cancellationToken);
        return response.Status == 200 ? ParseJson(response.Body) : null;
    }

    /// <summary>A linked document: fetched when the property is a URL, taken as is when it is embedded.</summary>
    private async Task<JsonElement?> ResolveAsync(Check check, JsonElement parent, string property, CancellationToken cancellationToken)
    {
        if (!parent.TryGetProperty(property, out var value))
        {
            return null;
        }

        if (value.ValueKind == JsonValueKind.Object)
        {
            return value;
        }

        return value.ValueKind == JsonValueKind.String && Uri.TryCreate(value.GetString(), UriKind.Absolute, out var url)
            ? await FetchJsonAsync(check, url, cancellationToken)
            : null;
    }

    /// <summary>
    /// The issuer Profile, always as its own id serves it: an issuer embedded in a badge class may say anything about
    /// its keys and origins.
    /// </summary>
    private async Task<JsonElement?> ResolveIssuerAsync(Check check, JsonElement badge, CancellationToken cancellationToken)
    {
        if (!badge.TryGetProperty("issuer", out var value))
        {
            return null;
        }

        var id = value.ValueKind == JsonValueKind.Object ? OpenBadgeRules.Text(value, "id") : value.ValueKind == JsonValueKind.String ? value.GetString() : null;
        return id is not null && Uri.TryCreate(id, UriKind.Absolute, out var url) ? await FetchJsonAsync(check, url, cancellationToken) : null;
    }

    private static JsonElement? ParseJson(byte[] body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            return document.RootElement.Clone();
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>What one verification has gathered so far: the URLs fetched, names and dates, for the evidence.</summary>
    private sealed class Check(DateTimeOffset now)
    {
        private readonly List<string> _fetched = [];

        public DateTimeOffset Now { get; } = now;

        public string? BadgeName { get; private set; }

        public string? IssuerName { get; private set; }

        public DateTimeOffset? IssuedOn { get; private set; }

        public DateTimeOffset? Expires { get; private set; }

        public string? MatchedEmail { get; set; }

        public string? Certification { get; set; }

        public async Task<FetchResult> FetchAsync(SafeFetcher fetcher, Uri url, CancellationToken cancellationToken)
        {
            var result = await fetcher.GetAsync(url, cancellationToken);
            _fetched.AddRange(result.Visited.Select(u => u.ToString()));
            return result;
        }

        public void Dates(JsonElement assertion)
        {
            IssuedOn = OpenBadgeRules.Date(assertion, "issuedOn");
            Expires = OpenBadgeRules.Date(assertion, "expires");
        }

        public void Names(JsonElement badge, JsonElement issuer)
        {
            BadgeName = OpenBadgeRules.Text(badge, "name");
            IssuerName = OpenBadgeRules.Text(issuer, "name");
        }

        public VerificationResult Result(VerificationOutcome outcome, string reason) =>
            new(outcome, Certification, reason, _fetched.ToList(), IssuerName, BadgeName, IssuedOn, Expires, MatchedEmail, Now);
    }
}
