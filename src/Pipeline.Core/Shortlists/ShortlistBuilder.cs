using Pipeline.Core.Candidates;
using Pipeline.Core.Certifications;
using Pipeline.Core.Configuration;
using Pipeline.Domain.Candidates;
using Pipeline.Domain.Requisitions;
using Pipeline.Domain.Shortlists;

namespace Pipeline.Core.Shortlists;

/// <summary>What building a shortlist came to.</summary>
public enum ShortlistBuildOutcome
{
    /// <summary>The requisition is closed or no longer configured: nothing was built.</summary>
    Closed,

    /// <summary>Membership and order are as in the latest version, whose email is recorded as sent.</summary>
    Unchanged,

    /// <summary>Unchanged, but the latest version's email is not recorded as sent: it is to be delivered again.</summary>
    Undelivered,

    /// <summary>A new version was saved, to be delivered.</summary>
    Saved,
}

/// <param name="RequisitionId">The requisition's id as configured (as asked, when it is not configured).</param>
/// <param name="Version">The version to deliver (<see cref="ShortlistBuildOutcome.Saved"/>, <see cref="ShortlistBuildOutcome.Undelivered"/>).</param>
/// <param name="Counts">What the build counted: <c>pool</c>, <c>fullRescore</c>, <c>rechecked</c>, <c>scored</c>.</param>
public sealed record ShortlistBuild(ShortlistBuildOutcome Outcome, string RequisitionId, int? Version, int Members, IReadOnlyDictionary<string, long> Counts);

