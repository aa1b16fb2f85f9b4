using Azure;
using Azure.Core;
using Azure.Messaging.ServiceBus;
using Azure.Messaging.ServiceBus.Administration;

namespace Pipeline.Cli.ServiceBus;

/// <summary>A dead-lettered message as an admin sees it: where, which, how often delivered, and why it died.</summary>
public sealed record RemoteDeadLetter(string Queue, string? MessageId, long SequenceNumber, int DeliveryCount, DateTimeOffset? EnqueuedAt, string? Reason, string? Description, int Bytes);

/// <summary>What a replay did: how many went back, and the message (and why) it stopped at, if any.</summary>
public sealed record ReplayResult(int Replayed, string? FailedMessageId = null, string? Failure = null);

/// <summary>
/// Dead-letter queues of a Service Bus namespace, through Azure.Messaging.ServiceBus with a Microsoft Entra sign-in
/// (Azure Service Bus Data Receiver; Sender to replay; reading queue counts needs a management role such as Data
/// Owner). Listing peeks: no lock is taken and delivery counts stay as they are. Replay receives a dead letter under a
/// lock, sends a copy to its queue (<c>new ServiceBusMessage(received)</c>: body, content type, correlation id, subject
/// and application properties kept; a fresh message id) and completes the dead letter only after the send succeeded;
/// a failed send abandons it, so it stays dead-lettered.
/// </summary>
public sealed class ServiceBusDeadLetters(ServiceBusClient client, ServiceBusAdministrationClient administration) : IAsyncDisposable
{
    /// <summary>The application property a replayed copy carries: the message id it was replayed from.</summary>
    public const string ReplayedFrom = "pipeline-replayed-from";

    /// <summary>The admin's own Entra sign-in (DefaultAzureCredential) on <paramref name="ns"/>.</summary>
    public static ServiceBusDeadLetters Connect(string ns) => Connect(ns, new Azure.Identity.DefaultAzureCredential());

    public static ServiceBusDeadLetters Connect(string ns, TokenCredential credential)
    {
        var host = FullyQualifiedNamespace(ns);
        return new ServiceBusDeadLetters(new ServiceBusClient(host, credential), new ServiceBusAdministrationClient(host, credential));
    }

    /// <summary><c>{namespace}</c>, <c>{namespace}.servicebus.windows.net</c> or a URL such as <c>sb://{namespace}.servicebus.windows.net/</c>.</summary>
    public static string FullyQualifiedNamespace(string ns) =>
        ns.Contains("://", StringComparison.Ordinal) ? new Uri(ns).Host
        : ns.Contains('.', StringComparison.Ordinal) ? ns.TrimEnd('/')
        : ns + ".servicebus.windows.net";

    /// <summary>Up to <paramref name="max"/> dead letters of a queue, peeked: nothing is locked or changed.</summary>
    public async Task<IReadOnlyList<RemoteDeadLetter>> ListAsync(string queue, int max, CancellationToken cancellationToken)
    {
        await using var receiver = client.CreateReceiver(queue, new ServiceBusReceiverOptions { SubQueue = SubQueue.DeadLetter });
        var letters = new List<RemoteDeadLetter>();
        long? from = null;
        while (letters.Count < max)
        {
            var page = await receiver.PeekMessagesAsync(max - letters.Count, from, cancellationToken);
            if (page.Count == 0)
            {
                break;
            }

            letters.AddRange(page.Select(m => Describe(queue, m)));
            from = page[^1].SequenceNumber + 1;
        }

        return letters;
    }

    /// <summary>Puts a queue's dead letters back on it, one by one; stops at the first that cannot be sent, leaving it dead-lettered.</summary>
    public async Task<ReplayResult> ReplayAsync(string queue, int max, CancellationToken cancellationToken)
    {
        await using var receiver = client.CreateReceiver(queue, new ServiceBusReceiverOptions { SubQueue = SubQueue.DeadLetter, ReceiveMode = ServiceBusReceiveMode.PeekLock });
        await using var sender = client.CreateSender(queue);
        var replayed = 0;
        while (replayed < max && await receiver.ReceiveMessageAsync(TimeSpan.FromSeconds(5), cancellationToken) is { } letter)
        {
            // A fresh id: with duplicate detection on, the original id may still be inside its window and be dropped.
            var copy = new ServiceBusMessage(letter) { MessageId = Guid.NewGuid().ToString("N") };
            copy.ApplicationProperties[ReplayedFrom] = letter.MessageId;
            try
            {
                await sender.SendMessageAsync(copy, cancellationToken);
            }
            catch (Exception e) when (e is ServiceBusException or UnauthorizedAccessException or RequestFailedException)
            {
                await receiver.AbandonMessageAsync(letter, cancellationToken: CancellationToken.None); // nothing was lost
                return new ReplayResult(replayed, letter.MessageId, $"sending it to '{queue}' failed: {e.Message}");
            }

            try
            {
                await receiver.CompleteMessageAsync(letter, cancellationToken);
            }
            catch (ServiceBusException e)
            {
                // Sent but still dead-lettered: a second copy may go out on the next replay; handlers are idempotent.
                return new ReplayResult(replayed + 1, letter.MessageId, $"it was sent again, but removing it from the dead-letter queue failed: {e.Reason}");
            }

            replayed++;
        }

        return new ReplayResult(replayed);
    }

    /// <summary>
    /// A queue's waiting and dead-lettered counts from its runtime properties; with only data roles (no right to read
    /// them), the dead letters are counted by peeking (up to 100) and the waiting count is unknown.
    /// </summary>
    public async Task<(long? Active, long DeadLettered, bool Capped)> CountAsync(string queue, CancellationToken cancellationToken)
    {
        try
        {
            var properties = (await administration.GetQueueRuntimePropertiesAsync(queue, cancellationToken)).Value;
            return (properties.ActiveMessageCount, properties.DeadLetterMessageCount, false);
        }
        catch (UnauthorizedAccessException)
        {
            var letters = await ListAsync(queue, 100, cancellationToken);
            return (null, letters.Count, letters.Count == 100);
        }
    }

    public ValueTask DisposeAsync() => client.DisposeAsync();

    private static RemoteDeadLetter Describe(string queue, ServiceBusReceivedMessage m) =>
        new(queue, m.MessageId, m.SequenceNumber, m.DeliveryCount, m.EnqueuedTime == default ? null : m.EnqueuedTime,
            m.DeadLetterReason, m.DeadLetterErrorDescription, m.Body.ToMemory().Length);
}
