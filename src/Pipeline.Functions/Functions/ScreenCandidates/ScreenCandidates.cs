using Pipeline.Domain.Candidates;
using Pipeline.Domain.Feeds;
using Pipeline.Functions.Configuration;
using Pipeline.Functions.Hosting;
using Pipeline.Functions.Messages;
using Pipeline.Functions.Stores;

namespace Pipeline.Functions.Functions.ScreenCandidates;

/// <summary>
/// Queue <c>candidates</c>: stores each candidate of a page, de-duplicated by normalised email and skipped when its
/// content is unchanged; when anyone is new or changed, marks the open requisitions' shortlists as out of date
/// (ScheduleShortlists rebuilds them once the feed has gone quiet). New or changed people who claim a certification
/// with a credential link are handed to VerifyCertifications.
/// </summary>
public sealed class ScreenCandidates(
    CandidateStore candidates,
    QuarantineStore quarantine,
    ShortlistStore shortlists,
    PipelineConfiguration configuration,
    TimeProvider time,
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

        var changed = result.Metrics.GetValueOrDefault("new") + result.Metrics.GetValueOrDefault("updated");
        if (changed > 0)
        {
            await shortlists.MarkOpenDirtyAsync(configuration.Requisitions, time.GetUtcNow(), cancellationToken);
        }

        logger.LogInformation(
            "Feed {FeedId} page {PageNumber}: {New} new, {Updated} updated, {Unchanged} unchanged (delivery {DeliveryCount})",
            page.FeedId, page.PageNumber, result.Metrics.GetValueOrDefault("new"), result.Metrics.GetValueOrDefault("updated"),
            result.Metrics.GetValueOrDefault("unchanged"), info.DeliveryCount);
        return result;
    }
}
