using System.Net;

namespace Pipeline.Functions.Tests.ScreenCandidates;

/// <summary>Storing a page of candidates from the feeds queue, once however often it is delivered.</summary>
public sealed class ScreenCandidatesTests : IAsyncLifetime
{
    private RunningHandler _handler = null!;

    public async ValueTask InitializeAsync() => _handler = await RunningHandler.StartAsync();

    public async ValueTask DisposeAsync() => await _handler.DisposeAsync();

    [Fact]
    public async Task ScreenCandidates_ServiceBusPayloadWithStringBody_StoresThem_AndTheTimerThenAsksForShortlists()
    {
        var (response, body) = await _handler.PostAsync("ScreenCandidates", RunningHandler.Fixture("servicebus-invocation.json"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(2, body.GetProperty("ReturnValue").GetProperty("new").GetInt32());
        Assert.Empty(body.GetProperty("Outputs").EnumerateObject());

        var (_, scheduled) = await _handler.PostAsync("ScheduleShortlists", RunningHandler.Fixture("timer-invocation.json"));
        var requests = scheduled.GetProperty("Outputs").GetProperty("shortlistRequests").EnumerateArray().ToList();
        Assert.Equal(["data-scientist-imaging", "ml-engineer-platform"], requests.Select(r => r.GetProperty("requisitionId").GetString()).Order());
    }

    [Fact]
    public async Task ScreenCandidates_Redelivered_FindsEveryoneUnchangedAndAsksForNothing()
    {
        await _handler.PostAsync("ScreenCandidates", RunningHandler.Fixture("servicebus-invocation.json"));
        var (response, body) = await _handler.PostAsync("ScreenCandidates", RunningHandler.Fixture("servicebus-invocation.json").Replace("\"DeliveryCount\": \"1\"", "\"DeliveryCount\": \"2\"", StringComparison.Ordinal));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(2, body.GetProperty("ReturnValue").GetProperty("unchanged").GetInt32());
        Assert.Empty(body.GetProperty("Outputs").EnumerateObject());
    }
}
