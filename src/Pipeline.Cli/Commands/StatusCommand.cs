using System.CommandLine;
using System.Text.Json;
using Pipeline.Cli.LocalHost;
using Pipeline.Core.Configuration;
using Pipeline.Core.Feeds;
using Pipeline.Core.Messages;
using Pipeline.Core.Shortlists;
using Pipeline.Functions.Hosting;

namespace Pipeline.Cli.Commands;

internal static class StatusCommand
{
    /// <param name="connect">Opens a Service Bus namespace for --namespace (<see cref="ServiceBus.ServiceBusDeadLetters.Connect(string)"/>; a mock in tests).</param>
    public static Command Create(Func<string, ServiceBus.ServiceBusDeadLetters> connect)
    {
        var command = new Command("status", "Feeds and their last runs, queues and dead letters, the Inbox subscription, shortlists and whether they are out of date")
        {
            CliOptions.Json, CliOptions.ServiceBusNamespace,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var data = parse.GetValue(CliOptions.Data)!;
            var settings = CliOptions.AppSettings(parse);
            await using var core = await CoreServices.TryOpenAsync(settings, parse.InvocationConfiguration.Error, cancellationToken);
            if (core is null)
            {
                return 2;
            }

            var configuration = core.Configuration;
            var feedState = core.FeedState;
            var shortlists = core.Shortlists;
            var graph = core.Graph;

            var runs = new List<(string Id, FeedRunRecord? Run)>();
            foreach (var feed in configuration.Feeds)
            {
                runs.Add((feed.Id, await feedState.GetAsync(feed.Id, cancellationToken)));
            }

            var lists = new List<(string Id, bool Open, int? Version, DateTimeOffset? OutOfDateSince)>();
            foreach (var requisition in configuration.Requisitions)
            {
                lists.Add((requisition.Id, requisition.IsOpen,
                    await shortlists.GetLatestVersionAsync(requisition.Id, cancellationToken),
                    (await shortlists.GetDirtyAsync(requisition.Id, cancellationToken))?.ChangedAt));
            }

            var subscriptions = core.MailSubscriptions;
            var subscription = new
            {
                enabled = subscriptions.IsEnabled,
                expires = await subscriptions.ExpiresAsync(cancellationToken),
            };

            var queueFile = CliOptions.QueueDatabase(data);
            var ns = parse.GetValue(CliOptions.ServiceBusNamespace);
            var counts = new List<QueueCounts>();
            var errors = runs.Where(r => r.Run?.Error is not null).Select(r => $"feed {r.Id}: {r.Run!.Error}").ToList();
            if (ns is { Length: > 0 })
            {
                // The Azure namespace's queues, and why its dead letters died.
                try
                {
                    await using var bus = connect(ns);
                    foreach (var q in DeadLettersCommand.Queues())
                    {
                        var (active, dead, _) = await bus.CountAsync(q, cancellationToken);
                        counts.Add(new QueueCounts(q, active ?? -1, (int)dead));
                        if (dead > 0)
                        {
                            errors.AddRange((await bus.ListAsync(q, 3, cancellationToken)).Select(l => $"queue {q}: {l.Reason} {l.Description}".TrimEnd()));
                        }
                    }
                }
                catch (Exception e) when (DeadLettersCommand.IsConnectionFailure(e))
                {
                    await parse.InvocationConfiguration.Error.WriteLineAsync($"The queues of {ns} could not be read: {e.Message}");
                    return 1;
                }
            }
            else if (File.Exists(queueFile))
            {
                var local = new LocalQueueStore(queueFile, TimeProvider.System);
                counts.AddRange(await local.CountsAsync(cancellationToken));
                errors.AddRange((await local.DeadLettersAsync(cancellationToken)).TakeLast(5).Select(l => $"queue {l.Queue}: {l.Description}"));
            }

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
                queueSource = ns is { Length: > 0 } ? ns : "local",
                feeds = runs.Select(f => new
                {
                    id = f.Id, outcome = f.Run?.Outcome ?? "never-run", lastRun = f.Run?.RunStarted, error = f.Run?.Error,
                    watermark = f.Run?.Watermark,
                }),
                queues = queues.Select(q => new { queue = q.Queue, active = q.Active < 0 ? (long?)null : q.Active, deadLettered = q.DeadLettered }),
                mailSubscription = subscription,
                lastErrors = errors.TakeLast(10),
                shortlists = lists.Select(l => new { id = l.Id, status = l.Open ? "open" : "closed", shortlistVersion = l.Version, outOfDateSince = l.OutOfDateSince }),
            };

            var output = parse.InvocationConfiguration.Output;
            if (parse.GetValue(CliOptions.Json))
            {
                await output.WriteLineAsync(JsonSerializer.Serialize(status, new JsonSerializerOptions { WriteIndented = true }));
                return 0;
            }

            await output.WriteLineAsync($"Delivery: {status.delivery}");
            await output.WriteLineAsync("Feeds:");
            foreach (var (id, run) in runs)
            {
                await output.WriteLineAsync($"  {id,-24} {(run is null ? "never run" : $"{(run.Succeeded ? "ok" : "FAILED")} {run.RunStarted:u}{(run.Error is null ? "" : "  " + run.Error)}")}");
            }

            await output.WriteLineAsync("Queues:");
            foreach (var q in queues)
            {
                await output.WriteLineAsync($"  {q.Queue,-24} {(q.Active < 0 ? "?" : q.Active.ToString(System.Globalization.CultureInfo.InvariantCulture))} waiting, {q.DeadLettered} dead-lettered");
            }

            await output.WriteLineAsync($"Inbox subscription: {(subscription.enabled ? subscription.expires is { } x ? $"expires {x:u}" : "not created yet" : "not configured")}");
            if (errors.Count > 0)
            {
                await output.WriteLineAsync("Last errors:");
                foreach (var e in errors.TakeLast(10))
                {
                    await output.WriteLineAsync($"  {e}");
                }
            }

            await output.WriteLineAsync("Shortlists:");
            foreach (var (id, _, version, outOfDateSince) in lists)
            {
                await output.WriteLineAsync($"  {id,-24} {(version is null ? "none yet" : $"version {version}")}{(outOfDateSince is { } d ? $", out of date since {d:u}" : "")}");
            }

            return 0;
        });
        return command;
    }
}
