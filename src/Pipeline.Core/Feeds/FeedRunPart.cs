using Microsoft.Extensions.Options;
using Pipeline.Core.Configuration;
using Pipeline.Core.Messages;
using Pipeline.Domain.Candidates;
using Pipeline.Domain.Feeds;

namespace Pipeline.Core.Feeds;

/// <summary>What reading one part of a feed run came to.</summary>
public enum FeedPartOutcome
{
    /// <summary>The feed is no longer configured or enabled, or the part belongs to a run that is not current.</summary>
    Dropped,

    /// <summary>The part was a completion: the run and its watermark were recorded.</summary>
    Completed,

    /// <summary>The feed could not be read: the run was recorded as failed.</summary>
    Failed,

    /// <summary>The source said nothing changed since the last run, which was recorded.</summary>
    NotModified,

    /// <summary>Rows were read: pages to hand on and the next part (or completion) to queue.</summary>
    Read,
}

/// <param name="FeedId">The feed's id as asked.</param>
/// <param name="Pages">Pages of accepted candidates to screen (<see cref="FeedPartOutcome.Read"/>).</param>
/// <param name="Next">The follow-up request: the rest of the run, or its completion (<see cref="FeedPartOutcome.Read"/>).</param>
/// <param name="Accepted">Rows accepted: by this part (<see cref="FeedPartOutcome.Read"/>) or the whole run (<see cref="FeedPartOutcome.Completed"/>).</param>
/// <param name="Quarantined">Rows quarantined, counted as <paramref name="Accepted"/> is.</param>
/// <param name="Reason">Why the feed could not be read (<see cref="FeedPartOutcome.Failed"/>).</param>
/// <param name="Counts">What the part counted besides its outcome: <c>suppressed</c>.</param>
public sealed record FeedPart(
    FeedPartOutcome Outcome,
    string FeedId,
    IReadOnlyList<CandidatePage> Pages,
    FeedReadRequest? Next,
    long Accepted,
    long Quarantined,
    string? Reason,
    IReadOnlyDictionary<string, long> Counts);

/// <summary>
/// Reads one part of a feed run, from the request's cursor until <c>Pipeline:FeedPagesPerInvocation</c> pages of
/// candidates are ready, quarantines the rows it rejects, and says what follows: the rest of the run, or at the feed's
/// end a completion, which records the run and its watermark once the last pages have been screened. A feed that
/// cannot be read ends its run as failed; the next scheduled run starts over.
/// </summary>
public sealed class FeedRunPart(
    PipelineConfiguration configuration,
    FeedReader reader,
    QuarantineStore quarantine,
    FeedStateStore feedState,
    IOptions<PipelineOptions> options,
    TimeProvider time,
    ILogger<FeedRunPart> logger)
{
    public async Task<FeedPart> ReadAsync(FeedReadRequest request, CancellationToken cancellationToken)
    {
        var counts = new Dictionary<string, long>(StringComparer.Ordinal);
        FeedPart Ended(FeedPartOutcome outcome, long accepted = 0, long quarantined = 0, string? reason = null) =>
            new(outcome, request.FeedId, [], null, accepted, quarantined, reason, counts);

        var feed = configuration.Feeds.FirstOrDefault(f => f.Id == request.FeedId && f.Enabled);
        if (feed is null)
        {
            logger.LogWarning("Feed {FeedId} is no longer configured or enabled; its read request is dropped", request.FeedId);
            return Ended(FeedPartOutcome.Dropped);
        }

        if (await feedState.GetRunAsync(feed.Id, cancellationToken) is not { } run || run.RunStarted != request.RunStarted)
        {
            // A newer run started (this one was given up as stale) or this run already ended: its parts are not needed.
            logger.LogWarning("Feed {FeedId}: part {Part} of the run started {RunStarted:o} is not the current run; dropped", feed.Id, request.Part, request.RunStarted);
            return Ended(FeedPartOutcome.Dropped);
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
            return Ended(FeedPartOutcome.Completed, request.Accepted, request.Quarantined);
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
            await feedState.FinishAsync(
                new FeedRunRecord(feed.Id, request.RunStarted, false, request.Accepted + accepted, request.Quarantined + rejected.Count, e.Message) { Finished = time.GetUtcNow() },
                cancellationToken);
            return Ended(FeedPartOutcome.Failed, reason: e.Message);
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
            return Ended(FeedPartOutcome.NotModified);
        }

        Flush();
        var finished = outcome.End == FeedReadEnd.Finished;

        // People who asked to be erased stay erased, in quarantine too: their rejected rows are not written.
        var kept = await quarantine.WithoutSuppressedAsync(rejected, cancellationToken);
        if (kept.Count < rejected.Count)
        {
            counts["suppressed"] = rejected.Count - kept.Count;
            rejected = kept.ToList();
        }

        // Each part owns the positions it read, so a row fixed since the last run leaves the quarantine and an
        // unchanged feed rewrites nothing. Incremental deltas restart their positions, so their rows are kept per run.
        await quarantine.ReplaceRangeAsync(feed.Id, QuarantineStore.KeyPrefix(feed, request.RunStarted), request.Cursor.Position, finished ? null : outcome.Cursor.Position, rejected, cancellationToken);

        // Not finished: the rest of the run follows. Finished: a completion follows the last pages, and records the run.
        var next = request with
        {
            Part = request.Part + 1, Cursor = outcome.Cursor, Accepted = request.Accepted + accepted, Quarantined = request.Quarantined + rejected.Count,
            Pages = request.Pages + pages.Count, Complete = finished,
        };
        await feedState.SaveRunAsync(feed.Id, new FeedRunInProgress(request.RunStarted, time.GetUtcNow(), request.Part), cancellationToken);
        logger.LogInformation("Feed {FeedId} part {Part}: {Accepted} rows accepted in {Pages} pages, {Quarantined} quarantined", feed.Id, request.Part, accepted, pages.Count, rejected.Count);
        return new FeedPart(FeedPartOutcome.Read, feed.Id, pages, next, accepted, rejected.Count, null, counts);
    }
}
