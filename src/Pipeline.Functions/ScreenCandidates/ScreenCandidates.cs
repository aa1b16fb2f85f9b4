using Pipeline.Core.Candidates;
using Pipeline.Core.Certifications;
using Pipeline.Core.Configuration;
using Pipeline.Core.Feeds;
using Pipeline.Core.Messages;
using Pipeline.Core.Privacy;
using Pipeline.Core.Shortlists;
using Pipeline.Domain.Candidates;
using Pipeline.Domain.Feeds;
using Pipeline.Functions.Hosting;

namespace Pipeline.Functions.ScreenCandidates;

/// <summary>
/// Queue <c>candidates</c>: stores each candidate of a page, de-duplicated by normalised email and skipped when its
/// content is unchanged; scores the new or changed people against each open requisition, and updates and marks out
/// of date only the requisitions whose pool of qualifying candidates that moves (ScheduleShortlists rebuilds them
/// once the feed has gone quiet). New or changed people who claim a certification
/// with a credential link are handed to VerifyCertifications.
/// </summary>
public sealed class ScreenCandidates(
    CandidateStore candidates,
    QuarantineStore quarantine,
    VerificationStore verifications,
    SuppressionStore suppressions,
    ShortlistPools pools,
    PipelineConfiguration configuration,
    ILogger<ScreenCandidates> logger) : QueueFunction<CandidatePage>
{
    protected override async Task<FunctionResult> RunAsync(CandidatePage page, ServiceBusMessageInfo info, CancellationToken cancellationToken)
    {
        var result = new FunctionResult();
        var feed = configuration.Feeds.FirstOrDefault(f => f.Id == page.FeedId);
        var writes = new List<CandidateWrite>(page.Candidates.Count);
        for (var i = 0; i < page.Candidates.Count; i++)
        {
            // The page may have been replayed or written by hand: check what identifies the person again.
            var candidate = page.Candidates[i];
            string email;
            try
            {
                email = Normalizer.Email(candidate.Email);
            }
            catch (FieldException e)
            {
                throw new InvalidInvocationException($"Page {page.PageNumber} of feed {page.FeedId} holds a candidate with an invalid email: {e.Reason}.");
            }

            var position = page.Positions is { } positions && positions.Count == page.Candidates.Count ? positions[i] : (long?)null;
            writes.Add(new CandidateWrite(page.FeedId, page.FeedKind, page.Source, candidate with { Email = email }, page.RunStarted, position));
        }

        // People who asked to be erased stay erased: their records are not stored again.
        var suppressed = await suppressions.FindAsync(
            writes.SelectMany(w => w.Record.Certifications.Select(c => c.BadgeEmail).OfType<string>().Append(w.Record.Email)).ToList(), cancellationToken);
        if (suppressed.Count > 0)
        {
            var before = writes.Count;
            writes = writes.Where(w => !suppressed.Contains(w.Record.Email) && !w.Record.Certifications.Any(c => c.BadgeEmail is { } b && suppressed.Contains(b))).ToList();
            result.Count("suppressed", before - writes.Count);
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

            result.Count(outcomes[i].Outcome switch
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
        foreach (var ids in toVerify.Chunk(VerificationRequest.MaxCandidates))
        {
            result.Send(Queues.Verifications, new VerificationRequest { CandidateIds = ids, Reason = "screened" });
        }

        // Only the requisitions whose pool these changes move are scored again.
        var changes = outcomes.Where(o => o.After is not null).DistinctBy(o => o.After!.CandidateId).ToList();
        if (changes.Count > 0)
        {
            var checks = await verifications.GetManyAsync(changes.Where(c => c.After!.Certifications.Any(x => x.Url is not null)).Select(c => c.After!.CandidateId).ToList(), cancellationToken);
            var affected = await pools.ApplyAsync(
                changes.Select(c =>
                {
                    var personChecks = VerificationStore.Results(checks.GetValueOrDefault(c.After!.CandidateId));
                    return new PoolChange(c.Before, c.After, personChecks, personChecks);
                }).ToList(),
                cancellationToken);
            result.Count("requisitionsAffected", affected.Count);
            PipelineTelemetry.TagRequisitionsMarked(affected);
        }

        logger.LogInformation(
            "Feed {FeedId} page {PageNumber}: {New} new, {Updated} updated, {Unchanged} unchanged (delivery {DeliveryCount})",
            page.FeedId, page.PageNumber, result.Metrics.GetValueOrDefault("new"), result.Metrics.GetValueOrDefault("updated"),
            result.Metrics.GetValueOrDefault("unchanged"), info.DeliveryCount);
        return result;
    }
}
