using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Pipeline.Core.Messages;

namespace Pipeline.Functions.Tests.Support;

/// <summary>The real handler on real Kestrel, bound to a free loopback port, with its own config and data folders.</summary>
public sealed class RunningHandler : IAsyncDisposable
{
    private readonly WebApplication _app;

    private RunningHandler(WebApplication app, HttpClient client, string root)
    {
        _app = app;
        Client = client;
        Root = root;
    }

    public HttpClient Client { get; }

    public string Root { get; }

    public string DataDirectory => Path.Combine(Root, "data");

    public string ConfigDirectory => Path.Combine(Root, "config");

    public IServiceProvider Services => _app.Services;

    public static async Task<RunningHandler> StartAsync(
        Action<string>? prepareConfig = null, IDictionary<string, string?>? settings = null, TimeProvider? time = null, Action<WebApplicationBuilder>? configure = null)
    {
        var root = Path.Combine(Path.GetTempPath(), "pipeline-tests", Guid.NewGuid().ToString("N"));
        CopyDirectory(Path.Combine(AppContext.BaseDirectory, "samples"), Path.Combine(root, "config"));
        prepareConfig?.Invoke(Path.Combine(root, "config"));
        var values = new Dictionary<string, string?>
        {
            ["Pipeline:ConfigDirectory"] = Path.Combine(root, "config"),
            ["Pipeline:DataDirectory"] = Path.Combine(root, "data"),
            ["FUNCTIONS_APP_ROOT_PATH"] = AppContext.BaseDirectory,
            // Tests chain the functions by hand; shortlists are due as soon as candidates change.
            ["Pipeline:ShortlistQuietPeriod"] = "00:00:00",
            // Each PollFeeds a test posts reads every feed, as `pipeline run --once` does.
            ["Pipeline:IgnoreFeedSchedules"] = "true",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            values[key] = value;
        }

        var (app, address) = await HandlerApp.StartOnLoopbackAsync(values, builder =>
        {
            builder.Logging.ClearProviders();
            if (time is not null)
            {
                builder.Services.AddSingleton(time);
            }

            configure?.Invoke(builder);
        });
        return new RunningHandler(app, new HttpClient { BaseAddress = address }, root);
    }

    /// <summary>The settings that send through a Graph stand-in, from the shared mailbox the tests use, plus any others.</summary>
    public static Dictionary<string, string?> GraphSettings(Pipeline.Testing.GraphStandIn graph, params (string Key, string Value)[] more)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Graph:BaseUrl"] = graph.BaseUrl,
            ["Graph:Mailbox"] = "talent@contoso.example",
            ["Graph:AccessToken"] = "test-token",
        };
        foreach (var (key, value) in more)
        {
            settings[key] = value;
        }

        return settings;
    }

    public static string Fixture(string name) => File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Fixtures", name));

    public async Task<(HttpResponseMessage Response, JsonElement Body)> PostAsync(string function, string json)
    {
        var response = await Client.PostAsync(function, new StringContent(json, System.Text.Encoding.UTF8, "application/json"));
        var text = await response.Content.ReadAsStringAsync();
        return (response, text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone());
    }

    /// <summary>
    /// Posts PollFeeds, then delivers to ReadFeed every <c>feedreads</c> message it sends and every continuation those
    /// send, as the host would, until the feed runs are done.
    /// </summary>
    public async Task<FeedRuns> PollFeedsAsync()
    {
        var (response, polled) = await PostAsync("PollFeeds", Fixture("timer-invocation.json"));
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"PollFeeds answered {(int)response.StatusCode}: {polled}");
        }

        var runs = new FeedRuns(polled);
        var pending = new Queue<JsonElement>(Messages(polled, "feedReads"));
        while (pending.TryDequeue(out var request))
        {
            var (readResponse, read) = await PostAsync("ReadFeed", ServiceBusEnvelope("request", request.GetRawText()));
            if (!readResponse.IsSuccessStatusCode)
            {
                throw new InvalidOperationException($"ReadFeed answered {(int)readResponse.StatusCode}: {read}");
            }

            runs.Reads.Add(read);
            runs.Pages.AddRange(Messages(read, "candidatePages"));
            foreach (var next in Messages(read, "continuation"))
            {
                pending.Enqueue(next);
            }
        }

        return runs;
    }

    /// <summary>
    /// Reads the feeds, screens every page and builds one requisition's shortlist through the functions; returns the
    /// <c>notifications</c> message BuildShortlist sent (a ShortlistReady), not yet delivered.
    /// </summary>
    public async Task<JsonElement> BuildShortlistAsync(string requisitionId = "ml-engineer-platform")
    {
        foreach (var page in (await PollFeedsAsync()).Pages)
        {
            await PostAsync("ScreenCandidates", ServiceBusEnvelope("page", page.GetRawText()));
        }

        var (_, built) = await PostAsync("BuildShortlist", ServiceBusEnvelope("request", new Pipeline.Core.Messages.ShortlistRequest { RequisitionId = requisitionId }));
        return Messages(built, "notifications")[0];
    }

    /// <summary>The same, then delivered by NotifyShortlist.</summary>
    public async Task<JsonElement> SendShortlistAsync(string requisitionId = "ml-engineer-platform")
    {
        var ready = await BuildShortlistAsync(requisitionId);
        await PostAsync("NotifyShortlist", ServiceBusEnvelope("notification", ready.GetRawText()));
        return ready;
    }

    /// <summary>The messages an invocation sent through one output binding.</summary>
    public static IReadOnlyList<JsonElement> Messages(JsonElement body, string binding) =>
        body.GetProperty("Outputs").TryGetProperty(binding, out var value) ? value.EnumerateArray().ToList() : [];

    /// <summary>Wraps a message body the way the host delivers Service Bus messages: as a JSON string.</summary>
    public static string ServiceBusEnvelope(string bindingName, object body, int deliveryCount = 1) =>
        JsonSerializer.Serialize(new
        {
            Data = new Dictionary<string, object> { [bindingName] = body as string ?? JsonSerializer.Serialize(body, Pipeline.Domain.DomainJson.Options) },
            Metadata = new Dictionary<string, object>
            {
                ["DeliveryCount"] = deliveryCount.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["MessageId"] = "\"" + Guid.NewGuid() + "\"",
            },
        });

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // Harmless leftover in the temp folder.
        }
    }

    private static void CopyDirectory(string from, string to)
    {
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }
}

/// <summary>What one PollFeeds and the ReadFeed invocations it led to answered.</summary>
public sealed class FeedRuns(JsonElement poll)
{
    public JsonElement Poll { get; } = poll;

    public List<JsonElement> Reads { get; } = [];

    public List<JsonElement> Pages { get; } = [];

    /// <summary>A count summed over the ReadFeed invocations (their ReturnValue).</summary>
    public long Metric(string name) => Reads.Sum(r =>
        r.TryGetProperty("ReturnValue", out var counts) && counts.ValueKind == JsonValueKind.Object && counts.TryGetProperty(name, out var n) ? n.GetInt64() : 0);

    public IEnumerable<string> Logs => Reads.SelectMany(r => r.GetProperty("Logs").EnumerateArray().Select(l => l.GetString()!));
}
