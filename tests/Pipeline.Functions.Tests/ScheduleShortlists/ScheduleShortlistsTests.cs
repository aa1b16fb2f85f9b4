using System.Text.Json;

namespace Pipeline.Functions.Tests.ScheduleShortlists;

/// <summary>The timer that asks for shortlists once candidates have settled.</summary>
public sealed class ScheduleShortlistsTests
{
    private static IEnumerable<JsonElement> Messages(JsonElement body, string binding) => RunningHandler.Messages(body, binding);

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
}
