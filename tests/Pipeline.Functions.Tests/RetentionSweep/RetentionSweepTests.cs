using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Pipeline.Core.Candidates;
using Pipeline.Core;
using Pipeline.Storage;

namespace Pipeline.Functions.Tests.RetentionSweep;

/// <summary>RetentionSweep: records no feed has listed for the retention period go, people with nothing left go with their keys; old quarantine rows go.</summary>
public sealed class RetentionSweepTests
{
    [Fact]
    public async Task Sweep_RemovesWhatNoFeedListedForAYear_KeepsWhatAFeedStillLists()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 1, 5, 9, 0, 0, TimeSpan.Zero));
        await using var handler = await RunningHandler.StartAsync(time: time);
        await ScreenAllAsync(handler);
        var store = handler.Services.GetRequiredService<ITableStore>();
        var everyone = await CountAsync(store.GetTable(Tables.Candidates), "profile");
        var quarantined = await CountAsync(store.GetTable(Tables.Quarantine));

        // Half a year on, only the Northfield export changed and was read again: it still lists its graduates.
        time.Advance(TimeSpan.FromDays(200));
        var northfield = Path.Combine(handler.ConfigDirectory, "feeds", "northfield-university.csv");
        File.SetLastWriteTimeUtc(northfield, File.GetLastWriteTimeUtc(northfield).AddDays(1));
        var reread = await ScreenAllAsync(handler);
        Assert.True(reread > 0, "the Northfield feed was not read again");

        time.Advance(TimeSpan.FromDays(200));
        var (response, swept) = await handler.PostAsync("RetentionSweep", RunningHandler.Fixture("timer-invocation.json"));
        Assert.True(response.IsSuccessStatusCode, swept.ToString());
        var counts = swept.GetProperty("ReturnValue");

        var left = new List<string>();
        await foreach (var profile in handler.Services.GetRequiredService<CandidateStore>().ProfilesAsync(CancellationToken.None))
        {
            var (_, sources) = await handler.Services.GetRequiredService<CandidateStore>().GetAsync(profile.CandidateId, CancellationToken.None);
            Assert.All(sources, s => Assert.Equal("northfield-university", s.FeedId));
            left.Add(profile.CandidateId);
        }

        Assert.NotEmpty(left);
        Assert.True(counts.GetProperty("candidatesRemoved").GetInt32() > 0);
        Assert.Equal(everyone - left.Count, counts.GetProperty("candidatesRemoved").GetInt32());

        // No identity key points at someone who is gone; every quarantined row was older than 90 days.
        await foreach (var identity in store.GetTable(Tables.Identities).QueryAsync())
        {
            Assert.Contains(identity.GetString("Person"), left);
        }

        Assert.Equal(quarantined, counts.GetProperty("quarantineRemoved").GetInt32());
        Assert.Equal(0, await CountAsync(store.GetTable(Tables.Quarantine)));
    }

    [Fact]
    public async Task RereadingAnUnchangedFeedWithinAWeek_WritesNothing()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 1, 5, 9, 0, 0, TimeSpan.Zero));
        await using var handler = await RunningHandler.StartAsync(time: time);
        await ScreenAllAsync(handler);
        var table = handler.Services.GetRequiredService<ITableStore>().GetTable(Tables.Candidates);
        var before = await StampsAsync(table);

        time.Advance(TimeSpan.FromDays(3));
        var northfield = Path.Combine(handler.ConfigDirectory, "feeds", "northfield-university.csv");
        File.SetLastWriteTimeUtc(northfield, File.GetLastWriteTimeUtc(northfield).AddDays(1));
        Assert.True(await ScreenAllAsync(handler) > 0);

        Assert.Equal(before, await StampsAsync(table));
    }

    /// <summary>Reads the feeds and screens every page; returns how many candidates were screened.</summary>
    private static async Task<int> ScreenAllAsync(RunningHandler handler)
    {
        var screened = 0;
        foreach (var page in (await handler.PollFeedsAsync()).Pages)
        {
            var (response, body) = await handler.PostAsync("ScreenCandidates", RunningHandler.ServiceBusEnvelope("page", page.GetRawText()));
            Assert.True(response.IsSuccessStatusCode, body.ToString());
            screened += page.GetProperty("candidates").GetArrayLength();
        }

        return screened;
    }

    private static async Task<int> CountAsync(ITable table, string? rowKey = null)
    {
        var n = 0;
        await foreach (var entity in table.QueryAsync())
        {
            n += rowKey is null || entity.RowKey == rowKey ? 1 : 0;
        }

        return n;
    }

    private static async Task<List<string>> StampsAsync(ITable table)
    {
        var stamps = new List<string>();
        await foreach (var entity in table.QueryAsync())
        {
            stamps.Add($"{entity.PartitionKey}/{entity.RowKey}/{entity.ETag}");
        }

        return stamps;
    }
}
