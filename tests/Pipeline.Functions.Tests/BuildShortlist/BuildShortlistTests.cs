using System.Net;
using System.Text.Json;
using Pipeline.Core.Messages;

namespace Pipeline.Functions.Tests.BuildShortlist;

/// <summary>Building a requisition's shortlist version from a request, redelivered as the host would.</summary>
public sealed class BuildShortlistTests : IAsyncLifetime
{
    private RunningHandler _handler = null!;

    public async ValueTask InitializeAsync() => _handler = await RunningHandler.StartAsync();

    public async ValueTask DisposeAsync() => await _handler.DisposeAsync();

    private async Task<JsonElement> OkAsync(string function, string envelope)
    {
        var (response, body) = await _handler.PostAsync(function, envelope);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{function} answered {(int)response.StatusCode}: {body}");
        return body;
    }

    private static IEnumerable<JsonElement> Messages(JsonElement body, string binding) => RunningHandler.Messages(body, binding);

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
}
