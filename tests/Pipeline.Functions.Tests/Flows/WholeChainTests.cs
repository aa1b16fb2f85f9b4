using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Pipeline.Core.Shortlists;

namespace Pipeline.Functions.Tests.Flows;

/// <summary>The functions chained by hand through the handler, as the host would chain them.</summary>
public sealed class WholeChainTests : IAsyncLifetime
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
}
