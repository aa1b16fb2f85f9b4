namespace Pipeline.Functions.Tests.RenewMailSubscription;

/// <summary>The Inbox subscription created, kept, and recreated after Graph removed it.</summary>
public sealed class RenewMailSubscriptionTests : MailIntakeTests
{
    [Fact]
    public async Task Subscription_IsCreatedThenKept_AndRecreatedAfterGraphRemovedIt()
    {
        var (_, first) = await Handler.PostAsync("RenewMailSubscription", RunningHandler.Fixture("timer-invocation.json"));
        var (_, second) = await Handler.PostAsync("RenewMailSubscription", RunningHandler.Fixture("timer-invocation.json"));

        Assert.Equal(1, first.GetProperty("ReturnValue").GetProperty("subscription-created").GetInt32());
        Assert.Equal(1, second.GetProperty("ReturnValue").GetProperty("subscription-kept").GetInt32());
        var subscription = Assert.Single(Graph.Subscriptions);
        Assert.Equal("created", subscription["changeType"]!.GetValue<string>());
        Assert.Equal("/users/talent@contoso.example/mailFolders('inbox')/messages", subscription["resource"]!.GetValue<string>());
        Assert.Equal("https://pipeline.contoso.example/api/graph/notify", subscription["notificationUrl"]!.GetValue<string>());
        Assert.Equal("https://pipeline.contoso.example/api/graph/lifecycle", subscription["lifecycleNotificationUrl"]!.GetValue<string>());
        Assert.Equal(ClientState, subscription["clientState"]!.GetValue<string>());

        // Graph removed it and says so: the lifecycle event leads to a new subscription and a read of the Inbox.
        Graph.RemoveSubscriptions();
        var (_, lifecycle) = await Handler.PostAsync("MailLifecycle", Http("lifecycle", Notifications((ClientState, "lifecycleEvent", "subscriptionRemoved"))));
        var sync = Assert.Single(RunningHandler.Messages(lifecycle, "sync"));
        var (_, synced) = await Handler.PostAsync("SyncInbox", RunningHandler.ServiceBusEnvelope("sync", sync.GetRawText()));

        Assert.Equal(1, synced.GetProperty("ReturnValue").GetProperty("subscription-created").GetInt32());
        Assert.Single(Graph.Subscriptions);
        Assert.Contains(Graph.Requests, r => r.Path.Contains("/messages/delta", StringComparison.Ordinal));
    }
}
