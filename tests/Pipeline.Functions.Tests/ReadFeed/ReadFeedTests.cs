using System.Collections.Concurrent;
using System.Globalization;
using System.IO.Compression;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Pipeline.Core.Feeds;
using Pipeline.Testing;

namespace Pipeline.Functions.Tests.ReadFeed;

/// <summary>
/// Feed runs through ReadFeed (started by PollFeeds): read in parts, paginated sources on a loopback server,
/// incremental requests, documents that change mid-run, and requests that belong to no current run.
/// </summary>
public sealed class ReadFeedTests : IAsyncLifetime
{
    private WebApplication _server = null!;
    private Uri _base = null!;
    private readonly ConcurrentQueue<string> _requests = new();

    public async ValueTask InitializeAsync()
    {
        (_server, _base) = await LoopbackServer.StartAsync(app =>
        {
            // A CSV export in three pages, gzipped, chained by Link headers; page 2 has a bad row.
            app.MapGet("/students.csv", async (HttpContext context) =>
            {
                _requests.Enqueue(context.Request.Path + context.Request.QueryString);
                var page = int.Parse(context.Request.Query["page"].FirstOrDefault() ?? "1", CultureInfo.InvariantCulture);
                if (page < 3)
                {
                    context.Response.Headers.Link = $"</students.csv?page={page + 1}>; rel=\"next\", </students.csv?page=1>; rel=\"first\"";
                }

                var rows = Enumerable.Range(1, 4).Select(i => page == 2 && i == 3 ? "not-an-email,Bad Row" : $"p{page}s{i}@uni.example,Student {page}-{i}");
                context.Response.Headers.ContentEncoding = "gzip";
                context.Response.ContentType = "text/csv";
                await using var gzip = new GZipStream(context.Response.Body, CompressionLevel.Fastest);
                await gzip.WriteAsync(Encoding.UTF8.GetBytes("email,name\n" + string.Join("\n", rows) + "\n"));
            });

            // A JSON API with cursors and an updated_since filter: everything at first, then only what changed.
            app.MapGet("/api/graduates", (HttpContext context) =>
            {
                _requests.Enqueue(context.Request.Path + context.Request.QueryString);
                var since = context.Request.Query["updated_since"].FirstOrDefault();
                var cursor = context.Request.Query["cursor"].FirstOrDefault();
                object[] data = since is not null
                    ? [new { contact = new { email = "new@camp.example" }, name = "Newcomer" }]
                    : cursor is null
                        ? [new { contact = new { email = "a@camp.example" }, name = "A" }, new { contact = new { email = "b@camp.example" }, name = "B" }]
                        : [new { contact = new { email = "c@camp.example" }, name = "C" }];
                var next = since is null && cursor is null ? "opaque-2" : null;
                return Results.Json(new { paging = new { next_cursor = next }, data });
            });

            // A big export in one response, gzipped, with or without an ETag: read in parts, each reading past what came before.
            app.MapGet("/big.csv", async (HttpContext context) =>
            {
                _requests.Enqueue(context.Request.Path + context.Request.QueryString);
                if (context.Request.Query["etag"] != "none")
                {
                    context.Response.Headers.ETag = "\"big-v1\"";
                }

                context.Response.Headers.ContentEncoding = "gzip";
                context.Response.ContentType = "text/csv";
                await using var gzip = new GZipStream(context.Response.Body, CompressionLevel.Fastest);
                await gzip.WriteAsync(Encoding.UTF8.GetBytes(BigCsv(120)));
            });

            app.MapGet("/loop", () => Results.Json(new { data = new[] { new { email = "x@loop.example" } }, next = "/loop" }));
            app.MapGet("/escape", () => Results.Json(new { data = new[] { new { email = "x@loop.example" } }, next = "https://elsewhere.example.invalid/p2" }));
        });
    }

    public async ValueTask DisposeAsync() => await _server.DisposeAsync();

