using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Pipeline.Core.Feeds;

namespace Pipeline.Functions.Tests.PollFeeds;

/// <summary>The timer that reads every due feed and pages its candidates onward.</summary>
public sealed class PollFeedsTests : IAsyncLifetime
{
    private RunningHandler _handler = null!;

    public async ValueTask InitializeAsync() => _handler = await RunningHandler.StartAsync();

    public async ValueTask DisposeAsync() => await _handler.DisposeAsync();

    [Fact]
    public async Task PollFeeds_RowFixedInALaterExport_LeavesQuarantine_AndAnUnchangedFeedRewritesNothing()
    {
        var quarantine = _handler.Services.GetRequiredService<QuarantineStore>();
        async Task<Dictionary<long, DateTimeOffset?>> QuarantinedAsync()
        {
            var rows = new Dictionary<long, DateTimeOffset?>();
            await foreach (var e in quarantine.ListAsync("northfield-university", default))
            {
                rows[e.GetInt64("Position")!.Value] = e.Timestamp;
            }

            return rows;
        }

        await _handler.PollFeedsAsync();
        var first = await QuarantinedAsync();
        Assert.Equal([26L, 27L, 28L, 29L], first.Keys.Order());

        var again = await _handler.PollFeedsAsync();
        Assert.Equal(3, again.Metric("feedsNotModified"));
        Assert.Equal(first, await QuarantinedAsync());

        // The export fixes the bad date on line 28.
        var feed = Path.Combine(_handler.ConfigDirectory, "feeds", "northfield-university.csv");
        File.WriteAllText(feed, File.ReadAllText(feed).Replace("June 2026", "2026-06", StringComparison.Ordinal));
        await _handler.PollFeedsAsync();

        Assert.Equal([26L, 27L, 29L], (await QuarantinedAsync()).Keys.Order());
    }

    [Fact]
    public async Task PollFeeds_UnreadableFeed_IsRecordedAndTheOthersGoOn()
    {
        File.WriteAllText(Path.Combine(_handler.ConfigDirectory, "feeds", "lakeshore-tech.csv"), "Renamed Email Column,Full Name\nx@y.example,X\n");

        var runs = await _handler.PollFeedsAsync();

        Assert.Equal(1, runs.Metric("feedsFailed"));
        Assert.Equal(2, runs.Metric("feeds"));
        Assert.Contains(runs.Logs, l => l.Contains("lakeshore-tech failed", StringComparison.Ordinal));
    }

    [Fact]
    public async Task PollFeeds_HonoursEachFeedsSchedule_AndDoesNotStartAFeedStillBeingRead()
    {
        await using var handler = await RunningHandler.StartAsync(settings: new Dictionary<string, string?> { ["Pipeline:IgnoreFeedSchedules"] = "false" });
        async Task<JsonElement> PollAsync() => (await handler.PostAsync("PollFeeds", RunningHandler.Fixture("timer-invocation.json"))).Body;

        var started = await PollAsync();
        var whileReading = await PollAsync();

        Assert.Equal(3, started.GetProperty("ReturnValue").GetProperty("feedsStarted").GetInt32());
        Assert.Equal(3, whileReading.GetProperty("ReturnValue").GetProperty("feedsBusy").GetInt32());
        Assert.Empty(RunningHandler.Messages(whileReading, "feedReads"));

        // Deliver the runs PollFeeds started, each part and then its completion.
        var pending = new Queue<JsonElement>(RunningHandler.Messages(started, "feedReads"));
        var finished = 0;
        while (pending.TryDequeue(out var request))
        {
            var (_, read) = await handler.PostAsync("ReadFeed", RunningHandler.ServiceBusEnvelope("request", request.GetRawText()));
            finished += read.GetProperty("ReturnValue").TryGetProperty("feeds", out var feeds) ? feeds.GetInt32() : 0;
            foreach (var next in RunningHandler.Messages(read, "continuation"))
            {
                pending.Enqueue(next);
            }
        }

        Assert.Equal(3, finished);

        // Read, and every six hours by default: not due again yet.
        var afterwards = await PollAsync();
        Assert.Empty(RunningHandler.Messages(afterwards, "feedReads"));
    }
}
