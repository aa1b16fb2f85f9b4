using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Pipeline.Testing;

/// <summary>A request the Graph stand-in received.</summary>
public sealed record GraphRequest(string Method, string Path, string Query, string? Authorization, JsonNode? Body);

/// <summary>
/// A loopback stand-in for the Microsoft Graph endpoints Pipeline uses, speaking their documented shapes: sendMail
/// (202, and the message lands in Sent Items), sendActivityNotificationToRecipients (202) and a Sent Items query by
/// subject. Faults can be planned: the next requests answer with given statuses (and Retry-After).
/// </summary>
public sealed class GraphStandIn : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<(int Status, string? RetryAfter)> _faults = new();
    private readonly List<JsonObject> _sentItems = [];
    private readonly List<JsonObject> _inbox = [];
    private readonly ConcurrentDictionary<string, JsonObject> _subscriptions = new();
    private readonly ConcurrentDictionary<string, JsonObject> _drafts = new();

    /// <summary>Runs after a sendMail is accepted into Sent Items and before it is answered (a test kills its sender here).</summary>
    public Action? AfterSendMail { get; set; }

    /// <summary>The Teams app (by manifest id) in the organization's catalog; null: not uploaded.</summary>
    public string? CatalogAppId { get; set; } = "5f0c9a4e-8d1b-4c6e-9a57-3b2f7d1e6c40";

    /// <summary>Users who have the Teams app; null: everyone has it.</summary>
    public ConcurrentDictionary<string, bool>? InstalledFor { get; set; }

    public IEnumerable<GraphRequest> Installs => Requests.Where(r => r.Method == "POST" && r.Path.EndsWith("/teamwork/installedApps", StringComparison.OrdinalIgnoreCase));

    /// <summary>Replies sent in a thread (createReply, then send): the received message each answers, and the reply.</summary>
    public ConcurrentQueue<(string InReplyTo, JsonObject Reply)> ThreadReplies { get; } = new();

    public IReadOnlyCollection<JsonObject> Subscriptions => [.. _subscriptions.Values];

    /// <summary>Graph dropped every subscription (as after a long outage): renewals answer 404.</summary>
    public void RemoveSubscriptions() => _subscriptions.Clear();

    /// <summary>Messages per page of an Inbox delta, small so tests cross page boundaries.</summary>
    public int DeltaPageSize { get; set; } = 2;

    private GraphStandIn(WebApplication app) => _app = app;

    public ConcurrentQueue<GraphRequest> Requests { get; } = new();

    public string BaseUrl { get; private set; } = "";

    public int SentItemCount
    {
        get
        {
            lock (_sentItems)
            {
                return _sentItems.Count;
            }
        }
    }

    public IEnumerable<GraphRequest> SendMails => Requests.Where(r => r.Path.EndsWith("/sendMail", StringComparison.OrdinalIgnoreCase));

    public IEnumerable<GraphRequest> Activities => Requests.Where(r => r.Path.EndsWith("/sendActivityNotificationToRecipients", StringComparison.OrdinalIgnoreCase));

    public static async Task<GraphStandIn> StartAsync()
    {
        GraphStandIn? standIn = null;
        var (app, address) = await LoopbackServer.StartAsync(app => app.Run(context => standIn!.HandleAsync(context)));
        standIn = new GraphStandIn(app) { BaseUrl = address + "v1.0" };
        return standIn;
    }

    /// <summary>The next request answers with this status (with Retry-After when given), whatever it asks.</summary>
    public void Fail(int status, string? retryAfter = null) => _faults.Enqueue((status, retryAfter));

    /// <summary>Fails the next <paramref name="count"/> Teams activity notifications with 503 (Retry-After 0), whatever else is asked in between.</summary>
    public void FailActivities(int count)
    {
        lock (_faults)
        {
            _activityFaults += count;
        }
    }

    private int _activityFaults;

    /// <summary>A message already in the mailbox's Sent Items, as if sent before a crash.</summary>
    public void AddSentItem(string subject, string effectKey)
    {
        lock (_sentItems)
        {
            _sentItems.Add(new JsonObject
            {
                ["id"] = Guid.NewGuid().ToString(),
                ["subject"] = subject,
                ["internetMessageHeaders"] = new JsonArray(new JsonObject { ["name"] = "x-pipeline-effect", ["value"] = effectKey }),
            });
        }
    }

    /// <summary>A message arriving in the mailbox's Inbox; the next delta round returns it.</summary>
    public void Receive(string from, string subject, string body, string? internetMessageId = null, string? conversationId = null)
    {
        lock (_inbox)
        {
            _inbox.Add(new JsonObject
            {
                ["id"] = "AAMk" + Guid.NewGuid().ToString("N"),
                ["internetMessageId"] = internetMessageId ?? $"<{Guid.NewGuid():N}@mail.contoso.example>",
                ["conversationId"] = conversationId ?? "conv-" + Guid.NewGuid().ToString("N")[..8],
                ["subject"] = subject,
                ["receivedDateTime"] = DateTimeOffset.UtcNow.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture),
                ["from"] = new JsonObject { ["emailAddress"] = new JsonObject { ["address"] = from } },
                ["body"] = new JsonObject { ["contentType"] = "html", ["content"] = body },
            });
        }
    }

    /// <summary>The object id the stand-in gives a user principal name (stable, so tests can predict it).</summary>
    public static string UserId(string userPrincipalName) =>
        new Guid(System.Security.Cryptography.MD5.HashData(System.Text.Encoding.UTF8.GetBytes(userPrincipalName.ToLowerInvariant()))).ToString();

    /// <summary>Reads a property regardless of case (the SDK writes action bodies with PascalCase keys).</summary>
    public static JsonNode? Get(JsonNode? node, string name) =>
        node is JsonObject o ? o.FirstOrDefault(p => string.Equals(p.Key, name, StringComparison.OrdinalIgnoreCase)).Value : null;

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();

    private async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        var text = await new StreamReader(request.Body).ReadToEndAsync();
        var body = text.Length == 0 ? null : JsonNode.Parse(text);
        Requests.Enqueue(new GraphRequest(request.Method, request.Path.Value ?? "", Uri.UnescapeDataString(request.QueryString.Value ?? ""), request.Headers.Authorization, body));

        var activityFault = false;
        if (request.Path.Value?.EndsWith("/sendActivityNotificationToRecipients", StringComparison.OrdinalIgnoreCase) == true)
        {
            lock (_faults)
            {
                if (_activityFaults > 0)
                {
                    _activityFaults--;
                    activityFault = true;
                }
            }
        }

        if (activityFault)
        {
            context.Response.StatusCode = 503;
            context.Response.Headers.RetryAfter = "0";
            await context.Response.WriteAsJsonAsync(new { error = new { code = "ServiceUnavailable", message = "Planned fault." } });
            return;
        }

        if (_faults.TryDequeue(out var fault))
        {
            context.Response.StatusCode = fault.Status;
            if (fault.RetryAfter is not null)
            {
                context.Response.Headers.RetryAfter = fault.RetryAfter;
            }

            await context.Response.WriteAsJsonAsync(new { error = new { code = fault.Status == 429 ? "TooManyRequests" : "ServiceUnavailable", message = "Planned fault." } });
            return;
        }

        var path = request.Path.Value ?? "";
        if (request.Method == "POST" && path.EndsWith("/sendMail", StringComparison.OrdinalIgnoreCase))
        {
            var message = Get(body, "message")!;
            lock (_sentItems)
            {
                _sentItems.Add(new JsonObject
                {
                    ["id"] = Guid.NewGuid().ToString(),
                    ["subject"] = Get(message, "subject")?.GetValue<string>(),
                    ["conversationId"] = "conv-" + Guid.NewGuid().ToString("N"),
                    ["internetMessageId"] = $"<{Guid.NewGuid():N}@contoso.example>",
                    ["internetMessageHeaders"] = Get(message, "internetMessageHeaders")?.DeepClone(),
                });
            }

            AfterSendMail?.Invoke();
            context.Response.StatusCode = StatusCodes.Status202Accepted;
            return;
        }

        if (request.Method == "POST" && path.EndsWith("/sendActivityNotificationToRecipients", StringComparison.OrdinalIgnoreCase))
        {
            context.Response.StatusCode = StatusCodes.Status202Accepted;
            return;
        }

        if (request.Method == "POST" && path.EndsWith("/$batch", StringComparison.OrdinalIgnoreCase))
        {
            // JSON batching: each inner request answered as its own route would; the stand-in batches installation checks.
            var responses = new JsonArray();
            foreach (var inner in Get(body, "requests")!.AsArray())
            {
                var id = Get(inner, "id")!.GetValue<string>();
                var url = Get(inner, "url")!.GetValue<string>();
                var method = Get(inner, "method")!.GetValue<string>();
                var innerPath = url.Split('?')[0];
                JsonNode? answer = null;
                var status = 404;
                var segments = innerPath.Trim('/').Split('/');
                if (method == "GET" && segments is ["users", var name] && name.Contains('@', StringComparison.Ordinal))
                {
                    answer = new JsonObject { ["id"] = UserId(Uri.UnescapeDataString(name)) };
                    status = 200;
                }
                else if (method == "GET" && innerPath.EndsWith("/teamwork/installedApps", StringComparison.OrdinalIgnoreCase))
                {
                    var user = Uri.UnescapeDataString(innerPath.Split('/')[^3]);
                    var has = InstalledFor is null || InstalledFor.ContainsKey(user);
                    answer = new JsonObject { ["value"] = has ? new JsonArray(new JsonObject { ["id"] = "inst-1", ["teamsApp"] = new JsonObject { ["externalId"] = CatalogAppId } }) : new JsonArray() };
                    status = 200;
                }

                responses.Add(new JsonObject
                {
                    ["id"] = id,
                    ["status"] = status,
                    ["headers"] = new JsonObject { ["Content-Type"] = "application/json" },
                    ["body"] = answer ?? new JsonObject { ["error"] = new JsonObject { ["code"] = "ResourceNotFound", ["message"] = $"The stand-in does not batch {method} {innerPath}." } },
                });
            }

            await context.Response.WriteAsJsonAsync(new JsonObject { ["responses"] = responses });
            return;
        }

        if (request.Method == "GET" && path.EndsWith("/appCatalogs/teamsApps", StringComparison.OrdinalIgnoreCase))
        {
            var filter = request.Query["$filter"].ToString();
            var apps = CatalogAppId is { } known && filter.Contains(known, StringComparison.OrdinalIgnoreCase)
                ? new JsonArray(new JsonObject { ["id"] = "catalog-" + known, ["externalId"] = known, ["displayName"] = "Pipeline" })
                : [];
            await context.Response.WriteAsJsonAsync(new JsonObject { ["value"] = apps });
            return;
        }

        if (path.EndsWith("/teamwork/installedApps", StringComparison.OrdinalIgnoreCase))
        {
            var user = path.Split('/')[^3];
            if (request.Method == "POST")
            {
                InstalledFor?.TryAdd(user, true);
                context.Response.StatusCode = StatusCodes.Status201Created;
                return;
            }

            var has = InstalledFor is null || InstalledFor.ContainsKey(user);
            var installed = has ? new JsonArray(new JsonObject { ["id"] = "inst-1", ["teamsApp"] = new JsonObject { ["externalId"] = CatalogAppId } }) : [];
            await context.Response.WriteAsJsonAsync(new JsonObject { ["value"] = installed });
            return;
        }

        if (request.Method == "POST" && path.EndsWith("/createReply", StringComparison.OrdinalIgnoreCase))
        {
            var receivedId = path.Split('/')[^2];
            JsonObject? received;
            lock (_inbox)
            {
                received = _inbox.FirstOrDefault(m => m["id"]!.GetValue<string>() == receivedId);
            }

            if (received is null)
            {
                context.Response.StatusCode = StatusCodes.Status404NotFound;
                await context.Response.WriteAsJsonAsync(new { error = new { code = "ErrorItemNotFound", message = "The specified object was not found in the store." } });
                return;
            }

            var given = Get(body, "message") as JsonObject;
            var draft = new JsonObject
            {
                ["id"] = "draft-" + Guid.NewGuid().ToString("N"),
                ["subject"] = Get(given, "subject")?.DeepClone() ?? "RE: " + received["subject"]!.GetValue<string>(),
                ["conversationId"] = received["conversationId"]!.DeepClone(),
                ["body"] = Get(given, "body")?.DeepClone(),
                ["internetMessageHeaders"] = Get(given, "internetMessageHeaders")?.DeepClone(),
                ["inReplyTo"] = receivedId,
            };
            _drafts[draft["id"]!.GetValue<string>()] = draft;
            context.Response.StatusCode = StatusCodes.Status201Created;
            await context.Response.WriteAsJsonAsync(draft);
            return;
        }

        if (request.Method == "POST" && path.EndsWith("/send", StringComparison.OrdinalIgnoreCase))
        {
            var draftId = path.Split('/')[^2];
            if (!_drafts.TryRemove(draftId, out var draft))
            {
                context.Response.StatusCode = StatusCodes.Status404NotFound;
                return;
            }

            lock (_sentItems)
            {
                _sentItems.Add(draft);
            }

            ThreadReplies.Enqueue((draft["inReplyTo"]!.GetValue<string>(), draft));
            context.Response.StatusCode = StatusCodes.Status202Accepted;
            return;
        }

        if (request.Method == "POST" && path.EndsWith("/subscriptions", StringComparison.OrdinalIgnoreCase))
        {
            var created = (JsonObject)body!.DeepClone();
            created["id"] = Guid.NewGuid().ToString();
            _subscriptions[created["id"]!.GetValue<string>()] = created;
            context.Response.StatusCode = StatusCodes.Status201Created;
            await context.Response.WriteAsJsonAsync(created);
            return;
        }

        if (request.Method == "PATCH" && path.Contains("/subscriptions/", StringComparison.OrdinalIgnoreCase))
        {
            var id = path[(path.LastIndexOf('/') + 1)..];
            if (!_subscriptions.TryGetValue(id, out var subscription))
            {
                context.Response.StatusCode = StatusCodes.Status404NotFound;
                await context.Response.WriteAsJsonAsync(new { error = new { code = "ResourceNotFound", message = "The object was not found." } });
                return;
            }

            subscription["expirationDateTime"] = Get(body, "expirationDateTime")?.DeepClone();
            await context.Response.WriteAsJsonAsync(subscription);
            return;
        }

        if (request.Method == "GET" && path.Contains("/messages/delta", StringComparison.OrdinalIgnoreCase))
        {
            // Paged by $skiptoken (the next index); the last page carries a $deltatoken (the index to continue from).
            var from = int.TryParse(request.Query["$skiptoken"].FirstOrDefault() ?? request.Query["$deltatoken"].FirstOrDefault(), out var index) ? index : 0;
            JsonArray value;
            int count;
            lock (_inbox)
            {
                count = _inbox.Count;
                value = new JsonArray(_inbox.Skip(from).Take(DeltaPageSize).Select(m => (JsonNode)m.DeepClone()).ToArray());
            }

            var next = from + value.Count;
            var link = $"{BaseUrl}{path[(path.IndexOf("/users/", StringComparison.Ordinal))..]}";
            var page = new JsonObject { ["value"] = value };
            if (next < count)
            {
                page["@odata.nextLink"] = $"{link}?$skiptoken={next}";
            }
            else
            {
                page["@odata.deltaLink"] = $"{link}?$deltatoken={next}";
            }

            await context.Response.WriteAsJsonAsync(page);
            return;
        }

        if (request.Method == "GET" && path.Contains("/mailFolders/SentItems/messages", StringComparison.OrdinalIgnoreCase))
        {
            var filter = request.Query["$filter"].ToString();
            var subject = filter.StartsWith("subject eq '", StringComparison.Ordinal) ? filter[12..^1].Replace("''", "'", StringComparison.Ordinal) : null;
            JsonArray value;
            lock (_sentItems)
            {
                value = new JsonArray(_sentItems.Where(m => subject is null || m["subject"]?.GetValue<string>() == subject).Select(m => (JsonNode)m.DeepClone()).ToArray());
            }

            await context.Response.WriteAsJsonAsync(new JsonObject { ["value"] = value });
            return;
        }

        context.Response.StatusCode = StatusCodes.Status404NotFound;
        await context.Response.WriteAsJsonAsync(new { error = new { code = "ResourceNotFound", message = $"The stand-in does not serve {request.Method} {path}." } });
    }
}
