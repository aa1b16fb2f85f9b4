using System.Text.Json;

namespace Pipeline.Functions.Tests.RemindHiringManagers;

/// <summary>The timer that reminds a hiring manager of an undecided shortlist, then escalates to the recruiter.</summary>
public sealed class RemindHiringManagersTests : SentShortlistTests
{
    [Fact]
    public async Task UndecidedShortlist_RemindsTheManagerAfterThreeDays_ThenEscalatesAfterSix_EachOnce()
    {
        async Task<JsonElement> RemindAsync() => (await Handler.PostAsync("RemindHiringManagers", RunningHandler.Fixture("timer-invocation.json"))).Body.GetProperty("ReturnValue");

        var early = await RemindAsync();
        Clock.Advance(TimeSpan.FromDays(3));
        var reminded = await RemindAsync();
        var remindedAgain = await RemindAsync();
        Clock.Advance(TimeSpan.FromDays(3));
        var escalated = await RemindAsync();

        Assert.False(early.TryGetProperty("reminders", out _));
        Assert.Equal(1, reminded.GetProperty("reminders").GetInt32());
        Assert.False(remindedAgain.TryGetProperty("reminders", out _));
        Assert.Equal(1, escalated.GetProperty("escalations").GetInt32());
        Assert.Equal(1, escalated.GetProperty("notifications").GetInt32());
        Assert.Contains(Outbox("mail"), f => f.Contains("-reminder", StringComparison.Ordinal));
    }

    [Fact]
    public async Task DecidedShortlist_IsNotReminded()
    {
        await DeliverAsync("Yes to 1");
        Clock.Advance(TimeSpan.FromDays(7));

        var (_, body) = await Handler.PostAsync("RemindHiringManagers", RunningHandler.Fixture("timer-invocation.json"));

        Assert.False(body.GetProperty("ReturnValue").TryGetProperty("reminders", out _));
        Assert.False(body.GetProperty("ReturnValue").TryGetProperty("escalations", out _));
    }
}
