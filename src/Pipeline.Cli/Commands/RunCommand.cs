using System.CommandLine;
using System.Text.Json;
using Pipeline.Cli.LocalHost;
using Pipeline.Functions.Hosting;

namespace Pipeline.Cli.Commands;

internal static class RunCommand
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public static Command Create()
    {
        var once = new Option<bool>("--once") { Description = "Fire every timer once, deliver queue messages until the queues are idle, then stop" };
        var maxDeliveries = new Option<int>("--max-deliveries")
        {
            Description = "Deliveries of a failing message before it is dead-lettered",
            HelpName = "count",
            DefaultValueFactory = _ => 10,
        };
        maxDeliveries.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int>() is < 1 or > 100)
            {
                r.AddError("--max-deliveries must be between 1 and 100.");
            }
        });
        var verbose = new Option<bool>("--verbose", "-v") { Description = "Show the function app's log" };

        var command = new Command("run", "Run the function app on this machine: timers on their schedules and queues with redelivery and dead-lettering (Ctrl+C stops)")
        {
            once, maxDeliveries, verbose, CliOptions.Json,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            using var interruption = new Interruption(cancellationToken);
            return await RunAsync(
            parse.GetValue(CliOptions.Config)!,
            parse.GetValue(CliOptions.Data)!,
            parse.GetValue(once),
            parse.GetValue(maxDeliveries),
            parse.GetValue(verbose),
            parse.GetValue(CliOptions.Json),
            parse.InvocationConfiguration.Output,
            parse.InvocationConfiguration.Error,
            interruption.Token,
            progress: RunProgress.ShouldShow(parse.GetValue(CliOptions.Json), Console.IsErrorRedirected));
        });
        return command;
    }

    internal static async Task<int> RunAsync(
        DirectoryInfo config,
        DirectoryInfo data,
        bool once,
        int maxDeliveries,
        bool verbose,
        bool json,
        TextWriter output,
        TextWriter error,
        CancellationToken cancellationToken,
        IReadOnlyDictionary<string, string?>? appSettings = null,
        bool progress = false)
    {
        // Other app settings (Table storage, sender, …) come from the environment, as in Azure: Pipeline__TableConnectionString=…
        var settings = new Dictionary<string, string?>(appSettings ?? new Dictionary<string, string?>());
        if (once && !settings.ContainsKey("Pipeline:ShortlistQuietPeriod"))
        {
            // One pass has no later minute to wait for: shortlists are built as soon as the candidates are in.
            settings["Pipeline:ShortlistQuietPeriod"] = "00:00:00";
        }

        if (once && !settings.ContainsKey("Pipeline:IgnoreFeedSchedules"))
        {
            // "Run once" means read the feeds now; unchanged ones still answer "not modified" and cost nothing.
            settings["Pipeline:IgnoreFeedSchedules"] = "true";
        }

        foreach (var (key, value) in CliOptions.AppSettings(config, data))
        {
            settings[key] = value;
        }

        // The run's lease marks its queue locks and effect claims as its own: another run can tell whether it is alive.
        using var lease = RunLease.Acquire(Path.Combine(data.FullName, "host-runs"));
        if (await HandlerServer.TryStartAsync(settings, verbose, error, cancellationToken, lease) is not { } server)
        {
            return 2;
        }

        await using (server)
        {
            using var http = new HttpClient { BaseAddress = server.BaseAddress, Timeout = TimeSpan.FromMinutes(10) };
            var queues = new LocalQueueStore(CliOptions.QueueDatabase(data), TimeProvider.System) { LockOwner = lease.Owner };
            var started = TimeProvider.System.GetUtcNow();
            var summary = new RunSummary();

            // A status line on a terminal; log lines go above it.
            await using var status = progress ? RunProgress.Start(summary, error, TimeProvider.System) : null;
            Action<string> writeLine = status is null ? line => error.WriteLine(line) : status.WriteLine;
            var host = new LocalFunctionsHost(
                http,
                FunctionCatalog.Load(AppContext.BaseDirectory),
                queues,
                TimeProvider.System,
                new LocalHostOptions { MaxDeliveryCount = maxDeliveries, MaxConcurrentCalls = HostJson.MaxConcurrentCalls(AppContext.BaseDirectory) },
                log: writeLine,
                trace: verbose ? writeLine : null,
                lease: lease);

            var exitCode = 0;
            try
            {
                if (once)
                {
                    await host.RunOnceAsync(summary, cancellationToken);
                }
                else
                {
                    writeLine($"Running; data in {data.FullName}. Press Ctrl+C to stop.");
                    await host.RunAsync(summary, cancellationToken);
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                // The invocations in hand finished (or were cut off after a grace period); the messages not finished were
                // released, so the next run takes them at once.
                writeLine("Stopped before the queues were idle; the summary counts what was done, and the next run continues with the rest.");
                exitCode = 130;
            }

            if (status is not null)
            {
                await status.DisposeAsync(); // the line is cleared before anything else is written
            }

            if (!once)
            {
                await error.WriteLineAsync("Stopped.");
            }

            summary.DeadLettersTotal = (await queues.CountsAsync(CancellationToken.None)).Sum(c => c.DeadLettered);
            summary.SetEffects(await RunEffects.CountAsync(server.Tables, started, CancellationToken.None));
            var graph = server.Graph;
            summary.Delivery = graph.IsConfigured ? $"Microsoft Graph, from {graph.Mailbox}" : "outbox folder";
            summary.Outbox = graph.IsConfigured ? null : Path.GetFullPath(server.Options.ResolvedOutboxDirectory);
            summary.DataDirectory = data.FullName;

            if (json)
            {
                await output.WriteLineAsync(JsonSerializer.Serialize(summary, Indented));
            }
            else
            {
                await WriteTextAsync(output, summary);
            }

            return exitCode;
        }
    }

    private static async Task WriteTextAsync(TextWriter output, RunSummary s)
    {
        await output.WriteLineAsync($"Feeds read            {s.Feeds}{(s.FeedsFailed > 0 ? $" ({s.FeedsFailed} failed; see the log above)" : "")}");
        await output.WriteLineAsync($"Candidates            {s.Candidates.New} new, {s.Candidates.Updated} updated, {s.Candidates.Unchanged} unchanged");
        await output.WriteLineAsync($"Rows quarantined      {s.Quarantined}");
        await output.WriteLineAsync($"Shortlists            {s.Shortlists}");
        await output.WriteLineAsync($"Emails                {s.Emails}");
        await output.WriteLineAsync($"Teams notifications   {s.Notifications}");
        await output.WriteLineAsync($"Dead letters          {s.DeadLetters} this run, {s.DeadLettersTotal} in all{(s.DeadLettersTotal > 0 ? " (pipeline deadletters list)" : "")}");
        await output.WriteLineAsync(s.Outbox is null ? $"Sent through          {s.Delivery}" : $"Outbox                {s.Outbox}");
    }
}
