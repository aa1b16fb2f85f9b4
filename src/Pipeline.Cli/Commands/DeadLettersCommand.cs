using System.CommandLine;
using System.Text.Json;
using Pipeline.Cli.LocalHost;

namespace Pipeline.Cli.Commands;

internal static class DeadLettersCommand
{
    public static Command Create()
    {
        var list = new Command("list", "List the messages in the local dead-letter queues, with the error that put them there") { CliOptions.Json };
        list.SetAction(async (parse, cancellationToken) =>
        {
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
        var replay = new Command("replay", "Put dead-lettered messages back on their queues, once their cause is fixed; the next `pipeline run` delivers them") { queue };
        replay.SetAction(async (parse, cancellationToken) =>
        {
            var data = parse.GetValue(CliOptions.Data)!;
            var replayed = File.Exists(CliOptions.QueueDatabase(data))
                ? await new LocalQueueStore(CliOptions.QueueDatabase(data), TimeProvider.System).ReplayDeadLettersAsync(parse.GetValue(queue), cancellationToken)
                : 0;
            await parse.InvocationConfiguration.Output.WriteLineAsync(replayed == 0 ? "No dead letters to replay." : $"{replayed} messages put back on their queues.");
            return 0;
        });

        return new Command("deadletters", "Inspect messages that failed every delivery, and replay them") { list, replay };
    }
}
