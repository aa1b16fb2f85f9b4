using System.CommandLine;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Pipeline.Cli.LocalHost;
using Pipeline.Functions.Configuration;
using Pipeline.Functions.Hosting;
using Pipeline.Functions.Stores;

namespace Pipeline.Cli.Commands;

internal static class StatusCommand
{
    public static Command Create()
    {
        var command = new Command("status", "Feeds and their last runs, queues and dead letters, shortlists and whether they are out of date") { CliOptions.Json };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var data = parse.GetValue(CliOptions.Data)!;
            var settings = new Dictionary<string, string?>
            {
                ["Pipeline:ConfigDirectory"] = parse.GetValue(CliOptions.Config)!.FullName,
                ["Pipeline:DataDirectory"] = data.FullName,
                ["FUNCTIONS_APP_ROOT_PATH"] = AppContext.BaseDirectory,
            };
            await using var server = await HandlerServer.TryStartAsync(settings, verbose: false, parse.InvocationConfiguration.Error, cancellationToken);
            if (server is null)
            {
                return 2;
            }

            var configuration = server.Services.GetRequiredService<PipelineConfiguration>();
            var feedState = server.Services.GetRequiredService<FeedStateStore>();
            var shortlists = server.Services.GetRequiredService<ShortlistStore>();
            var graph = server.Services.GetRequiredService<IOptions<GraphOptions>>().Value;

            var feeds = new List<object>();
            foreach (var feed in configuration.Feeds)
            {
                var run = await feedState.GetAsync(feed.Id, cancellationToken);
                feeds.Add(new
                {
                    id = feed.Id,
                    outcome = run is null ? "never-run" : !run.Succeeded ? "failed" : run.NotModified ? "not-modified" : "succeeded",
                    lastRun = run?.RunStarted,
                    error = run?.Error,
                });
            }

            var requisitions = new List<object>();
            foreach (var requisition in configuration.Requisitions)
            {
                requisitions.Add(new
                {
                    id = requisition.Id,
                    status = requisition.IsOpen ? "open" : "closed",
                    shortlistVersion = await shortlists.GetLatestVersionAsync(requisition.Id, cancellationToken),
                    outOfDateSince = (await shortlists.GetDirtyAsync(requisition.Id, cancellationToken))?.ChangedAt,
                });
            }

            var queueFile = CliOptions.QueueDatabase(data);
            var counts = File.Exists(queueFile) ? await new LocalQueueStore(queueFile, TimeProvider.System).CountsAsync(cancellationToken) : [];
            // Every queue a function listens on, including the empty ones.
            var queues = FunctionCatalog.Load(AppContext.BaseDirectory)
                .Select(f => f.Trigger.QueueName).OfType<string>()
                .Concat(counts.Select(c => c.Queue))
                .Distinct()
                .Order(StringComparer.Ordinal)
                .Select(q => counts.FirstOrDefault(c => c.Queue == q) ?? new QueueCounts(q, 0, 0))
                .ToList();
            var status = new
            {
                delivery = graph.IsConfigured ? $"Microsoft Graph, from {graph.Mailbox}" : "outbox folder",
                feeds,
                queues = queues.Select(q => new { queue = q.Queue, active = q.Active, deadLettered = q.DeadLettered }),
                shortlists = requisitions,
            };

            var output = parse.InvocationConfiguration.Output;
            if (parse.GetValue(CliOptions.Json))
            {
                await output.WriteLineAsync(JsonSerializer.Serialize(status, new JsonSerializerOptions { WriteIndented = true }));
                return 0;
            }

            await output.WriteLineAsync($"Delivery: {status.delivery}");
            await output.WriteLineAsync("Feeds:");
            foreach (var feed in configuration.Feeds)
            {
                var run = await feedState.GetAsync(feed.Id, cancellationToken);
                await output.WriteLineAsync($"  {feed.Id,-24} {(run is null ? "never run" : $"{(run.Succeeded ? "ok" : "FAILED")} {run.RunStarted:u}{(run.Error is null ? "" : "  " + run.Error)}")}");
            }

            await output.WriteLineAsync("Queues:");
            foreach (var q in queues)
            {
                await output.WriteLineAsync($"  {q.Queue,-24} {q.Active} waiting, {q.DeadLettered} dead-lettered");
            }

            await output.WriteLineAsync("Shortlists:");
            foreach (var requisition in configuration.Requisitions)
            {
                var version = await shortlists.GetLatestVersionAsync(requisition.Id, cancellationToken);
                var dirty = await shortlists.GetDirtyAsync(requisition.Id, cancellationToken);
                await output.WriteLineAsync($"  {requisition.Id,-24} {(version is null ? "none yet" : $"version {version}")}{(dirty is { } d ? $", out of date since {d.ChangedAt:u}" : "")}");
            }

            return 0;
        });
        return command;
    }
}
