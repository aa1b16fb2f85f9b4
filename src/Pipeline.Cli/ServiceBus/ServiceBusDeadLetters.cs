using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Nodes;
using Azure.Core;

namespace Pipeline.Cli.ServiceBus;

/// <summary>A dead-lettered message as the REST API shows it.</summary>
public sealed record RemoteDeadLetter(string Queue, string? MessageId, long SequenceNumber, int DeliveryCount, DateTimeOffset? EnqueuedAt, string? Reason, string? Description, int Bytes);

/// <summary>What a replay did: how many went back, and the message (and why) it stopped at, if any.</summary>
public sealed record ReplayResult(int Replayed, string? FailedMessageId = null, string? Failure = null);

/// <summary>
/// Dead-letter queues of a Service Bus namespace over its REST API with a Microsoft Entra token (Azure Service Bus
/// Data Receiver, and Sender to replay). A message is peek-locked in the dead-letter queue, sent again to its queue
/// with a fresh message id, and only then completed (deleted); if the send fails the lock is released and the
/// message stays where it was.
/// </summary>
public sealed class ServiceBusDeadLetters : IDisposable
{
    private const string Scope = "https://servicebus.azure.net/.default";
    private readonly Uri _endpoint;
    private readonly TokenCredential _credential;
    private readonly HttpClient _http;
    private readonly TimeProvider _time;
    private AccessToken _token;

    /// <param name="endpoint">https://{namespace}.servicebus.windows.net/, or a loopback http address for tests.</param>
    public ServiceBusDeadLetters(Uri endpoint, TokenCredential credential, TimeProvider? time = null, HttpMessageHandler? handler = null)
    {
        _time = time ?? TimeProvider.System;
        if (endpoint.Scheme != Uri.UriSchemeHttps && !endpoint.IsLoopback)
        {
            throw new ArgumentException($"The Service Bus endpoint must be https (got {endpoint}).", nameof(endpoint));
        }

        _endpoint = endpoint;
        _credential = credential;
        _http = handler is null ? new HttpClient() : new HttpClient(handler);
        _http.Timeout = TimeSpan.FromSeconds(100);
    }

    /// <summary><c>{namespace}</c>, <c>{namespace}.servicebus.windows.net</c> or a full URL.</summary>
    public static Uri Endpoint(string ns) =>
        ns.Contains("://", StringComparison.Ordinal) ? new Uri(ns.TrimEnd('/') + "/")
        : new Uri($"https://{(ns.Contains('.', StringComparison.Ordinal) ? ns : ns + ".servicebus.windows.net")}/");

    /// <summary>Up to <paramref name="max"/> dead letters of a queue, looked at under a lock that is released again.</summary>
    public async Task<IReadOnlyList<RemoteDeadLetter>> ListAsync(string queue, int max, CancellationToken cancellationToken)
    {
        var seen = new List<(RemoteDeadLetter Letter, Uri Lock)>();
        try
        {
            while (seen.Count < max && await LockNextAsync(queue, cancellationToken) is { } locked)
            {
                seen.Add((locked.Letter, locked.Lock));
            }
        }
        finally
        {
            foreach (var (_, lockUri) in seen)
            {
                await SendAsync(HttpMethod.Put, lockUri, null, CancellationToken.None); // unlock: it stays dead-lettered
            }
        }

        return seen.Select(s => s.Letter).ToList();
    }

    /// <summary>Puts a queue's dead letters back on it, one by one; stops at the first that cannot be sent, leaving it dead-lettered.</summary>
    public async Task<ReplayResult> ReplayAsync(string queue, int max, CancellationToken cancellationToken)
    {
        var replayed = 0;
        while (replayed < max && await LockNextAsync(queue, cancellationToken) is { } locked)
        {
            using var send = new HttpRequestMessage(HttpMethod.Post, new Uri(_endpoint, $"{Uri.EscapeDataString(queue)}/messages"));
            send.Content = new ByteArrayContent(locked.Body);
            send.Content.Headers.ContentType = locked.ContentType ?? new MediaTypeHeaderValue("application/json");

            // A fresh id: with duplicate detection on, the original id may still be inside its window and be dropped.
            var properties = new JsonObject { ["MessageId"] = Guid.NewGuid().ToString("N") };
            if (locked.CorrelationId is { } correlation)
            {
                properties["CorrelationId"] = correlation;
            }

            send.Headers.TryAddWithoutValidation("BrokerProperties", properties.ToJsonString());
            send.Headers.TryAddWithoutValidation("x-pipeline-replayed-from", locked.Letter.MessageId ?? locked.Letter.SequenceNumber.ToString(System.Globalization.CultureInfo.InvariantCulture));
            HttpResponseMessage? sent = null;
            string? failure = null;
            try
            {
                sent = await SendAsync(send, cancellationToken);
                if (sent.StatusCode != HttpStatusCode.Created)
                {
                    failure = $"sending it to '{queue}' answered {(int)sent.StatusCode} {sent.ReasonPhrase}";
                }
            }
            catch (HttpRequestException e)
            {
                failure = $"sending it to '{queue}' failed: {e.Message}";
            }
            finally
            {
                sent?.Dispose();
            }

            if (failure is not null)
            {
                await SendAsync(HttpMethod.Put, locked.Lock, null, CancellationToken.None); // unlock: nothing was lost
                return new ReplayResult(replayed, locked.Letter.MessageId, failure);
            }

            using var completed = await SendAsync(HttpMethod.Delete, locked.Lock, null, cancellationToken);
            if (!completed.IsSuccessStatusCode)
            {
                // Sent but still dead-lettered: a second copy may go out on the next replay; handlers are idempotent.
                return new ReplayResult(replayed + 1, locked.Letter.MessageId, $"it was sent again, but removing it from the dead-letter queue answered {(int)completed.StatusCode}");
            }

            replayed++;
        }

        return new ReplayResult(replayed);
    }

