using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using Pipeline.Core.Configuration;
using Pipeline.Domain.Candidates;
using Pipeline.Domain.Certifications;

namespace Pipeline.Core.Certifications;

/// <summary>What checking one person's credentials did, and their checks before and after (by credential URL).</summary>
public sealed record CheckSummary(
    int Checked, int Fresh, int Changed, IReadOnlyDictionary<string, StoredCheck> Before, IReadOnlyDictionary<string, StoredCheck> After);

/// <summary>
/// Checks a person's claimed credentials at their source when they are due, and keeps the results: a definite
/// result stands until it is due again (<see cref="PipelineOptions.VerificationTtl"/>, or a day before the credential
/// expires); an issuer that cannot be reached is tried again after <see cref="PipelineOptions.VerificationRetryInterval"/>
/// without undoing the result that stood before.
/// </summary>
public sealed class CertificationChecker(
    CredentialVerifier verifier,
    VerificationStore store,
    IOptions<PipelineOptions> options,
    TimeProvider time,
    ILogger<CertificationChecker> logger)
{
    /// <summary>The addresses a badge may have been issued to: every record's email and every badge email.</summary>
    public static IReadOnlyList<string> Emails(CandidateProfile profile, IEnumerable<SourceRecord> sources) =>
        new[] { profile.Email }
            .Concat(sources.Select(s => s.Record.Email))
            .Concat(profile.Certifications.Select(c => c.BadgeEmail).OfType<string>())
            .Concat(sources.SelectMany(s => s.Record.Certifications).Select(c => c.BadgeEmail).OfType<string>())
            .Select(e => e.Trim().ToLowerInvariant())
            .Distinct(StringComparer.Ordinal)
            .ToList();

    /// <summary>Whether any of the person's credential links has no check yet, or one that is due.</summary>
    public bool AnyDue(CandidateProfile profile, IReadOnlyDictionary<string, StoredCheck>? stored)
    {
        var now = time.GetUtcNow();
        return profile.Certifications.Any(c => c.Url is { } url && (stored?.GetValueOrDefault(url) is not { } check || check.DueAt <= now));
    }

    /// <summary>
    /// Checks each credential link of the person that is due (or has no check, or was issued to an address list that
    /// changed since), removes checks of links no longer claimed, and says how many standings changed.
    /// </summary>
    public async Task<CheckSummary> CheckAsync(CandidateProfile profile, IReadOnlyList<string> emails, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var stored = (await store.GetAsync(profile.CandidateId, cancellationToken)).ToDictionary(s => s.Url, StringComparer.Ordinal);
        var after = new Dictionary<string, StoredCheck>(stored, StringComparer.Ordinal);
        var emailsHash = Hash(emails);
        var claims = profile.Certifications.Where(c => c.Url is not null).DistinctBy(c => c.Url, StringComparer.Ordinal).ToList();
        int checkedCount = 0, fresh = 0, changed = 0;
        foreach (var claim in claims)
        {
            var before = stored.GetValueOrDefault(claim.Url!);
            if (before is not null && before.DueAt > now && before.EmailsHash == emailsHash && before.ClaimName == claim.Name)
            {
                fresh++;
                continue;
            }

            VerificationResult result;
            if (!Uri.TryCreate(claim.Url, UriKind.Absolute, out var url))
            {
                result = new VerificationResult(VerificationOutcome.Refused, null, "the credential link is not an absolute URL", [], CheckedAt: now);
            }
            else
            {
                result = await verifier.VerifyAsync(new CredentialClaim(url, emails, claim.Name, claim.CredentialId), cancellationToken);
            }

            checkedCount++;

            // An unreachable issuer says nothing new: the result that stood before stands until the retry.
            var standing = result.Outcome == VerificationOutcome.Unreachable && before is { Result.Outcome: not VerificationOutcome.Unreachable } ? before.Result : result;
            var due = Due(result, now);
            var saved = new StoredCheck(claim.Url!, claim.Name, standing, now, result.Outcome, due, emailsHash);
            await store.SaveAsync(profile.CandidateId, saved, cancellationToken);
            after[claim.Url!] = saved;
            if (before is null || before.Result.Outcome != standing.Outcome || before.Result.Certification != standing.Certification)
            {
                changed++;
            }

            logger.LogInformation(
                "Credential check for candidate {CandidateId}: {Outcome} (was {Before}), next due {Due:u}",
                profile.CandidateId, result.Outcome, before?.Result.Outcome.ToString() ?? "unchecked", due);
        }

        foreach (var gone in stored.Keys.Except(claims.Select(c => c.Url!), StringComparer.Ordinal))
        {
            await store.DeleteAsync(profile.CandidateId, gone, cancellationToken);
            after.Remove(gone);
            changed++;
        }

        return new CheckSummary(checkedCount, fresh, changed, stored, after);
    }

    /// <summary>When a result is due again: the retry for an unreachable issuer, else the TTL, and a day before a verified credential expires.</summary>
    public DateTimeOffset Due(VerificationResult result, DateTimeOffset now)
    {
        var o = options.Value;
        if (result.Outcome == VerificationOutcome.Unreachable)
        {
            return now + o.VerificationRetryInterval;
        }

        var due = now + o.VerificationTtl;
        if (result.Outcome == VerificationOutcome.Verified && result.Expires is { } expires && expires > now)
        {
            var beforeExpiry = expires - TimeSpan.FromDays(1);
            due = new[] { due, beforeExpiry < now + o.VerificationRetryInterval ? now + o.VerificationRetryInterval : beforeExpiry }.Min();
        }

        return due;
    }

    private static string Hash(IEnumerable<string> emails) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(string.Join('\n', emails.Order(StringComparer.Ordinal)))))[..32];
}
