using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Pipeline.Testing;

namespace Pipeline.Functions.Tests;

/// <summary>
/// The mail intake paths against the Graph stand-in: the webhook's handshake and clientState check, lifecycle
/// events, and the Inbox subscription created, kept, renewed and recreated.
/// </summary>
public sealed class MailIntakeTests : IAsyncLifetime
{
    private const string ClientState = "a-random-client-state-secret-0123";
    private GraphStandIn _graph = null!;
    private RunningHandler _handler = null!;

    public async ValueTask InitializeAsync()
    {
        _graph = await GraphStandIn.StartAsync();
        _handler = await RunningHandler.StartAsync(settings: RunningHandler.GraphSettings(
            _graph,
            ("Graph:NotificationClientState", ClientState),
            ("Pipeline:PublicBaseUrl", "https://pipeline.contoso.example"),
            ("Pipeline:DecisionLinkKey", Convert.ToBase64String(new byte[32]))));
    }

    public async ValueTask DisposeAsync()
    {
        await _handler.DisposeAsync();
        await _graph.DisposeAsync();
    }

    private static string Http(string route, object? body = null, Dictionary<string, string>? query = null) => JsonSerializer.Serialize(new
    {
        Data = new { req = new { Url = $"https://pipeline.contoso.example/api/graph/{route}", Method = "POST", Query = query ?? [], Headers = new Dictionary<string, string[]>(), Body = body is null ? null : JsonSerializer.Serialize(body) } },
        Metadata = new { },
    });

    private static object Notifications(params (string ClientState, string Field, string Kind)[] items) => new
    {
        value = items.Select(i => new Dictionary<string, object>
        {
            ["subscriptionId"] = "sub-1", ["clientState"] = i.ClientState, [i.Field] = i.Kind, ["resource"] = "Users/x/Messages/AAMk1", ["tenantId"] = "t",
        }),
    };

    [Theory]
    [InlineData("MailWebhook", "notify")]
    [InlineData("MailLifecycle", "lifecycle")]
    public async Task ValidationHandshake_EchoesTheTokenAsPlainText(string function, string route)
    {
        var (_, body) = await _handler.PostAsync(function, Http(route, query: new Dictionary<string, string> { ["validationToken"] = "Validation: Testing client application reachability 2f8a" }));

        var res = body.GetProperty("Outputs").GetProperty("res");
        Assert.Equal(200, res.GetProperty("statusCode").GetInt32());
        Assert.Equal("text/plain", res.GetProperty("headers").GetProperty("Content-Type").GetString());
        Assert.Equal("Validation: Testing client application reachability 2f8a", res.GetProperty("body").GetString());
        Assert.Empty(RunningHandler.Messages(body, "sync"));
    }

    [Fact]
    public async Task Notifications_OnlyThoseWithOurClientState_WakeTheInboxRead_Once()
    {
        var (_, forged) = await _handler.PostAsync("MailWebhook", Http("notify", Notifications(("guessed", "changeType", "created"))));
        var (_, mixed) = await _handler.PostAsync("MailWebhook", Http("notify", Notifications((ClientState, "changeType", "created"), (ClientState, "changeType", "created"), ("guessed", "changeType", "created"))));

        Assert.Equal(202, forged.GetProperty("Outputs").GetProperty("res").GetProperty("statusCode").GetInt32());
        Assert.Empty(RunningHandler.Messages(forged, "sync"));
        Assert.Equal(1, forged.GetProperty("ReturnValue").GetProperty("notificationsRefused").GetInt32());
        Assert.Single(RunningHandler.Messages(mixed, "sync"));
        Assert.Equal(1, mixed.GetProperty("ReturnValue").GetProperty("notificationsRefused").GetInt32());
        var audited = 0;
        await foreach (var _ in _handler.Services.GetRequiredService<Pipeline.Core.Decisions.AuditStore>().ListAsync("graph-notifications", default))
        {
            audited++;
        }

        Assert.Equal(2, audited);
    }

    [Fact]
    public async Task Subscription_IsCreatedThenKept_AndRecreatedAfterGraphRemovedIt()
    {
        var (_, first) = await _handler.PostAsync("RenewMailSubscription", RunningHandler.Fixture("timer-invocation.json"));
        var (_, second) = await _handler.PostAsync("RenewMailSubscription", RunningHandler.Fixture("timer-invocation.json"));

        Assert.Equal(1, first.GetProperty("ReturnValue").GetProperty("subscription-created").GetInt32());
        Assert.Equal(1, second.GetProperty("ReturnValue").GetProperty("subscription-kept").GetInt32());
        var subscription = Assert.Single(_graph.Subscriptions);
        Assert.Equal("created", subscription["changeType"]!.GetValue<string>());
        Assert.Equal("/users/talent@contoso.example/mailFolders('inbox')/messages", subscription["resource"]!.GetValue<string>());
        Assert.Equal("https://pipeline.contoso.example/api/graph/notify", subscription["notificationUrl"]!.GetValue<string>());
        Assert.Equal("https://pipeline.contoso.example/api/graph/lifecycle", subscription["lifecycleNotificationUrl"]!.GetValue<string>());
        Assert.Equal(ClientState, subscription["clientState"]!.GetValue<string>());

        // Graph removed it and says so: the lifecycle event leads to a new subscription and a read of the Inbox.
        _graph.RemoveSubscriptions();
        var (_, lifecycle) = await _handler.PostAsync("MailLifecycle", Http("lifecycle", Notifications((ClientState, "lifecycleEvent", "subscriptionRemoved"))));
        var sync = Assert.Single(RunningHandler.Messages(lifecycle, "sync"));
        var (_, synced) = await _handler.PostAsync("SyncInbox", RunningHandler.ServiceBusEnvelope("sync", sync.GetRawText()));

        Assert.Equal(1, synced.GetProperty("ReturnValue").GetProperty("subscription-created").GetInt32());
        Assert.Single(_graph.Subscriptions);
        Assert.Contains(_graph.Requests, r => r.Path.Contains("/messages/delta", StringComparison.Ordinal));
    }

    [Fact]
    public async Task LifecycleEvent_NotOurs_IsRefused()
    {
        var (_, body) = await _handler.PostAsync("MailLifecycle", Http("lifecycle", Notifications(("guessed", "lifecycleEvent", "subscriptionRemoved"))));

        Assert.Empty(RunningHandler.Messages(body, "sync"));
        Assert.Equal(1, body.GetProperty("ReturnValue").GetProperty("notificationsRefused").GetInt32());
    }

    [Fact]
    public async Task LifecycleEvent_OursWithoutAnEvent_IsMalformed_NotRefused()
    {
        var notification = new { value = new[] { new Dictionary<string, object> { ["subscriptionId"] = "sub-1", ["clientState"] = ClientState, ["tenantId"] = "t" } } };

        var (_, body) = await _handler.PostAsync("MailLifecycle", Http("lifecycle", notification));

        Assert.Equal(400, body.GetProperty("Outputs").GetProperty("res").GetProperty("statusCode").GetInt32());
        Assert.Empty(RunningHandler.Messages(body, "sync"));
        Assert.Equal(1, body.GetProperty("ReturnValue").GetProperty("lifecycleMalformed").GetInt32());
        Assert.False(body.GetProperty("ReturnValue").TryGetProperty("notificationsRefused", out _));
        await foreach (var entry in _handler.Services.GetRequiredService<Pipeline.Core.Decisions.AuditStore>().ListAsync("graph-notifications", default))
        {
            Assert.NotEqual("lifecycle-refused", entry.GetString("Kind"));
        }
    }
}
