using Microsoft.Extensions.Options;
using Pipeline.Core.Configuration;
using Pipeline.Core.Feeds;
using Pipeline.Core.Messages;
using Pipeline.Domain.Candidates;
using Pipeline.Domain.Feeds;
using Pipeline.Functions.Hosting;

namespace Pipeline.Functions.ReadFeed;

/// <summary>
/// Queue <c>feedreads</c>: reads one part of a feed run, from the request's cursor until
/// <c>Pipeline:FeedPagesPerInvocation</c> pages of candidates are handed on, quarantines the rows it rejects, and
/// continues in a follow-up message carrying the cursor. At the feed's end the follow-up is a completion, which records
/// the run and its watermark once the last pages have been sent. A feed that cannot be read ends its run as failed;
/// the next scheduled run starts over.
/// </summary>
public sealed class ReadFeed(
    PipelineConfiguration configuration,
    FeedReader reader,
    QuarantineStore quarantine,
    FeedStateStore feedState,
    IOptions<PipelineOptions> options,
    TimeProvider time,
    ILogger<ReadFeed> logger) : QueueFunction<FeedReadRequest>
{
    protected override async Task<FunctionResult> RunAsync(FeedReadRequest request, ServiceBusMessageInfo info, CancellationToken cancellationToken)
    {
        var result = new FunctionResult();
        var feed = configuration.Feeds.FirstOrDefault(f => f.Id == request.FeedId && f.Enabled);
        if (feed is null)
        {
            logger.LogWarning("Feed {FeedId} is no longer configured or enabled; its read request is dropped", request.FeedId);
            result.Count("feedReadsDropped");
            return result;
        }

        if (await feedState.GetRunAsync(feed.Id, cancellationToken) is not { } run || run.RunStarted != request.RunStarted)
        {
            // A newer run started (this one was given up as stale) or this run already ended: its parts are not needed.
            logger.LogWarning("Feed {FeedId}: part {Part} of the run started {RunStarted:o} is not the current run; dropped", feed.Id, request.Part, request.RunStarted);
            result.Count("feedReadsDropped");
            return result;
        }

        if (request.Complete)
        {
            await feedState.FinishAsync(
                new FeedRunRecord(feed.Id, request.RunStarted, true, request.Accepted, request.Quarantined, null)
                {
                    Watermark = request.Cursor.RunWatermark, Since = request.Cursor.RunDate ?? request.RunStarted, Definition = feed.Fingerprint(), Finished = time.GetUtcNow(),
                },
                cancellationToken);
            logger.LogInformation("Feed {FeedId}: {Accepted} rows accepted, {Quarantined} quarantined, in {Parts} parts", feed.Id, request.Accepted, request.Quarantined, request.Part - 1);
            result.Logs.Add($"Feed {feed.Id}: {request.Accepted} accepted, {request.Quarantined} quarantined");
            result.Count("feeds");
            return result;
        }

        var budget = options.Value.FeedPagesPerInvocation;
        var pages = new List<CandidatePage>();
        var page = new List<CandidateRecord>(feed.PageSize);
        var positions = new List<long>(feed.PageSize);
        var rejected = new List<RejectedRow>();
        long accepted = 0;

        void Flush()
        {
            if (page.Count > 0)
            {
                pages.Add(new CandidatePage
                {
                    FeedId = feed.Id, FeedKind = feed.Kind, Source = feed.Source, RunStarted = request.RunStarted,
                    PageNumber = request.Pages + pages.Count + 1, Candidates = page.ToList(), Positions = positions.ToList(),
                });
                page.Clear();
                positions.Clear();
            }
        }

        ValueTask OnRow(FeedRow row)
        {
            if (row is AcceptedRow a)
            {
                accepted++;
                page.Add(a.Candidate);
                positions.Add(a.Position);
                if (page.Count == feed.PageSize)
                {
                    Flush();
                }
            }
            else if (row is RejectedRow r)
            {
                rejected.Add(r);
            }

            return ValueTask.CompletedTask;
        }

        FeedReadResult outcome;
        try
        {
            outcome = await reader.ReadAsync(feed, request.Cursor, OnRow, () => pages.Count >= budget, cancellationToken);
        }
        catch (Exception e) when (e is FeedFormatException or IOException or UnauthorizedAccessException)
        {
            logger.LogWarning("Feed {FeedId} could not be read (part {Part}) and will be read again on its next run: {Reason}", feed.Id, request.Part, e.Message);
            result.Logs.Add($"Feed {feed.Id} failed: {e.Message}");
            result.Count("feedsFailed");
            await feedState.FinishAsync(
                new FeedRunRecord(feed.Id, request.RunStarted, false, request.Accepted + accepted, request.Quarantined + rejected.Count, e.Message) { Finished = time.GetUtcNow() },
                cancellationToken);
            return result;
        }

        if (outcome.End == FeedReadEnd.NotModified)
        {
            var last = await feedState.GetAsync(feed.Id, cancellationToken);
            await feedState.FinishAsync(
                new FeedRunRecord(feed.Id, request.RunStarted, true, 0, 0, null)
                {
                    Watermark = request.Cursor.IfChanged, NotModified = true, Since = last?.Since, Definition = feed.Fingerprint(), Finished = time.GetUtcNow(),
                },
                cancellationToken);
            result.Logs.Add($"Feed {feed.Id}: not modified since the last run");
            result.Count("feeds");
            result.Count("feedsNotModified");
            return result;
        }

        Flush();
        var finished = outcome.End == FeedReadEnd.Finished;

        // People who asked to be erased stay erased, in quarantine too: their rejected rows are not written.
        var kept = await quarantine.WithoutSuppressedAsync(rejected, cancellationToken);
        if (kept.Count < rejected.Count)
        {
            result.Count("suppressed", rejected.Count - kept.Count);
            rejected = kept.ToList();
        }

        // Each part owns the positions it read, so a row fixed since the last run leaves the quarantine and an
        // unchanged feed rewrites nothing. Incremental deltas restart their positions, so their rows are kept per run.
        await quarantine.ReplaceRangeAsync(feed.Id, QuarantineStore.KeyPrefix(feed, request.RunStarted), request.Cursor.Position, finished ? null : outcome.Cursor.Position, rejected, cancellationToken);
        foreach (var p in pages)
        {
            result.Send(Queues.Candidates, p);
        }

        var totalAccepted = request.Accepted + accepted;
        var totalQuarantined = request.Quarantined + rejected.Count;
        result.Count("rows", accepted);
        result.Count("quarantined", rejected.Count);
        // Not finished: the rest of the run follows. Finished: a completion follows the last pages, and records the run.
        result.Send(Queues.FeedReads, request with
        {
            Part = request.Part + 1, Cursor = outcome.Cursor, Accepted = totalAccepted, Quarantined = totalQuarantined, Pages = request.Pages + pages.Count, Complete = finished,
        });
        await feedState.SaveRunAsync(feed.Id, new FeedRunInProgress(request.RunStarted, time.GetUtcNow(), request.Part), cancellationToken);
        logger.LogInformation("Feed {FeedId} part {Part}: {Accepted} rows accepted in {Pages} pages, {Quarantined} quarantined", feed.Id, request.Part, accepted, pages.Count, rejected.Count);
        result.Count("feedParts");
        return result;
    }
}