    // The loopback feed server is opted in as a test host; no other loopback address would be read.
    private Task<RunningHandler> StartAsync(string feedsJson, Dictionary<string, string?>? settings = null) =>
        RunningHandler.StartAsync(
            prepareConfig: config => File.WriteAllText(Path.Combine(config, "feeds.json"), feedsJson),
            settings: new Dictionary<string, string?>(settings ?? []) { ["Pipeline:FeedTestHosts"] = $"{_base.Host}:{_base.Port}" });

    private static string LocalCsvFeed(int pageSize) => $$"""
        { "feeds": [ { "id": "big-export", "kind": "university", "source": "Big U", "format": "csv", "location": "feeds/big.csv", "pageSize": {{pageSize}} } ] }
        """;

    /// <summary>A CSV export with quoted line breaks, wide characters and a bad row now and then.</summary>
    private static string BigCsv(int rows)
    {
        var text = new StringBuilder("email,name,skills\r\n");
        for (var i = 1; i <= rows; i++)
        {
            text.Append(i % 37 == 0 ? $"broken-{i}" : $"s{i}@big.example")
                .Append(i % 5 == 0 ? $",\"Zoë \"\"{i}\"\"\r\nSmith\"" : $",Łukasz {i}")
                .Append(i % 3 == 0 ? ",\"python, torch\"" : ",k8s")
                .Append("\r\n");
        }

        return text.ToString();
    }

    private static async Task<(List<string> Candidates, List<string> Quarantine, FeedRunRecord State)> OutcomeAsync(RunningHandler handler, FeedRuns runs, string feedId)
    {
        var candidates = runs.Pages
            .SelectMany(p => p.GetProperty("candidates").EnumerateArray())
            .Select(c => $"{c.GetProperty("email").GetString()} {c.GetProperty("name").GetString()} {string.Join('|', c.GetProperty("skills").EnumerateArray().Select(s => s.GetString()))}")
            .ToList();
        var quarantine = new List<string>();
        await foreach (var row in handler.Services.GetRequiredService<QuarantineStore>().ListAsync(feedId, default))
        {
            quarantine.Add($"{row.GetInt64("Position")} {row.GetString("Field")} {row.GetString("Reason")}");
        }

        var state = await handler.Services.GetRequiredService<FeedStateStore>().GetAsync(feedId, default);
        return (candidates, quarantine, state!);
    }

    [Fact]
    public async Task LargeFeed_ReadInManySmallParts_GivesExactlyWhatOneReadGives()
    {
        void Write(string config) => File.WriteAllText(Path.Combine(config, "feeds", "big.csv"), BigCsv(400), new UTF8Encoding(encoderShouldEmitUTF8Identifier: true));

        await using var whole = await RunningHandler.StartAsync(config => { File.WriteAllText(Path.Combine(config, "feeds.json"), LocalCsvFeed(50)); Write(config); });
        var oneRun = await whole.PollFeedsAsync();
        await using var parts = await RunningHandler.StartAsync(
            config => { File.WriteAllText(Path.Combine(config, "feeds.json"), LocalCsvFeed(3)); Write(config); },
            new Dictionary<string, string?> { ["Pipeline:FeedPagesPerInvocation"] = "2" });
        var inParts = await parts.PollFeedsAsync();

        var expected = await OutcomeAsync(whole, oneRun, "big-export");
        var actual = await OutcomeAsync(parts, inParts, "big-export");
        Assert.Equal(2, oneRun.Reads.Count); // the part, and the completion that records the run
        Assert.True(inParts.Reads.Count > 50, $"{inParts.Reads.Count} parts");
        Assert.Equal(400 - 400 / 37, expected.Candidates.Count);
        Assert.Equal(expected.Candidates, actual.Candidates);
        Assert.Equal(expected.Quarantine, actual.Quarantine);
        Assert.Equal((expected.State.Accepted, expected.State.Quarantined), (actual.State.Accepted, actual.State.Quarantined));
        Assert.True(actual.State.Succeeded);
        Assert.Null(await parts.Services.GetRequiredService<FeedStateStore>().GetRunAsync("big-export", default));

        // Pages are numbered on across the parts, so each has its own number.
        Assert.Equal(Enumerable.Range(1, inParts.Pages.Count), inParts.Pages.Select(p => p.GetProperty("pageNumber").GetInt32()));
    }

