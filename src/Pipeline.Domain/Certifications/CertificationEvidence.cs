using System.Text.Json.Serialization;
using Pipeline.Domain.Candidates;

namespace Pipeline.Domain.Certifications;

/// <summary>Where a claimed certification stands for scoring, once its last check (if any) is taken into account.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<CertificationStanding>))]
public enum CertificationStanding
{
    /// <summary>Checked at its source and current.</summary>
    Verified,

    /// <summary>Claimed, not (yet) confirmed: no credential link, a check pending, the issuer unreachable, or a link Pipeline may not fetch.</summary>
    Claimed,

    /// <summary>Checked, and the check speaks against it: expired, revoked, issued to someone else, not found, not what it claims to be.</summary>
    Refuted,
}

/// <summary>
/// A certification as scoring sees it: the catalogue entry it refers to (if any), where it stands and why. Carries no
/// personal data (no email, no credential URL), so it can sit in the scoring profile.
/// </summary>
public sealed record CertificationEvidence(
    string Name,
    string? CertificationId,
    CertificationStanding Standing,
    string Note,
    DateTimeOffset? CheckedAt = null,
    DateTimeOffset? Expires = null)
{
    /// <summary>
    /// Combines a claim with its last check: a check that was definite (any outcome but Unreachable) decides; a
    /// verified credential whose expiry has passed since counts as expired.
    /// </summary>
    public static CertificationEvidence From(ClaimedCertification claim, VerificationResult? check, CertificationCatalogue catalogue, DateTimeOffset now)
    {
        var entry = (check?.Certification is { } id ? catalogue.Find(id) : null) ?? catalogue.Match(claim.Name);
        var name = entry?.Name ?? claim.Name;
        if (claim.Url is null)
        {
            return new(name, entry?.Id, CertificationStanding.Claimed, "claimed, no credential link to check");
        }

        if (check is null)
        {
            return new(name, entry?.Id, CertificationStanding.Claimed, "claimed, check pending");
        }

        var checkedOn = check.CheckedAt;
        return check.Outcome switch
        {
            VerificationOutcome.Verified when check.Expires is { } e && e <= now =>
                new(name, entry?.Id, CertificationStanding.Refuted, $"claimed, but expired on {e:yyyy-MM-dd}", checkedOn, e),
            VerificationOutcome.Verified =>
                new(name, entry?.Id, CertificationStanding.Verified, $"verified {checkedOn:yyyy-MM-dd}" + (check.Expires is { } x ? $", valid until {x:yyyy-MM-dd}" : ""), checkedOn, check.Expires),
            VerificationOutcome.Unreachable =>
                new(name, entry?.Id, CertificationStanding.Claimed, "claimed, the issuer could not be reached at the last check", checkedOn),
            VerificationOutcome.Refused =>
                new(name, entry?.Id, CertificationStanding.Claimed, "claimed, its link is not one Pipeline checks", checkedOn),
            var outcome =>
                new(name, entry?.Id, CertificationStanding.Refuted, "claimed, but " + Describe(outcome, check), checkedOn, check.Expires),
        };
    }

    private static string Describe(VerificationOutcome outcome, VerificationResult check) => outcome switch
    {
        VerificationOutcome.Expired => check.Expires is { } e ? $"expired on {e:yyyy-MM-dd}" : "expired",
        VerificationOutcome.Revoked => "revoked by its issuer",
        VerificationOutcome.RecipientMismatch => "issued to someone else",
        VerificationOutcome.IssuerNotRecognised => "not from the vendor's recognised issuer",
        VerificationOutcome.UnknownCertification => "the credential is for a certification the catalogue does not know",
        VerificationOutcome.NotFound => "the credential was not found at its issuer",
        _ => outcome.ToString(),
    };
}
