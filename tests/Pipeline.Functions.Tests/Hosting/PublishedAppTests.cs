using System.Diagnostics;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Pipeline.Functions.Hosting;
using Pipeline.Functions.Tests.Deployment;

namespace Pipeline.Functions.Tests.Hosting;

/// <summary><c>dotnet publish</c> of the function app yields a complete custom-handler app folder.</summary>
public sealed class PublishedAppTests : IAsyncLifetime
{
    private readonly string _output = Path.Combine(Path.GetTempPath(), "pipeline-tests", "publish-" + Guid.NewGuid().ToString("N"));

    public async ValueTask InitializeAsync()
    {
        var project = Path.Combine(Pipeline.Testing.Repository.Root, "src", "Pipeline.Functions", "Pipeline.Functions.csproj");
        var start = new ProcessStartInfo("dotnet", ["publish", project, "-c", "Release", "-o", _output, "--nologo"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, $"dotnet publish failed:\n{await stdout}\n{await stderr}");
    }

    public ValueTask DisposeAsync()
    {
        try
        {
            Directory.Delete(_output, recursive: true);
        }
        catch (IOException)
        {
            // Harmless leftover in the temp folder.
        }

        return ValueTask.CompletedTask;
    }

    [Fact]
    public async Task PublishedFolder_IsACompleteCustomHandlerApp_WhoseDeclarationsMatchTheHandlers()
    {
        using var host = JsonDocument.Parse(File.ReadAllText(Path.Combine(_output, "host.json")));
        var description = host.RootElement.GetProperty("customHandler").GetProperty("description");
        Assert.Equal("dotnet", description.GetProperty("defaultExecutablePath").GetString());
        var entry = description.GetProperty("arguments")[0].GetString()!;
        Assert.True(File.Exists(Path.Combine(_output, entry)), $"host.json starts {entry}, which is not in the published folder");
        Assert.True(File.Exists(Path.Combine(_output, Path.ChangeExtension(entry, ".runtimeconfig.json"))));

        // Precompiled (ReadyToRun) for linux-x64, what Flex Consumption runs: a new instance runs native code at once.
        using (var deps = JsonDocument.Parse(File.ReadAllText(Path.Combine(_output, Path.ChangeExtension(entry, ".deps.json")))))
        {
            Assert.EndsWith("/linux-x64", deps.RootElement.GetProperty("runtimeTarget").GetProperty("name").GetString());
        }

        foreach (var assembly in (string[])[entry, "Pipeline.Domain.dll", "Pipeline.Storage.dll"])
        {
            using var pe = new System.Reflection.PortableExecutable.PEReader(File.OpenRead(Path.Combine(_output, assembly)));
            Assert.True(pe.PEHeaders.CorHeader?.ManagedNativeHeaderDirectory.Size > 0, $"{assembly} is not precompiled (ReadyToRun).");
        }
        Assert.StartsWith("[4.", host.RootElement.GetProperty("extensionBundle").GetProperty("version").GetString(), StringComparison.Ordinal);

        // What Azure needs besides: Flex's custom-handler marker, the configuration the Bicep app settings point at
        // (Pipeline__ConfigDirectory = config), and the certification catalogue.
        Assert.True(File.Exists(Path.Combine(_output, ".azurefunctions", "empty.txt")));
        Assert.True(File.Exists(Path.Combine(_output, "config", "feeds.json")));
        Assert.True(File.Exists(Path.Combine(_output, "config", "requisitions.json")));
        Assert.True(File.Exists(Path.Combine(_output, "catalogue", "certifications.json")));

        // The Teams tab serves the Teams JavaScript library from the package (never a CDN): it travels in the assembly.
        Assert.True(File.ReadAllBytes(Path.Combine(_output, entry)).AsSpan().IndexOf("@microsoft/teams-js 2.58.0"u8) >= 0, "The published assembly lacks the Teams JavaScript library.");

        var declared = FunctionCatalog.Load(_output);
        Assert.Equal(["BuildShortlist", "CatchUpReplies", "Decision", "Health", "MailLifecycle", "MailWebhook", "NotifyShortlist", "PollFeeds", "ProcessReply", "ReadFeed", "RemindHiringManagers", "RenewMailSubscription", "RetentionSweep", "ReverifyCertifications", "ScheduleShortlists", "ScreenCandidates", "SyncInbox", "TeamsShortlist", "TeamsTab", "VerifyCertifications"], declared.Select(f => f.Name).Order());

        // The handler's route table: every registered function, with the trigger its code takes.
        await using var handler = await RunningHandler.StartAsync(settings: new Dictionary<string, string?> { ["FUNCTIONS_APP_ROOT_PATH"] = _output });
        var functions = handler.Services.GetServices<IPipelineFunction>().ToDictionary(f => f.Name);
        Assert.Equal(declared.Select(f => f.Name).Order(), functions.Keys.Order());
        foreach (var function in declared)
        {
            Assert.Equal(functions[function.Name].TriggerType, function.Trigger.Type);
        }
    }


    /// <summary>
    /// The handler process dies after Graph accepted the shortlist email and before the send was recorded; the host
    /// redelivers the message to a new process, which finds the email in Sent Items by its effect header and does not
    /// send it again.
    /// </summary>
    [Fact]
    public async Task HandlerKilledBetweenSendAndRecord_DoesNotSendTwiceAfterRedelivery()
    {
        await using var graph = await Pipeline.Testing.GraphStandIn.StartAsync();
        var graphSettings = RunningHandler.GraphSettings(graph);

        // The shortlist is built in-process, on the data folder the handler process then uses.
        await using var prepared = await RunningHandler.StartAsync(settings: graphSettings);
        var ready = (await prepared.BuildShortlistAsync()).GetRawText();

        await NotifyAndKillAfterSendAsync(graph, prepared, graphSettings, ready);
        Assert.Single(graph.SendMails);

        // The host redelivers once the message lock ends (5 minutes), when the dead process's claim on the email has
        // gone stale; the clock is moved past the claim's lease by ageing it.
        var effects = prepared.Services.GetRequiredService<Pipeline.Storage.ITableStore>().GetTable(Pipeline.Core.Tables.Effects);
        await foreach (var intent in effects.QueryAsync())
        {
            if (intent.GetString("Status") == "intent")
            {
                intent["IntentAt"] = intent.GetDateTimeOffset("IntentAt")!.Value - TimeSpan.FromMinutes(7);
                await effects.UpsertAsync(intent);
            }
        }

        using var restarted = await StartHandlerAsync(prepared, graphSettings, out var port);
        using var http2 = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/") };
        var redelivered = await http2.PostAsync("NotifyShortlist", Content(RunningHandler.ServiceBusEnvelope("notification", ready, deliveryCount: 2)));
        restarted.Kill(entireProcessTree: true);

        Assert.True(redelivered.IsSuccessStatusCode, await redelivered.Content.ReadAsStringAsync());
        Assert.Single(graph.SendMails);
        Assert.Equal(1, graph.SentItemCount);
        Assert.Single(graph.Activities); // the notification the first process never reached is sent now
    }

    /// <summary>
    /// A start does not load the Graph SDK (48 MB, not precompiled): every scale-out would pay for it before its first
    /// answer (#20), although only the functions that send or read mail use it.
    /// </summary>
    [Fact]
    public async Task PublishedHandler_AnswersItsFirstRequests_WithoutLoadingTheGraphSdk()
    {
        await using var prepared = await RunningHandler.StartAsync();
        using var handler = await StartHandlerAsync(prepared, [], out var port);
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/") };
        var health = await http.PostAsync("Health", Content("""{ "Data": { "req": { "Url": "http://localhost/api/health", "Method": "GET" } }, "Metadata": {} }"""));
        var maps = await File.ReadAllTextAsync($"/proc/{handler.Id}/maps");
        handler.Kill(entireProcessTree: true);

        Assert.True(health.IsSuccessStatusCode, await health.Content.ReadAsStringAsync());
        Assert.Contains("Pipeline.Core.dll", maps, StringComparison.Ordinal); // what the check reads is the process's map
        Assert.DoesNotContain("Microsoft.Graph.dll", maps, StringComparison.Ordinal);
    }

    /// <summary>
    /// The same crash, redelivered at once (as when the host was about to renew the message lock): the new process
    /// waits for the dead one's claim to go stale, one lease, and then takes it over, instead of answering 503 until
    /// the message is dead-lettered. The email is found in Sent Items, not sent again.
    /// </summary>
    [Fact]
    public async Task HandlerKilledBetweenSendAndRecord_RedeliveredAtOnce_WaitsOutTheDeadClaim_AndDoesNotSendTwice()
    {
        await using var graph = await Pipeline.Testing.GraphStandIn.StartAsync();
        var settings = RunningHandler.GraphSettings(graph); // the default lease, a minute
        await using var prepared = await RunningHandler.StartAsync(settings: settings);
        var ready = (await prepared.BuildShortlistAsync()).GetRawText();

        await NotifyAndKillAfterSendAsync(graph, prepared, settings, ready);

        using var restarted = await StartHandlerAsync(prepared, settings, out var port);
        using var http2 = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/"), Timeout = TimeSpan.FromMinutes(3) };
        var waited = Stopwatch.StartNew();
        var redelivered = await http2.PostAsync("NotifyShortlist", Content(RunningHandler.ServiceBusEnvelope("notification", ready, deliveryCount: 2)));
        restarted.Kill(entireProcessTree: true);

        Assert.True(redelivered.IsSuccessStatusCode, await redelivered.Content.ReadAsStringAsync());
        Assert.InRange(waited.Elapsed, TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(150)); // it did wait for the claim
        Assert.Single(graph.SendMails);
        Assert.Equal(1, graph.SentItemCount);
    }

    /// <summary>
    /// Delivers the shortlist's notification message to a published handler process, which is killed the moment Graph
    /// has accepted the email (before the send is recorded).
    /// </summary>
    private async Task NotifyAndKillAfterSendAsync(Pipeline.Testing.GraphStandIn graph, RunningHandler prepared, Dictionary<string, string?> settings, string ready)
    {
        Process? handler = null;
        graph.AfterSendMail = () => handler?.Kill(entireProcessTree: true);
        handler = await StartHandlerAsync(prepared, settings, out var port);
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/") };
        await Assert.ThrowsAnyAsync<HttpRequestException>(() => http.PostAsync("NotifyShortlist", Content(RunningHandler.ServiceBusEnvelope("notification", ready))));
        await handler.WaitForExitAsync();
        handler.Dispose();
        graph.AfterSendMail = null;
    }

    private static StringContent Content(string json) => new(json, System.Text.Encoding.UTF8, "application/json");

    [Fact]
    public async Task PublishedHandler_WithBadSettings_StopsWithOneLinePerProblem_NotAStackTrace()
    {
        var start = new ProcessStartInfo("dotnet", [Path.Combine(_output, "Pipeline.Functions.dll")])
        {
            WorkingDirectory = _output, RedirectStandardOutput = true, RedirectStandardError = true,
        };
        start.Environment["FUNCTIONS_APP_ROOT_PATH"] = _output;
        start.Environment["Pipeline__ConfigDirectory"] = Path.Combine(_output, "config");
        start.Environment["Pipeline__DataDirectory"] = Path.Combine(_output, "data");
        start.Environment["Pipeline__MaxRequestBytes"] = "1";
        start.Environment["Pipeline__EffectLease"] = "00:00:01";
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        _ = process.StandardOutput.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);

        var lines = (await stderr).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Equal(1, process.ExitCode);
        Assert.True(lines.Length == 2, string.Join("\n", lines));
        Assert.All(lines, l => Assert.StartsWith("Pipeline.Functions cannot start: ", l, StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("Pipeline:MaxRequestBytes", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("Pipeline:EffectLease", StringComparison.Ordinal));
    }

    /// <summary>Starts the published handler as the Functions host does: its own process, told its port by environment variable.</summary>
    private Task<Process> StartHandlerAsync(RunningHandler prepared, Dictionary<string, string?> settings, out int port)
    {
        var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        var start = new ProcessStartInfo("dotnet", [Path.Combine(_output, "Pipeline.Functions.dll")])
        {
            WorkingDirectory = _output, RedirectStandardOutput = true, RedirectStandardError = true,
        };
        start.Environment["FUNCTIONS_CUSTOMHANDLER_PORT"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        start.Environment["FUNCTIONS_APP_ROOT_PATH"] = _output;
        start.Environment["Pipeline__ConfigDirectory"] = prepared.ConfigDirectory;
        start.Environment["Pipeline__DataDirectory"] = prepared.DataDirectory;
        foreach (var (key, value) in settings)
        {
            start.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }

        var process = Process.Start(start)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return WaitUntilReadyAsync(process, port);
    }

    private static async Task<Process> WaitUntilReadyAsync(Process process, int port)
    {
        using var probe = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        for (var attempt = 0; attempt < 100; attempt++)
        {
            try
            {
                if ((await probe.GetAsync($"http://127.0.0.1:{port}/")).IsSuccessStatusCode)
                {
                    return process;
                }
            }
            catch (HttpRequestException)
            {
            }

            Assert.False(process.HasExited, "the handler process exited during start");
            await Task.Delay(200);
        }

        throw new TimeoutException("The handler process did not answer within 20 s.");
    }
}

