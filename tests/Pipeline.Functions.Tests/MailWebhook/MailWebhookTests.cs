using Microsoft.Extensions.DependencyInjection;

namespace Pipeline.Functions.Tests.MailWebhook;

/// <summary>The Graph change-notification webhook: its validation handshake and the clientState check.</summary>
public sealed class MailWebhookTests : MailIntakeTests
{
    [Theory]
    [InlineData("MailWebhook", "notify")]
    [InlineData("MailLifecycle", "lifecycle")]
    public async Task ValidationHandshake_EchoesTheTokenAsPlainText(string function, string route)
    {
        var (_, body) = await Handler.PostAsync(function, Http(route, query: new Dictionary<string, string> { ["validationToken"] = "Validation: Testing client application reachability 2f8a" }));

        var res = body.GetProperty("Outputs").GetProperty("res");
        Assert.Equal(200, res.GetProperty("statusCode").GetInt32());
        Assert.Equal("text/plain", res.GetProperty("headers").GetProperty("Content-Type").GetString());
        Assert.Equal("Validation: Testing client application reachability 2f8a", res.GetProperty("body").GetString());
        Assert.Empty(RunningHandler.Messages(body, "sync"));
    }

    [Fact]
    public async Task Notifications_OnlyThoseWithOurClientState_WakeTheInboxRead_Once()
    {
        var (_, forged) = await Handler.PostAsync("MailWebhook", Http("notify", Notifications(("guessed", "changeType", "created"))));
        var (_, mixed) = await Handler.PostAsync("MailWebhook", Http("notify", Notifications((ClientState, "changeType", "created"), (ClientState, "changeType", "created"), ("guessed", "changeType", "created"))));

        Assert.Equal(202, forged.GetProperty("Outputs").GetProperty("res").GetProperty("statusCode").GetInt32());
        Assert.Empty(RunningHandler.Messages(forged, "sync"));
        Assert.Equal(1, forged.GetProperty("ReturnValue").GetProperty("notificationsRefused").GetInt32());
        Assert.Single(RunningHandler.Messages(mixed, "sync"));
        Assert.Equal(1, mixed.GetProperty("ReturnValue").GetProperty("notificationsRefused").GetInt32());
        var audited = 0;
        await foreach (var _ in Handler.Services.GetRequiredService<Pipeline.Core.Decisions.AuditStore>().ListAsync("graph-notifications", default))
        {
            audited++;
        }

        Assert.Equal(2, audited);
    }
}
