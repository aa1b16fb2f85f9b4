using System.Net;
using System.Text.Json;
using Pipeline.Core.Messages;

namespace Pipeline.Functions.Tests.Hosting;

/// <summary>The custom-handler protocol, checked on real Kestrel with host-shaped payloads.</summary>
public sealed class InvocationProtocolTests : IAsyncLifetime
{
    private RunningHandler _handler = null!;

    public async ValueTask InitializeAsync() => _handler = await RunningHandler.StartAsync();

    public async ValueTask DisposeAsync() => await _handler.DisposeAsync();

    [Fact]
    public async Task GetRoot_AnswersAtOnce_ForHostReadiness()
    {
        var response = await _handler.Client.GetAsync("/");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task PollFeeds_TimerPayload_AnswersOutputsLogsAndReturnValue()
    {
        var (response, body) = await _handler.PostAsync("PollFeeds", RunningHandler.Fixture("timer-invocation.json"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var reads = body.GetProperty("Outputs").GetProperty("feedReads");
        Assert.Equal(["deepforge-bootcamp", "lakeshore-tech", "northfield-university"], reads.EnumerateArray().Select(r => r.GetProperty("feedId").GetString()).Order());
        Assert.Equal(JsonValueKind.Array, body.GetProperty("Logs").ValueKind);
        Assert.Equal(3, body.GetProperty("ReturnValue").GetProperty("feedsStarted").GetInt32());
    }

    [Fact]
    public async Task ReadFeed_ServiceBusPayload_AnswersPagesAsObjectsWithCounts()
    {
        var runs = await _handler.PollFeedsAsync();

        Assert.Equal(3, runs.Pages.Count);
        Assert.All(runs.Pages, page =>
        {
            Assert.Equal(JsonValueKind.Object, page.ValueKind);
            Assert.True(page.GetProperty("candidates").GetArrayLength() > 0);
        });
        Assert.Equal(3, runs.Metric("feeds"));
        Assert.Equal(9, runs.Metric("quarantined"));
    }

    [Fact]
    public async Task ScreenCandidates_BodyAsJsonObject_IsAcceptedToo()
    {
        using var fixture = JsonDocument.Parse(RunningHandler.Fixture("servicebus-invocation.json"));
        var bodyText = fixture.RootElement.GetProperty("Data").GetProperty("page").GetString()!;
        var envelope = $$"""{ "Data": { "page": {{bodyText}} }, "Metadata": {} }""";

        var (response, body) = await _handler.PostAsync("ScreenCandidates", envelope);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(2, body.GetProperty("ReturnValue").GetProperty("new").GetInt32());
    }

    [Theory]
    [InlineData("{ this is not json", "not JSON")]
    [InlineData("{ \"Metadata\": {} }", "no 'Data' object")]
    [InlineData("{ \"Data\": { \"somethingElse\": 1 } }", "'page'")]
    [InlineData("{ \"Data\": { \"page\": \"\\\"just a string\\\"\" } }", "not a valid CandidatePage")]
    [InlineData("{ \"Data\": { \"page\": \"{\\\"feedId\\\": \\\"x\\\"}\" } }", "not a valid CandidatePage")]
    [InlineData("{ \"Data\": { \"page\": \"{ cut off\" } }", "not a valid CandidatePage")]
    public async Task MalformedEnvelope_Gets400ProblemWithAClearMessage_NoStackTrace(string envelope, string expected)
    {
        var (response, body) = await _handler.PostAsync("ScreenCandidates", envelope);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains(expected, body.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", body.GetRawText(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnknownFunction_Gets404Problem()
    {
        var (response, body) = await _handler.PostAsync("NoSuchFunction", RunningHandler.Fixture("timer-invocation.json"));
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains("NoSuchFunction", body.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }
}
