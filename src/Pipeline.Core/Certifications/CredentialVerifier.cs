using Pipeline.Domain.Certifications;

namespace Pipeline.Core.Certifications;

/// <summary>A credential to check: its link, the candidate's emails, and what the candidate says it is.</summary>
public sealed record CredentialClaim(Uri Url, IReadOnlyList<string> Emails, string ClaimedName, string? CredentialId = null);

/// <summary>Checks credentials of one kind at their source.</summary>
public interface ICredentialVerifier
{
    /// <summary>A short name for logs and evidence (<c>open-badges</c>, <c>microsoft-learn</c>).</summary>
    string Kind { get; }

    /// <summary>Whether the URL is on one of this verifier's allowed hosts.</summary>
    bool Handles(Uri url);

    Task<VerificationResult> VerifyAsync(CredentialClaim claim, CancellationToken cancellationToken);
}

/// <summary>
/// Sends each credential to the verifier whose hosts it is on; a link on no verifier's hosts is refused without being
/// fetched (it came from a candidate).
/// </summary>
public sealed class CredentialVerifier(IEnumerable<ICredentialVerifier> verifiers, TimeProvider time)
{
    private readonly IReadOnlyList<ICredentialVerifier> _verifiers = verifiers.ToList();

    public async Task<VerificationResult> VerifyAsync(CredentialClaim claim, CancellationToken cancellationToken)
    {
        if (!claim.Url.IsAbsoluteUri || claim.Url.Scheme is not ("https" or "http"))
        {
            return Refused($"only https URLs are fetched, not {claim.Url.Scheme}:");
        }

        var verifier = _verifiers.FirstOrDefault(v => v.Handles(claim.Url));
        return verifier is null
            ? Refused($"{claim.Url.Host} is not a host Pipeline checks credentials on ({string.Join(", ", _verifiers.Select(v => v.Kind))})")
            : await verifier.VerifyAsync(claim, cancellationToken);

        VerificationResult Refused(string reason) => new(VerificationOutcome.Refused, null, reason, [], CheckedAt: time.GetUtcNow());
    }
}