/// <summary>
/// Builds a requisition's shortlist: ranks its pool of qualifying candidates (kept up to date by
/// <see cref="ShortlistPools"/>; built from every candidate the first time and whenever the requisition or the
/// catalogue changes), with each certification as its last check left it, and saves a new version when membership or
/// order changed. Asked again for an unchanged pool it saves nothing, and says whether the latest version still waits
/// for its email.
/// </summary>
/// <remarks>
/// The pool is walked best first and each person scored afresh until no one further down could get in. Before a
/// person is scored, their credentials whose checks are due (or missing) are checked again at the source, so nobody
/// is sent on a credential revoked or expired since it was last looked at; what the fresh scores show is written
/// back to the pool.
/// </remarks>
public sealed class ShortlistBuilder(
    CandidateStore candidates,
    ShortlistStore shortlists,
    VerificationStore verifications,
    CertificationChecker checker,
    PoolStore poolStore,
    ShortlistPools pools,
    ShortlistScoring scoring,
    PipelineConfiguration configuration,
    TimeProvider time,
    ILogger<ShortlistBuilder> logger)
{
    public async Task<ShortlistBuild> BuildAsync(string requisitionId, CancellationToken cancellationToken)
    {
        var counts = new Dictionary<string, long>(StringComparer.Ordinal);
        void Count(string metric, long amount = 1) => counts[metric] = counts.GetValueOrDefault(metric) + amount;

        var requisition = configuration.FindRequisition(requisitionId);
        if (requisition is null || !requisition.IsOpen)
        {
            logger.LogInformation("Requisition {RequisitionId} is closed or no longer configured; no shortlist", requisitionId);
            return new ShortlistBuild(ShortlistBuildOutcome.Closed, requisitionId, null, 0, counts);
        }

        // Read the mark first: a change that lands while scoring keeps the shortlist marked for the next sweep.
        var dirty = await shortlists.GetDirtyAsync(requisition.Id, cancellationToken);
        var now = time.GetUtcNow();
        var pool = await ReadOrBuildPoolAsync(requisition, now, Count, cancellationToken);

        // Walk the pool best first, scoring each person afresh, until the shortlist is full and the next stored score
        // cannot beat its last member.
        var fresh = new Dictionary<string, (CandidateProfile Profile, CandidateScore Score, IReadOnlyDictionary<string, StoredCheck>? Checks)>(StringComparer.Ordinal);
        var corrections = new List<(string CandidateId, double? Score)>();
        var ranked = (IReadOnlyList<CandidateScore>)[];
        var chunk = Math.Max(requisition.ShortlistSize * 2, 20);
        for (var next = 0; next < pool.Count;)
        {
            var part = pool.Skip(next).Take(chunk).ToList();
            next += part.Count;
            var people = await candidates.GetManyAsync(part.Select(p => p.CandidateId).ToList(), cancellationToken);
            var checks = await verifications.GetManyAsync(people.Keys.ToList(), cancellationToken);
            foreach (var entry in part)
            {
                if (!people.TryGetValue(entry.CandidateId, out var person))
                {
                    corrections.Add((entry.CandidateId, null)); // split or erased since
                    continue;
                }

                var personChecks = (IReadOnlyDictionary<string, StoredCheck>?)checks.GetValueOrDefault(entry.CandidateId);
                if (checker.AnyDue(person.Profile, personChecks))
                {
                    personChecks = (await checker.CheckAsync(person.Profile, CertificationChecker.Emails(person.Profile, person.Sources), cancellationToken)).After;
                    Count("rechecked");
                }

                var score = scoring.Score(requisition, person.Profile, VerificationStore.Results(personChecks), now);
                if (!scoring.Qualifies(requisition, score))
                {
                    corrections.Add((entry.CandidateId, null));
                    continue;
                }

                if (score.Score != entry.Score)
                {
                    corrections.Add((entry.CandidateId, score.Score));
                }

                fresh[entry.CandidateId] = (person.Profile, score, personChecks);
            }

            ranked = scoring.Rank(requisition, fresh.Values.Select(f => f.Score));
            if (ranked.Count == requisition.ShortlistSize && next < pool.Count && !CouldEnter(pool[next], ranked[^1]))
            {
                break;
            }
        }

        if (corrections.Count > 0)
        {
            await poolStore.ApplyAsync(requisition.Id, corrections, cancellationToken);
        }

        Count("scored", fresh.Count + corrections.Count(c => c.Score is null));
        var members = ranked
            .Select((s, i) =>
            {
                var (profile, _, personChecks) = fresh[s.CandidateId];
                var evidence = profile.Evidence(configuration.Catalogue, VerificationStore.Results(personChecks), now);
                return new ShortlistMember(i + 1, s.CandidateId, s.Score, s.Requirements, profile.ToCard(revealName: !requisition.BlindMode, evidence));
            })
            .ToList();
        var saved = await shortlists.SaveIfChangedAsync(requisition.Id, members, cancellationToken);
        if (dirty is { } mark)
        {
            await shortlists.ClearDirtyAsync(requisition.Id, mark.ETag, cancellationToken);
        }

        if (saved is null)
        {
            // A delivery that saved the latest version and died before its message was completed took the version's
            // notification with it: it is delivered again until its email is recorded as sent (NotifyShortlist sends once).
            return await shortlists.GetLatestVersionAsync(requisition.Id, cancellationToken) is { } latest
                && await shortlists.FindByReferenceAsync(new Shortlist(requisition.Id, latest, []).ReferenceToken, cancellationToken) is null
                    ? new ShortlistBuild(ShortlistBuildOutcome.Undelivered, requisition.Id, latest, members.Count, counts)
                    : new ShortlistBuild(ShortlistBuildOutcome.Unchanged, requisition.Id, null, members.Count, counts);
        }

        logger.LogInformation("Shortlist {RequisitionId} version {Version}: {Members} candidates", requisition.Id, saved.Version, members.Count);
        return new ShortlistBuild(ShortlistBuildOutcome.Saved, requisition.Id, saved.Version, members.Count, counts);
    }

    /// <summary>Whether a pool entry further down could still rank above the shortlist's last member (scores fall, ties go to the lower id).</summary>
    private static bool CouldEnter(PoolEntry entry, CandidateScore last) =>
        entry.Score > last.Score || (entry.Score == last.Score && string.CompareOrdinal(entry.CandidateId, last.CandidateId) < 0);

    /// <summary>The requisition's pool; built from every candidate when it was built for another definition of the requisition, or never.</summary>
    private async Task<IReadOnlyList<PoolEntry>> ReadOrBuildPoolAsync(Requisition requisition, DateTimeOffset now, Action<string, long> count, CancellationToken cancellationToken)
    {
        var builtFor = pools.BuiltFor(requisition);
        if (await poolStore.GetBuiltForAsync(requisition.Id, cancellationToken) == builtFor)
        {
            var pool = await poolStore.ReadAsync(requisition.Id, cancellationToken);
            count("pool", pool.Count);
            return pool;
        }

        var checks = await verifications.GetAllAsync(cancellationToken);
        var entries = new List<PoolEntry>();
        await foreach (var profile in candidates.ProfilesAsync(cancellationToken))
        {
            if (scoring.Qualifying(requisition, profile, VerificationStore.Results(checks.GetValueOrDefault(profile.CandidateId)), now) is { } score)
            {
                entries.Add(new PoolEntry(profile.CandidateId, score));
            }
        }

        await poolStore.ReplaceAsync(requisition.Id, entries, builtFor, cancellationToken);
        count("fullRescore", 1);
        count("pool", entries.Count);
        return entries.OrderByDescending(e => e.Score).ThenBy(e => e.CandidateId, StringComparer.Ordinal).ToList();
    }
}
