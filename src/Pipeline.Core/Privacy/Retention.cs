using Microsoft.Extensions.Options;
using Pipeline.Core.Candidates;
using Pipeline.Core.Certifications;
using Pipeline.Core.Configuration;
using Pipeline.Core.Feeds;
using Pipeline.Core.Shortlists;

namespace Pipeline.Core.Privacy;

/// <summary>
/// Deletes what is kept no longer: feed records that no feed has listed for
/// <see cref="PipelineOptions.CandidateRetention"/> (a person with no record left is removed with their identity keys,
/// credential checks and pool entries; the open requisitions' shortlists are marked out of date), and quarantined rows
/// older than <see cref="PipelineOptions.QuarantineRetention"/>.
/// </summary>
/// <remarks>
/// A record counts as listed when a read of its feed found it, changed or not (the mark is refreshed weekly, see
/// <see cref="CandidateStore.SeenRefresh"/>). Incremental feeds send only what changed, so their silence says nothing:
/// their records are kept. A feed no longer configured lists nobody.
/// </remarks>
public sealed class Retention(
    CandidateStore candidates,
    QuarantineStore quarantine,
    VerificationStore verifications,
    PoolStore poolStore,
    ShortlistStore shortlists,
    PipelineConfiguration configuration,
    IOptions<PipelineOptions> options,
    TimeProvider time,
    ILogger<Retention> logger)
{
    /// <returns>What was removed: <c>recordsRemoved</c> and <c>candidatesRemoved</c> (with a candidate retention), <c>quarantineRemoved</c> (with a quarantine retention).</returns>
    public async Task<IReadOnlyDictionary<string, long>> SweepAsync(CancellationToken cancellationToken)
    {
        var counts = new Dictionary<string, long>(StringComparer.Ordinal);
        var now = time.GetUtcNow();
        var o = options.Value;
        if (o.CandidateRetention > TimeSpan.Zero)
        {
            var incremental = configuration.Feeds.Where(f => f.Incremental is not null).Select(f => f.Id).ToHashSet(StringComparer.Ordinal);
            var stale = new List<(string Person, string RowKey, string FeedId)>();
            await foreach (var row in candidates.NotSeenSinceAsync(now - o.CandidateRetention, cancellationToken))
            {
                if (!incremental.Contains(row.FeedId))
                {
                    stale.Add(row);
                }
            }

            var gone = new List<string>();
            foreach (var person in stale.GroupBy(s => s.Person))
            {
                if (await candidates.RemoveSourcesAsync(person.Key, person.Select(p => p.RowKey).ToList(), cancellationToken))
                {
                    gone.Add(person.Key);
                    foreach (var check in await verifications.GetAsync(person.Key, cancellationToken))
                    {
                        await verifications.DeleteAsync(person.Key, check.Url, cancellationToken);
                    }
                }
            }

            if (gone.Count > 0)
            {
                await poolStore.RemoveAsync(configuration.Requisitions.Select(r => r.Id), gone, cancellationToken);
            }

            if (stale.Count > 0)
            {
                await shortlists.MarkOpenDirtyAsync(configuration.Requisitions, now, cancellationToken);
            }

            counts["recordsRemoved"] = stale.Count;
            counts["candidatesRemoved"] = gone.Count;
        }

        if (o.QuarantineRetention > TimeSpan.Zero)
        {
            counts["quarantineRemoved"] = await quarantine.DeleteOlderThanAsync(now - o.QuarantineRetention, cancellationToken);
        }

        logger.LogInformation(
            "Retention: {Records} feed records not listed since {Cutoff:u} removed ({Candidates} candidates gone), {Quarantine} quarantined rows removed",
            counts.GetValueOrDefault("recordsRemoved"), now - o.CandidateRetention, counts.GetValueOrDefault("candidatesRemoved"), counts.GetValueOrDefault("quarantineRemoved"));
        return counts;
    }
}
