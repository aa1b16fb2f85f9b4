using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Pipeline.Core.Candidates;
using Pipeline.Core.Messages;
using Pipeline.Core.Shortlists;
using Pipeline.Domain.Candidates;
using Pipeline.Domain.Feeds;

namespace Pipeline.Functions.Tests.BuildShortlist;

/// <summary>
/// Re-scoring is incremental: a change marks out of date only the requisitions whose pool of qualifying candidates it
/// moves, and a rebuild ranks the pool instead of reading every candidate, unless the requisition's pool must be built
/// again.
/// </summary>
public sealed class BuildShortlistIncrementalTests : IAsyncLifetime
{
    private RunningHandler _handler = null!;

    public async ValueTask InitializeAsync()
    {
        _handler = await RunningHandler.StartAsync();
        await _handler.BuildShortlistAsync("ml-engineer-platform");
        await BuildAsync("data-scientist-imaging");
    }

    public async ValueTask DisposeAsync() => await _handler.DisposeAsync();

    private async Task<JsonElement> BuildAsync(string requisition)
    {
        var (response, built) = await _handler.PostAsync("BuildShortlist", RunningHandler.ServiceBusEnvelope("request", new ShortlistRequest { RequisitionId = requisition }));
        Assert.True(response.IsSuccessStatusCode, built.ToString());
        return built.GetProperty("ReturnValue");
    }

    private async Task<JsonElement> ScreenAsync(params CandidateRecord[] records)
    {
        var page = new CandidatePage
        {
            FeedId = "northfield-university", FeedKind = FeedKind.University, Source = "Northfield University Careers Office",
            RunStarted = new DateTimeOffset(2026, 12, 1, 9, 0, 0, TimeSpan.Zero), PageNumber = 1, Candidates = records,
        };
        var (response, screened) = await _handler.PostAsync("ScreenCandidates", RunningHandler.ServiceBusEnvelope("page", page));
        Assert.True(response.IsSuccessStatusCode, screened.ToString());
        return screened.GetProperty("ReturnValue");
    }

    private Task<(DateTimeOffset, Azure.ETag)?> DirtyAsync(string requisition) =>
        _handler.Services.GetRequiredService<ShortlistStore>().GetDirtyAsync(requisition, CancellationToken.None);

    [Fact]
    public async Task NewCandidate_MarksOnlyTheRequisitionTheyQualifyFor()
    {
        Assert.Null(await DirtyAsync("ml-engineer-platform"));
        Assert.Null(await DirtyAsync("data-scientist-imaging"));

        var screened = await ScreenAsync(new CandidateRecord { Email = "kim.park@students.northfield.example", Skills = ["PyTorch", "Kubeflow", "Kubernetes", "MLflow", "Docker"] });

        Assert.Equal(1, screened.GetProperty("requisitionsAffected").GetInt32());
        Assert.NotNull(await DirtyAsync("ml-engineer-platform"));
        Assert.Null(await DirtyAsync("data-scientist-imaging"));
    }

    [Fact]
    public async Task CandidateWhoQualifiesForNothing_MarksNothing()
    {
        var screened = await ScreenAsync(new CandidateRecord { Email = "lee.wu@students.northfield.example", Skills = ["Excel"] });

        Assert.Equal(1, screened.GetProperty("new").GetInt32());
        Assert.Equal(0, screened.GetProperty("requisitionsAffected").GetInt32());
        Assert.Null(await DirtyAsync("ml-engineer-platform"));
        Assert.Null(await DirtyAsync("data-scientist-imaging"));
    }

    [Fact]
    public async Task Rebuild_RanksThePool_AndANewTopCandidateEntersTheShortlist()
    {
        var email = "kim.park@students.northfield.example";
        await ScreenAsync(new CandidateRecord { Email = email, Skills = ["PyTorch", "Kubeflow", "Kubernetes", "MLflow", "Docker"] });
        var rebuilt = await BuildAsync("ml-engineer-platform");

        Assert.False(rebuilt.TryGetProperty("fullRescore", out _));
        var pool = rebuilt.GetProperty("pool").GetInt32();
        Assert.True(rebuilt.GetProperty("scored").GetInt32() <= Math.Max(pool, 20), rebuilt.ToString());
        Assert.True(rebuilt.GetProperty("scored").GetInt32() < 67, "the rebuild read every candidate");

        var store = _handler.Services.GetRequiredService<ShortlistStore>();
        var latest = await store.GetAsync("ml-engineer-platform", (await store.GetLatestVersionAsync("ml-engineer-platform", CancellationToken.None))!.Value, CancellationToken.None);
        Assert.Contains(latest!.Members, m => m.CandidateId == CandidateId.FromEmail(email));
    }

    [Fact]
    public async Task InvalidatedPool_IsBuiltAgainFromEveryCandidate_WithTheSameShortlist()
    {
        var store = _handler.Services.GetRequiredService<ShortlistStore>();
        var before = await store.GetLatestVersionAsync("ml-engineer-platform", CancellationToken.None);
        await _handler.Services.GetRequiredService<PoolStore>().InvalidateAsync("ml-engineer-platform", CancellationToken.None);

        var rebuilt = await BuildAsync("ml-engineer-platform");

        Assert.Equal(1, rebuilt.GetProperty("fullRescore").GetInt32());
        Assert.Equal(before, await store.GetLatestVersionAsync("ml-engineer-platform", CancellationToken.None)); // same members: no new version
    }

    [Fact]
    public async Task MemberWhoNoLongerQualifies_LeavesThePoolAndTheShortlist()
    {
        var store = _handler.Services.GetRequiredService<ShortlistStore>();
        var first = await store.GetAsync("ml-engineer-platform", (await store.GetLatestVersionAsync("ml-engineer-platform", CancellationToken.None))!.Value, CancellationToken.None);
        var member = first!.Members[0];
        var (_, sources) = await _handler.Services.GetRequiredService<CandidateStore>().GetAsync(member.CandidateId, CancellationToken.None);

        // The feed now lists the member without Kubeflow, a required skill.
        var page = new CandidatePage
        {
            FeedId = sources[0].FeedId, FeedKind = sources[0].FeedKind, Source = sources[0].Source,
            RunStarted = new DateTimeOffset(2026, 12, 2, 9, 0, 0, TimeSpan.Zero), PageNumber = 1,
            Candidates = [sources[0].Record with { Skills = sources[0].Record.Skills.Where(s => s != "Kubeflow").ToList() }],
        };
        var (_, screened) = await _handler.PostAsync("ScreenCandidates", RunningHandler.ServiceBusEnvelope("page", page));
        Assert.True(screened.GetProperty("ReturnValue").GetProperty("requisitionsAffected").GetInt32() >= 1, screened.ToString());

        await BuildAsync("ml-engineer-platform");
        var latest = await store.GetAsync("ml-engineer-platform", (await store.GetLatestVersionAsync("ml-engineer-platform", CancellationToken.None))!.Value, CancellationToken.None);
        Assert.DoesNotContain(latest!.Members, m => m.CandidateId == member.CandidateId);
        Assert.DoesNotContain(await _handler.Services.GetRequiredService<PoolStore>().ReadAsync("ml-engineer-platform", CancellationToken.None), e => e.CandidateId == member.CandidateId);
    }
}
