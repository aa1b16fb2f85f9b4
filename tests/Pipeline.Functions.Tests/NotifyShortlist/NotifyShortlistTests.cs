using System.Net;
using Pipeline.Core.Messages;

namespace Pipeline.Functions.Tests.NotifyShortlist;

/// <summary>Sending a built shortlist version to its recruiter and hiring manager.</summary>
public sealed class NotifyShortlistTests : IAsyncLifetime
{
    private RunningHandler _handler = null!;

    public async ValueTask InitializeAsync() => _handler = await RunningHandler.StartAsync();

    public async ValueTask DisposeAsync() => await _handler.DisposeAsync();

    [Fact]
    public async Task NotifyShortlist_VersionThatDoesNotExist_IsRefusedSoTheHostRetries()
    {
        var (response, _) = await _handler.PostAsync("NotifyShortlist",
            RunningHandler.ServiceBusEnvelope("notification", new ShortlistReady { RequisitionId = "ml-engineer-platform", Version = 99 }));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }
}
