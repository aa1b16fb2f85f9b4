using System.CommandLine;
using System.Text.Json;
using Pipeline.Cli.LocalHost;
using Pipeline.Cli.ServiceBus;
using Pipeline.Functions.Hosting;

namespace Pipeline.Cli.Commands;

internal static class DeadLettersCommand
{
    private static Option<string?> Namespace => CliOptions.ServiceBusNamespace;

    /// <param name="connect">Opens a namespace's dead-letter queues (<see cref="ServiceBusDeadLetters.Connect(string)"/>; a mock in tests).</param>
    public static Command Create(Func<string, ServiceBusDeadLetters> connect)
    {
        var list = new Command("list", "List the messages in the dead-letter queues, with the error that put them there") { CliOptions.Json, Namespace };
        list.SetAction(async (parse, cancellationToken) =>
        {
            if (parse.GetValue(Namespace) is { Length: > 0 } ns)
            {
                return await ListRemoteAsync(connect, ns, parse.GetValue(CliOptions.Json), parse.InvocationConfiguration.Output, parse.InvocationConfiguration.Error, cancellationToken);
            }

            var data = parse.GetValue(CliOptions.Data)!;
            var output = parse.InvocationConfiguration.Output;
            var letters = File.Exists(CliOptions.QueueDatabase(data))
                ? await new LocalQueueStore(CliOptions.QueueDatabase(data), TimeProvider.System).DeadLettersAsync(cancellationToken)
                : [];
            if (parse.GetValue(CliOptions.Json))
            {
                var rows = letters.Select(l => new
                {
                    queue = l.Queue, messageId = l.MessageId, deliveryCount = l.DeliveryCount, deadLetteredAt = l.DeadLetteredAt,
                    reason = l.Reason, description = l.Description,
                });
                await output.WriteLineAsync(JsonSerializer.Serialize(rows, new JsonSerializerOptions { WriteIndented = true }));
                return 0;
            }

            if (letters.Count == 0)
            {
                await output.WriteLineAsync("No dead letters.");
            }

            foreach (var l in letters)
            {
                await output.WriteLineAsync($"{l.DeadLetteredAt:u}  {l.Queue}  {l.MessageId}  after {l.DeliveryCount} deliveries: {l.Description}");
            }

            return 0;
        });

        var queue = new Option<string?>("--queue") { Description = "Only this queue's dead letters (default: all)" };
        var replay = new Command("replay", "Put dead-lettered messages back on their queues, once their cause is fixed; the next `pipeline run` (or the Functions host) delivers them") { queue, Namespace };
        replay.SetAction(async (parse, cancellationToken) =>
        {
            if (parse.GetValue(Namespace) is { Length: > 0 } ns)
            {
                return await ReplayRemoteAsync(connect, ns, parse.GetValue(queue), parse.InvocationConfiguration.Output, parse.InvocationConfiguration.Error, cancellationToken);
            }

            var data = parse.GetValue(CliOptions.Data)!;
            var replayed = File.Exists(CliOptions.QueueDatabase(data))
                ? await new LocalQueueStore(CliOptions.QueueDatabase(data), TimeProvider.System).ReplayDeadLettersAsync(parse.GetValue(queue), cancellationToken)
                : 0;
            await parse.InvocationConfiguration.Output.WriteLineAsync(replayed == 0 ? "No dead letters to replay." : $"{replayed} messages put back on their queues.");
            return 0;
        });

        return new Command("deadletters", "Inspect messages that failed every delivery, and replay them") { list, replay };
    }

    /// <summary>The queues the functions are triggered by, from their function.json files.</summary>
    internal static IReadOnlyList<string> Queues() =>
        FunctionCatalog.Load(AppContext.BaseDirectory).Select(f => f.Trigger.QueueName).OfType<string>().Distinct().Order(StringComparer.Ordinal).ToList();

    private static async Task<int> ListRemoteAsync(Func<string, ServiceBusDeadLetters> connect, string ns, bool json, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        var letters = new List<RemoteDeadLetter>();
        try
        {
            await using var client = connect(ns);
            foreach (var q in Queues())
            {
                letters.AddRange(await client.ListAsync(q, 100, cancellationToken));
            }
        }
        catch (Exception e) when (IsConnectionFailure(e))
        {
            await error.WriteLineAsync($"The dead-letter queues of {ns} could not be read: {e.Message}");
            return 1;
        }

        if (json)
        {
            await output.WriteLineAsync(JsonSerializer.Serialize(letters.Select(l => new
            {
                queue = l.Queue, messageId = l.MessageId, sequenceNumber = l.SequenceNumber, deliveryCount = l.DeliveryCount, enqueuedAt = l.EnqueuedAt,
                reason = l.Reason, description = l.Description, bytes = l.Bytes,
            }), new JsonSerializerOptions { WriteIndented = true }));
            return 0;
        }

        await output.WriteLineAsync(letters.Count == 0 ? "No dead letters." : $"{letters.Count} dead letters (at most 100 a queue are listed):");
        foreach (var l in letters)
        {
            await output.WriteLineAsync($"{l.EnqueuedAt:u}  {l.Queue}  {l.MessageId}  after {l.DeliveryCount} deliveries: {l.Reason} {l.Description}");
        }

        return 0;
    }

    private static async Task<int> ReplayRemoteAsync(Func<string, ServiceBusDeadLetters> connect, string ns, string? queue, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        var queues = queue is null ? Queues() : [queue];
        var total = 0;
        try
        {
            await using var client = connect(ns);
            foreach (var q in queues)
            {
                var result = await client.ReplayAsync(q, 10_000, cancellationToken);
                total += result.Replayed;
                if (result.Failure is not null)
                {
                    await error.WriteLineAsync($"{total} messages put back; stopped at message {result.FailedMessageId} of '{q}', which stays dead-lettered: {result.Failure}");
                    return 1;
                }
            }
        }
        catch (Exception e) when (IsConnectionFailure(e))
        {
            await error.WriteLineAsync($"{total} messages put back; then the dead-letter queues of {ns} could not be read: {e.Message}");
            return 1;
        }

        await output.WriteLineAsync(total == 0 ? "No dead letters to replay." : $"{total} messages put back on their queues.");
        return 0;
    }

    /// <summary>What reaching a namespace can fail with: the admin's sign-in, rights, or the service.</summary>
    internal static bool IsConnectionFailure(Exception e) =>
        e is Azure.Messaging.ServiceBus.ServiceBusException or UnauthorizedAccessException or Azure.RequestFailedException
            or Azure.Identity.AuthenticationFailedException or Azure.Identity.CredentialUnavailableException;
}
