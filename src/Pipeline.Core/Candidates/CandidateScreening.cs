using Pipeline.Core.Certifications;
using Pipeline.Core.Configuration;
using Pipeline.Core.Feeds;
using Pipeline.Core.Messages;
using Pipeline.Core.Privacy;
using Pipeline.Core.Shortlists;
using Pipeline.Domain.Candidates;
using Pipeline.Domain.Feeds;

namespace Pipeline.Core.Candidates;

/// <summary>What screening a page did.</summary>
/// <param name="ToVerify">The new or changed people who claim a credential with a link, to be checked.</param>
/// <param name="RequisitionsAffected">The requisitions whose pool moved, now marked out of date.</param>
/// <param name="Counts">
/// <c>suppressed</c>, <c>new</c>, <c>updated</c>, <c>unchanged</c>, <c>duplicates</c> and <c>requisitionsAffected</c>,
/// each where it happened.
/// </param>
public sealed record PageScreening(IReadOnlyList<string> ToVerify, IReadOnlyList<string> RequisitionsAffected, IReadOnlyDictionary<string, long> Counts);

/// <summary>
/// Screens a page of a feed's candidates: stores each one, de-duplicated by normalised email and skipped when its
/// content is unchanged; leaves out people who asked to be erased; quarantines a duplicate whose first row was in
/// another part of the run; and updates, and marks out of date, only the requisitions whose pool of qualifying
/// candidates the changes move.
/// </summary>
public sealed class CandidateScreening(
    CandidateStore candidates,
    QuarantineStore quarantine,
    VerificationStore verifications,
    SuppressionStore suppressions,
    ShortlistPools pools,
    PipelineConfiguration configuration)
{
    /// <param name="page">The page as queued.</param>
    /// <param name="writes">Its candidates to store, their emails already normalised, in the page's order.</param>
    public async Task<PageScreening> ScreenAsync(CandidatePage page, IReadOnlyList<CandidateWrite> writes, CancellationToken cancellationToken)
    {
        var counts = new Dictionary<string, long>(StringComparer.Ordinal);
        void Count(string metric, long amount = 1) => counts[metric] = counts.GetValueOrDefault(metric) + amount;
        var feed = configuration.Feeds.FirstOrDefault(f => f.Id == page.FeedId);

        // People who asked to be erased stay erased: their records are not stored again.
        var suppressed = await suppressions.FindAsync(
            writes.SelectMany(w => w.Record.Certifications.Select(c => c.BadgeEmail).OfType<string>().Append(w.Record.Email)).ToList(), cancellationToken);
        if (suppressed.Count > 0)
        {
            var before = writes.Count;
            writes = writes.Where(w => !suppressed.Contains(w.Record.Email) && !w.Record.Certifications.Any(c => c.BadgeEmail is { } b && suppressed.Contains(b))).ToList();
            Count("suppressed", before - writes.Count);
        }

        var outcomes = await candidates.UpsertManyAsync(writes, cancellationToken);
        for (var i = 0; i < writes.Count; i++)
        {
            if (outcomes[i] is { Outcome: ScreenOutcome.Duplicate, FirstPosition: { } first })
            {
                // The parser catches duplicates within one part of a run; this one's first row was in another part.
                var prefix = feed is null ? string.Empty : QuarantineStore.KeyPrefix(feed, page.RunStarted);
                var unit = feed?.Format is FeedFormat.Json or FeedFormat.JsonResume ? "entry" : "line";
                await quarantine.AddAsync(page.FeedId, prefix, new RejectedRow(writes[i].Position!.Value, CandidateFields.Email, $"duplicate of the row on {unit} {first} in the same file", null), cancellationToken);
            }

            Count(outcomes[i].Outcome switch
            {
                ScreenOutcome.New => "new",
                ScreenOutcome.Updated => "updated",
                ScreenOutcome.Duplicate => "duplicates",
                _ => "unchanged",
            });
        }

        var toVerify = writes
            .Select((w, i) => (w, r: outcomes[i]))
            .Where(x => x.r.Outcome is ScreenOutcome.New or ScreenOutcome.Updated && x.r.Person is not null && x.w.Record.Certifications.Any(c => c.Url is not null))
            .Select(x => x.r.Person!)
            .Distinct(StringComparer.Ordinal)
            .ToList();

        // Only the requisitions whose pool these changes move are scored again.
        IReadOnlyList<string> affected = [];
        var changes = outcomes.Where(o => o.After is not null).DistinctBy(o => o.After!.CandidateId).ToList();
        if (changes.Count > 0)
        {
            var checks = await verifications.GetManyAsync(changes.Where(c => c.After!.Certifications.Any(x => x.Url is not null)).Select(c => c.After!.CandidateId).ToList(), cancellationToken);
            affected = await pools.ApplyAsync(
                changes.Select(c =>
                {
                    var personChecks = VerificationStore.Results(checks.GetValueOrDefault(c.After!.CandidateId));
                    return new PoolChange(c.Before, c.After, personChecks, personChecks);
                }).ToList(),
                cancellationToken);
            Count("requisitionsAffected", affected.Count);
        }

        return new PageScreening(toVerify, affected, counts);
    }
}
