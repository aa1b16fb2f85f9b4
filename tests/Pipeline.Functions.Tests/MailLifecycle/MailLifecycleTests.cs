using Microsoft.Extensions.DependencyInjection;

namespace Pipeline.Functions.Tests.MailLifecycle;

/// <summary>Graph's lifecycle events for the Inbox subscription: only ours are acted on.</summary>
public sealed class MailLifecycleTests : MailIntakeTests
{
    [Fact]
    public async Task LifecycleEvent_NotOurs_IsRefused()
    {
        var (_, body) = await Handler.PostAsync("MailLifecycle", Http("lifecycle", Notifications(("guessed", "lifecycleEvent", "subscriptionRemoved"))));

        Assert.Empty(RunningHandler.Messages(body, "sync"));
        Assert.Equal(1, body.GetProperty("ReturnValue").GetProperty("notificationsRefused").GetInt32());
    }

    [Fact]
    public async Task LifecycleEvent_OursWithoutAnEvent_IsMalformed_NotRefused()
    {
        var notification = new { value = new[] { new Dictionary<string, object> { ["subscriptionId"] = "sub-1", ["clientState"] = ClientState, ["tenantId"] = "t" } } };

        var (_, body) = await Handler.PostAsync("MailLifecycle", Http("lifecycle", notification));

        Assert.Equal(400, body.GetProperty("Outputs").GetProperty("res").GetProperty("statusCode").GetInt32());
        Assert.Empty(RunningHandler.Messages(body, "sync"));
        Assert.Equal(1, body.GetProperty("ReturnValue").GetProperty("lifecycleMalformed").GetInt32());
        Assert.False(body.GetProperty("ReturnValue").TryGetProperty("notificationsRefused", out _));
        await foreach (var entry in Handler.Services.GetRequiredService<Pipeline.Core.Decisions.AuditStore>().ListAsync("graph-notifications", default))
        {
            Assert.NotEqual("lifecycle-refused", entry.GetString("Kind"));
        }
    }
}
