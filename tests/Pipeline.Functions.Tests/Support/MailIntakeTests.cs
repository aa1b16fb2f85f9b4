using System.Text.Json;
using Pipeline.Testing;

namespace Pipeline.Functions.Tests.Support;

/// <summary>
/// The mail intake functions (webhook, lifecycle, subscription renewal) run against the Graph stand-in with our
/// clientState and public base URL.
/// </summary>
public abstract class MailIntakeTests : IAsyncLifetime
{
    protected const string ClientState = "a-random-client-state-secret-0123";
    protected GraphStandIn Graph { get; private set; } = null!;

    protected RunningHandler Handler { get; private set; } = null!;

    public virtual async ValueTask InitializeAsync()
    {
        Graph = await GraphStandIn.StartAsync();
        Handler = await RunningHandler.StartAsync(settings: RunningHandler.GraphSettings(
            Graph,
            ("Graph:NotificationClientState", ClientState),
            ("Pipeline:PublicBaseUrl", "https://pipeline.contoso.example"),
            ("Pipeline:DecisionLinkKey", Convert.ToBase64String(new byte[32]))));
    }

    public virtual async ValueTask DisposeAsync()
    {
        await Handler.DisposeAsync();
        await Graph.DisposeAsync();
    }

    protected static string Http(string route, object? body = null, Dictionary<string, string>? query = null) => JsonSerializer.Serialize(new
    {
        Data = new { req = new { Url = $"https://pipeline.contoso.example/api/graph/{route}", Method = "POST", Query = query ?? [], Headers = new Dictionary<string, string[]>(), Body = body is null ? null : JsonSerializer.Serialize(body) } },
        Metadata = new { },
    });

    protected static object Notifications(params (string ClientState, string Field, string Kind)[] items) => new
    {
        value = items.Select(i => new Dictionary<string, object>
        {
            ["subscriptionId"] = "sub-1", ["clientState"] = i.ClientState, [i.Field] = i.Kind, ["resource"] = "Users/x/Messages/AAMk1", ["tenantId"] = "t",
        }),
    };
}
