using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Pipeline.Tests.Shared;

/// <summary>
/// A loopback stand-in for the parts of the Service Bus REST API the dead-letter tools use: peek-lock from a
/// dead-letter queue (<c>POST {queue}/$deadletterqueue/messages/head</c>, 201 with BrokerProperties and a lock
/// Location, or 204), complete (<c>DELETE</c> the lock), unlock (<c>PUT</c> it) and send (<c>POST {queue}/messages</c>,
/// 201). Requests must carry the bearer token it was given.
/// </summary>
public sealed class ServiceBusStandIn : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly object _gate = new();
    private long _sequence;

    private ServiceBusStandIn(WebApplication app, Uri address)
    {
        _app = app;
        Address = address;
    }

    public sealed record Message(string MessageId, byte[] Body, string ContentType, long SequenceNumber, int DeliveryCount, string? Reason = null, string? Description = null)
    {
        public string? LockToken { get; set; }
    }

    public const string Token = "test-token";

    public Uri Address { get; }

    public Dictionary<string, List<Message>> Queues { get; } = new(StringComparer.Ordinal);

    public Dictionary<string, List<Message>> DeadLetters { get; } = new(StringComparer.Ordinal);

    /// <summary>Sends to a queue answer 500.</summary>
    public bool FailSends { get; set; }

    public void DeadLetter(string queue, string messageId, string body, string reason, string description)
    {
        lock (_gate)
        {
            List(DeadLetters, queue).Add(new Message(messageId, System.Text.Encoding.UTF8.GetBytes(body), "application/json", ++_sequence, 10, reason, description));
        }
    }

    private static List<Message> List(Dictionary<string, List<Message>> of, string queue) =>
        of.TryGetValue(queue, out var list) ? list : of[queue] = [];

    public static async Task<ServiceBusStandIn> StartAsync()
    {
        ServiceBusStandIn? self = null;
        var (app, address) = await LoopbackServer.StartAsync(app => app.Run(context => self!.HandleAsync(context)));
        self = new ServiceBusStandIn(app, address);
        return self;
    }

    private async Task HandleAsync(HttpContext context)
    {
        if (context.Request.Headers.Authorization.ToString() != $"Bearer {Token}")
        {
            context.Response.StatusCode = 401;
            return;
        }

        var parts = Uri.UnescapeDataString(context.Request.Path.Value!.Trim('/')).Split('/');
        var method = context.Request.Method;
        lock (_gate)
        {
            switch (parts)
            {
                case [var queue, "$deadletterqueue", "messages", "head"] when method == "POST":
                    var next = List(DeadLetters, queue).FirstOrDefault(m => m.LockToken is null);
                    if (next is null)
                    {
                        context.Response.StatusCode = 204;
                        return;
                    }

                    next.LockToken = Guid.NewGuid().ToString();
                    context.Response.StatusCode = 201;
                    context.Response.Headers["BrokerProperties"] = new JsonObject
                    {
                        ["MessageId"] = next.MessageId, ["SequenceNumber"] = next.SequenceNumber, ["DeliveryCount"] = next.DeliveryCount,
                        ["EnqueuedTimeUtc"] = "Tue, 01 Dec 2026 08:00:00 GMT", ["LockToken"] = next.LockToken, ["LockedUntilUtc"] = "Tue, 01 Dec 2026 08:01:00 GMT",
                    }.ToJsonString();
                    context.Response.Headers["DeadLetterReason"] = JsonSerializer.Serialize(next.Reason);
                    context.Response.Headers["DeadLetterErrorDescription"] = JsonSerializer.Serialize(next.Description);
                    context.Response.Headers.Location = new Uri(Address, $"{queue}/$deadletterqueue/messages/{next.SequenceNumber}/{next.LockToken}").ToString();
                    context.Response.ContentType = next.ContentType;
                    context.Response.Body.WriteAsync(next.Body).AsTask().GetAwaiter().GetResult();
                    return;

                case [var queue, "$deadletterqueue", "messages", var id, var lockToken] when method is "DELETE" or "PUT":
                    var locked = List(DeadLetters, queue).FirstOrDefault(m => m.SequenceNumber.ToString(System.Globalization.CultureInfo.InvariantCulture) == id && m.LockToken == lockToken);
                    if (locked is null)
                    {
                        context.Response.StatusCode = 404;
                        return;
                    }

                    if (method == "DELETE")
                    {
                        DeadLetters[queue].Remove(locked);
                    }
                    else
                    {
                        locked.LockToken = null;
                    }

                    context.Response.StatusCode = 200;
                    return;

                case [var queue, "messages"] when method == "POST":
                    if (FailSends)
                    {
                        context.Response.StatusCode = 500;
                        return;
                    }

                    using (var body = new MemoryStream())
                    {
                        context.Request.Body.CopyToAsync(body).GetAwaiter().GetResult();
                        var broker = JsonNode.Parse(context.Request.Headers["BrokerProperties"].ToString() is { Length: > 0 } b ? b : "{}")!;
                        List(Queues, queue).Add(new Message(broker["MessageId"]?.GetValue<string>() ?? Guid.NewGuid().ToString(), body.ToArray(),
                            context.Request.ContentType ?? "", ++_sequence, 0));
                    }

                    context.Response.StatusCode = 201;
                    return;

                case [var queue] when method == "GET":
                    // The queue's description, as an Atom entry (the management read the status command tries first).
                    context.Response.ContentType = "application/atom+xml;type=entry;charset=utf-8";
                    var xml = $"""
                        <entry xmlns="http://www.w3.org/2005/Atom"><title type="text">{queue}</title><content type="application/xml">
                        <QueueDescription xmlns="http://schemas.microsoft.com/netservices/2010/10/servicebus/connect" xmlns:i="http://www.w3.org/2001/XMLSchema-instance">
                        <CountDetails xmlns:d2p1="http://schemas.microsoft.com/netservices/2011/06/servicebus">
                        <d2p1:ActiveMessageCount>{List(Queues, queue).Count}</d2p1:ActiveMessageCount><d2p1:DeadLetterMessageCount>{List(DeadLetters, queue).Count}</d2p1:DeadLetterMessageCount>
                        </CountDetails></QueueDescription></content></entry>
                        """;
                    context.Response.Body.WriteAsync(System.Text.Encoding.UTF8.GetBytes(xml)).AsTask().GetAwaiter().GetResult();
                    return;

                default:
                    context.Response.StatusCode = 400;
                    return;
            }
        }
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