    /// <summary>
    /// A queue's waiting and dead-lettered counts, from its description (needs a role that may read it, such as Azure
    /// Service Bus Data Owner); with only data roles, the dead letters are counted by looking (up to 100) and the
    /// waiting count is unknown.
    /// </summary>
    public async Task<(long? Active, long DeadLettered, bool Capped)> CountAsync(string queue, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(HttpMethod.Get, new Uri(_endpoint, $"{Uri.EscapeDataString(queue)}?api-version=2021-05"), null, cancellationToken);
        if (response.IsSuccessStatusCode)
        {
            var xml = System.Xml.Linq.XDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken));
            long? Count(string name) => xml.Descendants().FirstOrDefault(e => e.Name.LocalName == name) is { } e && long.TryParse(e.Value, out var n) ? n : null;
            if (Count("DeadLetterMessageCount") is { } dead)
            {
                return (Count("ActiveMessageCount"), dead, false);
            }
        }

        var letters = await ListAsync(queue, 100, cancellationToken);
        return (null, letters.Count, letters.Count == 100);
    }

    public void Dispose() => _http.Dispose();

    private sealed record Locked(RemoteDeadLetter Letter, Uri Lock, byte[] Body, MediaTypeHeaderValue? ContentType, string? CorrelationId);

    /// <summary>Peek-locks the next dead letter; null when the dead-letter queue is empty.</summary>
    private async Task<Locked?> LockNextAsync(string queue, CancellationToken cancellationToken)
    {
        var head = new Uri(_endpoint, $"{Uri.EscapeDataString(queue)}/%24deadletterqueue/messages/head?timeout=5");
        using var response = await SendAsync(HttpMethod.Post, head, null, cancellationToken);
        if (response.StatusCode == HttpStatusCode.NoContent)
        {
            return null;
        }

        if (response.StatusCode != HttpStatusCode.Created)
        {
            throw new HttpRequestException($"Reading the dead-letter queue of '{queue}' answered {(int)response.StatusCode} {response.ReasonPhrase}.", null, response.StatusCode);
        }

        var broker = response.Headers.TryGetValues("BrokerProperties", out var values) ? JsonNode.Parse(values.First())!.AsObject() : [];
        var lockUri = response.Headers.Location ?? throw new HttpRequestException("The dead-letter queue answered without a lock location.");
        var body = await response.Content.ReadAsByteArrayAsync(cancellationToken);
        string? Header(string name) => response.Headers.TryGetValues(name, out var v) ? v.First().Trim('"') : null;
        var letter = new RemoteDeadLetter(
            queue,
            broker["MessageId"]?.GetValue<string>(),
            broker["SequenceNumber"]?.GetValue<long>() ?? 0,
            broker["DeliveryCount"]?.GetValue<int>() ?? 0,
            DateTimeOffset.TryParse(broker["EnqueuedTimeUtc"]?.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal, out var at) ? at : null,
            Header("DeadLetterReason"),
            Header("DeadLetterErrorDescription"),
            body.Length);
        return new Locked(letter, lockUri.IsAbsoluteUri ? lockUri : new Uri(_endpoint, lockUri), body, response.Content.Headers.ContentType, broker["CorrelationId"]?.GetValue<string>());
    }

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, Uri uri, HttpContent? content, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, uri) { Content = content };
        return await SendAsync(request, cancellationToken);
    }

    private async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (_token.ExpiresOn < _time.GetUtcNow().AddMinutes(5))
        {
            _token = await _credential.GetTokenAsync(new TokenRequestContext([Scope]), cancellationToken);
        }

        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _token.Token);
        return await _http.SendAsync(request, cancellationToken);
    }
}
