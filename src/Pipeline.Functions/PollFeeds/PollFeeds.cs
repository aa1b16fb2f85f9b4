using Microsoft.Extensions.Options;
using Pipeline.Core.Configuration;
using Pipeline.Core.Feeds;
using Pipeline.Core.Messages;
using Pipeline.Domain.Scheduling;
using Pipeline.Functions.Hosting;

namespace Pipeline.Functions.PollFeeds;

/// <summary>
/// Timer: starts a run for every enabled feed whose own schedule has come round since its last run, by sending one
/// <c>feedreads</c> message per feed (ReadFeed does the reading, in parts). Feeds are read independently, so a slow
/// or failing feed does not hold up the others, and a feed still being read is not started again.
/// </summary>
public sealed class PollFeeds(
    PipelineConfiguration configuration,
    FeedStateStore feedState,
    IOptions<PipelineOptions> options,
    TimeProvider time,
    ILogger<PollFeeds> logger) : TimerFunction
{
    /// <summary>A run not heard of for this long is taken to be lost (its messages dead-lettered) and a new one may start.</summary>
    public static readonly TimeSpan StaleRunAfter = TimeSpan.FromHours(1);

    protected override async Task<FunctionResult> RunAsync(TimerInfo timer, CancellationToken cancellationToken)
    {
        var result = new FunctionResult();
        var now = time.GetUtcNow();
        foreach (var feed in configuration.Feeds.Where(f => f.Enabled))
        {
            var last = await feedState.GetAsync(feed.Id, cancellationToken);
            if (await feedState.GetRunAsync(feed.Id, cancellationToken) is { } running && now - running.LastProgress < StaleRunAfter)
            {
                logger.LogInformation("Feed {FeedId} is still being read (run started {RunStarted:o}); not started again", feed.Id, running.RunStarted);
                result.Count("feedsBusy");
                continue;
            }

            if (!options.Value.IgnoreFeedSchedules && last is not null && CronSchedule.Parse(feed.Schedule).Next(last.RunStarted) > now)
            {
                continue;
            }

            // The watermark and the incremental start apply only while the definition is the one they were read with.
            var previous = last is { Succeeded: true } && last.Definition == feed.Fingerprint() ? last : null;
            var cursor = new FeedCursor
            {
                IfChanged = previous?.Watermark,
                UpdatedSince = feed.Incremental is null ? null : previous?.Since,
            };
            await feedState.SaveRunAsync(feed.Id, new FeedRunInProgress(now, now, 0), cancellationToken);
            result.Send(Queues.FeedReads, new FeedReadRequest { FeedId = feed.Id, RunStarted = now, Cursor = cursor });
            result.Count("feedsStarted");
        }

        return result;
    }
}