    [Theory]
    [InlineData("/big.csv")]
    [InlineData("/big.csv?etag=none")]
    public async Task HttpFeed_ReadInParts_ReadsPastWhatEarlierPartsRead_AndGivesWhatOneReadGives(string path)
    {
        string Feeds(int pageSize) => $$"""
            { "feeds": [ { "id": "big-export", "kind": "university", "source": "Big U", "format": "csv", "location": "{{new Uri(_base, path)}}", "pageSize": {{pageSize}} } ] }
            """;
        await using var whole = await StartAsync(Feeds(50));
        var oneRun = await whole.PollFeedsAsync();
        await using var parts = await StartAsync(Feeds(4), new Dictionary<string, string?> { ["Pipeline:FeedPagesPerInvocation"] = "3" });
        var inParts = await parts.PollFeedsAsync();

        var expected = await OutcomeAsync(whole, oneRun, "big-export");
        var actual = await OutcomeAsync(parts, inParts, "big-export");
        Assert.Equal(120 - 3, expected.Candidates.Count);
        Assert.Equal(expected.Candidates, actual.Candidates);
        Assert.Equal(expected.Quarantine, actual.Quarantine);
        Assert.True(inParts.Reads.Count > 5);
        Assert.Equal(1 + (inParts.Reads.Count - 1), _requests.Count); // the whole read's request, then one per part (the completion reads nothing)
    }

    [Fact]
    public async Task FileChangedBetweenParts_EndsTheRunAsFailed_AndTheNextRunReadsItWhole()
    {
        await using var handler = await RunningHandler.StartAsync(
            config => { File.WriteAllText(Path.Combine(config, "feeds.json"), LocalCsvFeed(2)); File.WriteAllText(Path.Combine(config, "feeds", "big.csv"), BigCsv(20)); },
            new Dictionary<string, string?> { ["Pipeline:FeedPagesPerInvocation"] = "1" });
        var (_, polled) = await handler.PostAsync("PollFeeds", RunningHandler.Fixture("timer-invocation.json"));
        var (_, part1) = await handler.PostAsync("ReadFeed", RunningHandler.ServiceBusEnvelope("request", RunningHandler.Messages(polled, "feedReads")[0].GetRawText()));
        var continuation = RunningHandler.Messages(part1, "continuation")[0].GetRawText();

        File.AppendAllText(Path.Combine(handler.ConfigDirectory, "feeds", "big.csv"), "late@big.example,Late Comer,sql\r\n");
        var (_, part2) = await handler.PostAsync("ReadFeed", RunningHandler.ServiceBusEnvelope("request", continuation));

        Assert.Equal(1, part2.GetProperty("ReturnValue").GetProperty("feedsFailed").GetInt32());
        var failed = await handler.Services.GetRequiredService<FeedStateStore>().GetAsync("big-export", default);
        Assert.Contains("changed while it was being read", failed!.Error, StringComparison.Ordinal);

        var again = await handler.PollFeedsAsync();
        Assert.Equal(21, again.Metric("rows"));
        Assert.True((await handler.Services.GetRequiredService<FeedStateStore>().GetAsync("big-export", default))!.Succeeded);
    }

    [Fact]
    public async Task PartDeliveredAgainAfterItsRunEnded_IsDroppedWithoutSendingAnything()
    {
        await using var handler = await RunningHandler.StartAsync(
            config => { File.WriteAllText(Path.Combine(config, "feeds.json"), LocalCsvFeed(5)); File.WriteAllText(Path.Combine(config, "feeds", "big.csv"), BigCsv(12)); },
            new Dictionary<string, string?> { ["Pipeline:FeedPagesPerInvocation"] = "1" });
        var runs = await handler.PollFeedsAsync();
        var lastPart = runs.Reads[^2].GetProperty("Outputs").GetProperty("continuation")[0].GetRawText();

        var (_, redelivered) = await handler.PostAsync("ReadFeed", RunningHandler.ServiceBusEnvelope("request", lastPart, deliveryCount: 2));

        Assert.Equal(1, redelivered.GetProperty("ReturnValue").GetProperty("feedReadsDropped").GetInt32());
        Assert.Empty(RunningHandler.Messages(redelivered, "candidatePages"));
    }

