using System.Text;
using Pipeline.Domain.Candidates;
using Pipeline.Domain.Feeds;
using Pipeline.Functions.Configuration;
using Pipeline.Functions.Feeds;
using Pipeline.Functions.Hosting;
using Pipeline.Functions.Messages;
using Pipeline.Functions.Stores;

namespace Pipeline.Functions.Functions.PollFeeds;

/// <summary>
/// Timer: reads every enabled feed, quarantines rows that cannot be accepted, and hands the rest on as pages of
/// candidates. A feed that cannot be read is recorded as failed and retried on the next run; the others go on.
/// </summary>
public sealed class PollFeeds(
    PipelineConfiguration configuration,
    QuarantineStore quarantine,
    FeedStateStore feedState,
    FeedOpener opener,
    TimeProvider time,
    ILogger<PollFeeds> logger) : TimerFunction
{
    protected override async Task<FunctionResult> RunAsync(TimerInfo timer, CancellationToken cancellationToken)
    {
        var result = new FunctionResult();
        foreach (var feed in configuration.Feeds.Where(f => f.Enabled))
        {
            await PollAsync(feed, result, cancellationToken);
        }

        return result;
    }

    private async Task PollAsync(FeedDefinition feed, FunctionResult result, CancellationToken cancellationToken)
    {
        var started = time.GetUtcNow();
        var pages = new List<CandidatePage>();
        var page = new List<CandidateRecord>(feed.PageSize);
        var rejected = new List<RejectedRow>();
        long accepted = 0;

        void Flush()
        {
            if (page.Count == 0)
            {
                return;
            }

            pages.Add(new CandidatePage
            {
                FeedId = feed.Id, FeedKind = feed.Kind, Source = feed.Source, RunStarted = started, PageNumber = pages.Count + 1, Candidates = page.ToList(),
            });
            page.Clear();
        }

        FeedWatermark? watermark;
        try
        {
            var previous = feed.IsHttp && await feedState.GetAsync(feed.Id, cancellationToken) is { Succeeded: true } last ? last.Watermark : null;
            await using var opened = await opener.OpenAsync(feed, previous, cancellationToken);
            if (opened.NotModified)
            {
                await feedState.SaveAsync(new FeedRunRecord(feed.Id, started, true, 0, 0, null) { Watermark = previous, NotModified = true }, cancellationToken);
                result.Logs.Add($"Feed {feed.Id}: not modified since the last run");
                result.Count("feeds");
                result.Count("feedsNotModified");
                return;
            }

            watermark = opened.Watermark;
            await foreach (var row in FeedParser.ParseAsync(opened.Body, feed, cancellationToken))
            {
                switch (row)
                {
                    case AcceptedRow a:
                        accepted++;
                        page.Add(a.Candidate);
                        if (page.Count == feed.PageSize)
                        {
                            Flush();
                        }

                        break;
                    case RejectedRow r:
                        rejected.Add(r);
                        break;
                }
            }

            Flush();
        }
        catch (Exception e) when (e is FeedFormatException or IOException or UnauthorizedAccessException or DecoderFallbackException)
        {
            var reason = e is DecoderFallbackException ? "the file is not valid UTF-8" : e.Message;
            logger.LogWarning("Feed {FeedId} could not be read and will be retried on the next run: {Reason}", feed.Id, reason);
            result.Logs.Add($"Feed {feed.Id} failed: {reason}");
            result.Count("feedsFailed");
            await feedState.SaveAsync(new FeedRunRecord(feed.Id, started, false, 0, 0, reason), cancellationToken);
            return;
        }

        await quarantine.ReplaceAsync(feed.Id, rejected, cancellationToken);
        foreach (var p in pages)
        {
            result.Send(Queues.Candidates, p);
        }

        await feedState.SaveAsync(new FeedRunRecord(feed.Id, started, true, accepted, rejected.Count, null) { Watermark = watermark }, cancellationToken);
        logger.LogInformation("Feed {FeedId}: {Accepted} rows accepted in {Pages} pages, {Quarantined} quarantined", feed.Id, accepted, pages.Count, rejected.Count);
        result.Logs.Add($"Feed {feed.Id}: {accepted} accepted, {rejected.Count} quarantined");
        result.Count("feeds");
        result.Count("rows", accepted);
        result.Count("quarantined", rejected.Count);
    }
}
