using Pipeline.Core.Candidates;
using Pipeline.Core.Shortlists;

namespace Pipeline.Core.Certifications;

/// <summary>What checking a set of people's credentials did.</summary>
/// <param name="RequisitionsAffected">The requisitions whose pool the new standings moved, now marked out of date.</param>
/// <param name="Counts">
/// <c>checked</c> and <c>fresh</c> (credentials), <c>changed</c> (standings) and, where a pool moved,
/// <c>requisitionsAffected</c>.
/// </param>
public sealed record CertificationRun(IReadOnlyList<string> RequisitionsAffected, IReadOnlyDictionary<string, long> Counts);

/// <summary>
/// Checks the named people's claimed credentials at their source where they are due and stores each result with its
/// evidence; where a standing changes, the requisitions whose pool of qualifying candidates that moves are marked out
/// of date. A person split or erased since loses their stored checks. An issuer that cannot be reached is a stored
/// result, tried again after the retry interval; checks still fresh fetch nothing.
/// </summary>
public sealed class CertificationVerification(
    CandidateStore candidates,
    VerificationStore verifications,
    CertificationChecker checker,
    ShortlistPools pools)
{
    private const int Parallelism = 4;

    public async Task<CertificationRun> VerifyAsync(IReadOnlyList<string> candidateIds, CancellationToken cancellationToken)
    {
        var counts = new Dictionary<string, long>(StringComparer.Ordinal);
        void Count(string metric, long amount) => counts[metric] = counts.GetValueOrDefault(metric) + amount;
        var changed = 0;
        var changes = new List<PoolChange>();
        await Parallel.ForEachAsync(candidateIds.Distinct(StringComparer.Ordinal), new ParallelOptions { MaxDegreeOfParallelism = Parallelism, CancellationToken = cancellationToken }, async (id, ct) =>
        {
            var (profile, sources) = await candidates.GetAsync(id, ct);
            if (profile is null)
            {
                // Split or erased since: their checks go with them.
                foreach (var check in await verifications.GetAsync(id, ct))
                {
                    await verifications.DeleteAsync(id, check.Url, ct);
                }

                return;
            }

            var summary = await checker.CheckAsync(profile, CertificationChecker.Emails(profile, sources), ct);
            lock (counts)
            {
                Count("checked", summary.Checked);
                Count("fresh", summary.Fresh);
                changed += summary.Changed;
                if (summary.Changed > 0)
                {
                    changes.Add(new PoolChange(profile, profile, VerificationStore.Results(summary.Before), VerificationStore.Results(summary.After)));
                }
            }
        });

        // Only the requisitions whose pool the new standings move are scored again.
        IReadOnlyList<string> affected = [];
        if (changes.Count > 0)
        {
            affected = await pools.ApplyAsync(changes, cancellationToken);
            Count("requisitionsAffected", affected.Count);
        }

        Count("changed", changed);
        return new CertificationRun(affected, counts);
    }
}