    [Fact]
    public async Task PaginatedCsv_FollowsLinkHeaders_AndPositionsCountOnAcrossPages()
    {
        await using var handler = await StartAsync($$"""
            { "feeds": [ { "id": "paged", "kind": "university", "source": "Paged U", "format": "csv", "location": "{{new Uri(_base, "/students.csv")}}" } ] }
            """);

        var runs = await handler.PollFeedsAsync();
        var (candidates, quarantine, state) = await OutcomeAsync(handler, runs, "paged");

        Assert.Equal(["/students.csv", "/students.csv?page=2", "/students.csv?page=3"], _requests);
        Assert.Equal(11, candidates.Count);
        Assert.Contains(candidates, c => c.StartsWith("p3s4@uni.example", StringComparison.Ordinal));
        // Page 1 is lines 1-5; page 2's header is line 6, so its third row is line 9.
        Assert.Equal(["9 email not a valid email address"], quarantine);
        Assert.True(state.Succeeded);
    }

    [Fact]
    public async Task CursorPaginatedJson_FollowsTheCursor_AndTheNextRunAsksOnlyForChangesSinceTheFirst()
    {
        await using var handler = await StartAsync($$"""
            { "feeds": [ { "id": "camp-api", "kind": "bootcamp", "source": "Camp API", "format": "json",
                           "location": "{{new Uri(_base, "/api/graduates?cohort=2026")}}",
                           "recordsPath": "data", "mapping": { "email": "contact.email" },
                           "pagination": { "nextPath": "paging.next_cursor", "cursorParameter": "cursor" },
                           "incremental": { "parameter": "updated_since" } } ] }
            """);

        var first = await handler.PollFeedsAsync();
        var state = await handler.Services.GetRequiredService<FeedStateStore>().GetAsync("camp-api", default);
        var second = await handler.PollFeedsAsync();

        Assert.Equal(3, first.Metric("rows"));
        Assert.Equal(1, second.Metric("rows"));
        var requests = _requests.ToList();
        Assert.Equal(["/api/graduates?cohort=2026", "/api/graduates?cohort=2026&cursor=opaque-2"], requests[..2]);
        var since = Assert.Single(requests[2..]);
        Assert.StartsWith("/api/graduates?cohort=2026&updated_since=", since, StringComparison.Ordinal);
        var asked = DateTimeOffset.Parse(Uri.UnescapeDataString(since.Split("updated_since=")[1]), CultureInfo.InvariantCulture);
        Assert.Equal(state!.Since, asked);
        Assert.Equal("new@camp.example", Assert.Single(second.Pages).GetProperty("candidates")[0].GetProperty("email").GetString());
    }

    [Theory]
    [InlineData("/loop", "the pagination does not advance")]
    [InlineData("/escape", "is not within the feed's origin")]
    public async Task PaginationThatLoopsOrLeavesTheOrigin_FailsTheRunClearly(string path, string reason)
    {
        await using var handler = await StartAsync($$"""
            { "feeds": [ { "id": "odd-api", "kind": "bootcamp", "source": "Odd", "format": "json", "location": "{{new Uri(_base, path)}}",
                           "recordsPath": "data", "pagination": { "nextPath": "next" } } ] }
            """);

        var runs = await handler.PollFeedsAsync();

        Assert.Equal(1, runs.Metric("feedsFailed"));
        var state = await handler.Services.GetRequiredService<FeedStateStore>().GetAsync("odd-api", default);
        Assert.Contains(reason, state!.Error, StringComparison.Ordinal);
    }
}
