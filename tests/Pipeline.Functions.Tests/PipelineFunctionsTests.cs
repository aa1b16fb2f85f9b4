using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Pipeline.Core.Feeds;
using Pipeline.Core.Messages;
using Pipeline.Core.Shortlists;

namespace Pipeline.Functions.Tests;

/// <summary>The functions chained by hand through the handler, as the host would chain them.</summary>
public sealed class PipelineFunctionsTests : IAsyncLifetime
{
    private RunningHandler _handler = null!;

    public async ValueTask InitializeAsync() => _handler = await RunningHandler.StartAsync();

    public async ValueTask DisposeAsync() => await _handler.DisposeAsync();

    private string Outbox(string folder) => Path.Combine(_handler.DataDirectory, "outbox", folder);

    private async Task<JsonElement> OkAsync(string function, string envelope)
    {
        var (response, body) = await _handler.PostAsync(function, envelope);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{function} answered {(int)response.StatusCode}: {body}");
        return body;
    }

    private static IEnumerable<JsonElement> Messages(JsonElement body, string binding) => RunningHandler.Messages(body, binding);

    [Fact]
    public async Task WholeChain_SendsOneEmailAndOneNotificationPerRequisition_AndARedeliverySendsNothingMore()
    {
        var polled = await _handler.PollFeedsAsync();
        foreach (var page in polled.Pages)
        {
            await OkAsync("ScreenCandidates", RunningHandler.ServiceBusEnvelope("page", page.GetRawText()));
        }

        var requests = Messages(await OkAsync("ScheduleShortlists", RunningHandler.Fixture("timer-invocation.json")), "shortlistRequests").ToList();

        var ready = new List<JsonElement>();
        foreach (var request in requests)
        {
            ready.AddRange(Messages(await OkAsync("BuildShortlist", RunningHandler.ServiceBusEnvelope("request", request.GetRawText())), "notifications"));
        }

        // One request and one version per requisition, however many pages the candidates came in.
        Assert.Equal(2, requests.Count);
        Assert.Equal(2, ready.Count);
        Assert.Empty(Messages(await OkAsync("ScheduleShortlists", RunningHandler.Fixture("timer-invocation.json")), "shortlistRequests"));
        foreach (var message in ready)
        {
            var body = await OkAsync("NotifyShortlist", RunningHandler.ServiceBusEnvelope("notification", message.GetRawText()));
            Assert.Equal(1, body.GetProperty("ReturnValue").GetProperty("emails").GetInt32());
        }

        Assert.Equal(2, Directory.GetFiles(Outbox("mail"), "*.eml").Length);
        Assert.Equal(2, Directory.GetFiles(Outbox("teams"), "*.json").Length);
        var delivery = await _handler.Services.GetRequiredService<ShortlistStore>()
            .FindByReferenceAsync(new Pipeline.Domain.Shortlists.Shortlist("ml-engineer-platform", 1, []).ReferenceToken, default);
        Assert.Matches("^<shortlist-ml-engineer-platform-v1-email-[0-9a-f]+@pipeline.local>$", delivery!.InternetMessageId);

        var again = await OkAsync("NotifyShortlist", RunningHandler.ServiceBusEnvelope("notification", ready[0].GetRawText(), deliveryCount: 2));
        Assert.False(again.GetProperty("ReturnValue").TryGetProperty("emails", out _));
        Assert.Equal(2, Directory.GetFiles(Outbox("mail"), "*.eml").Length);
    }

    [Fact]
    public async Task ScheduleShortlists_WhileCandidatesKeepChanging_Waits()
    {
        await using var patient = await RunningHandler.StartAsync(settings: new Dictionary<string, string?> { ["Pipeline:ShortlistQuietPeriod"] = "00:10:00" });
        var polled = await patient.PollFeedsAsync();
        foreach (var page in polled.Pages)
        {
            await patient.PostAsync("ScreenCandidates", RunningHandler.ServiceBusEnvelope("page", page.GetRawText()));
        }

        var (_, scheduled) = await patient.PostAsync("ScheduleShortlists", RunningHandler.Fixture("timer-invocation.json"));

        Assert.Empty(Messages(scheduled, "shortlistRequests"));
        Assert.Equal(2, scheduled.GetProperty("ReturnValue").GetProperty("waiting").GetInt32());
    }

    [Fact]
    public async Task NotifyShortlist_VersionThatDoesNotExist_IsRefusedSoTheHostRetries()
    {
        var (response, _) = await _handler.PostAsync("NotifyShortlist",
            RunningHandler.ServiceBusEnvelope("notification", new ShortlistReady { RequisitionId = "ml-engineer-platform", Version = 99 }));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task BuildShortlist_RedeliveredAfterItSavedAVersionThatWasNeverSent_QueuesThatVersionAgain()
    {
        // The first delivery saved version 1, then its process died before the message (and its output) was completed.
        await _handler.BuildShortlistAsync("ml-engineer-platform");

        var again = await OkAsync("BuildShortlist", RunningHandler.ServiceBusEnvelope("request", new ShortlistRequest { RequisitionId = "ml-engineer-platform" }, deliveryCount: 2));

        var ready = Assert.Single(Messages(again, "notifications"));
        Assert.Equal(1, ready.GetProperty("version").GetInt32());
    }

    [Fact]
    public async Task BuildShortlist_UnchangedAndAlreadySent_QueuesNothing()
    {
        await _handler.SendShortlistAsync("ml-engineer-platform");

        var again = await OkAsync("BuildShortlist", RunningHandler.ServiceBusEnvelope("request", new ShortlistRequest { RequisitionId = "ml-engineer-platform" }, deliveryCount: 2));

        Assert.Empty(Messages(again, "notifications"));
    }

    [Fact]
    public async Task BuildShortlist_ClosedOrUnknownRequisition_DoesNothing()
    {
        var body = await OkAsync("BuildShortlist", RunningHandler.ServiceBusEnvelope("request", new ShortlistRequest { RequisitionId = "no-such-requisition" }));
        Assert.Empty(Messages(body, "notifications"));
    }

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
}
