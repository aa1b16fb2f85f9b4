using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Pipeline.Core.Decisions;
using Pipeline.Core.Messages;
using Pipeline.Domain.Replies;
using Pipeline.Testing;
using Pipeline.Functions.Tests.Decision;

namespace Pipeline.Functions.Tests.Flows;

/// <summary>
/// Exactly once under concurrent delivery: the same message, reply or decision link delivered ten times at once, half
/// of them to each of two handlers sharing one store (as two function app instances do), has its effect once.
/// </summary>
public abstract class ExactlyOnceTests : IAsyncLifetime
{
    private const int Deliveries = 10;
    private const string Manager = "dana.whitfield@contoso.example";
    private static readonly byte[] Key = System.Security.Cryptography.RandomNumberGenerator.GetBytes(32);
    private GraphStandIn _graph = null!;
    private RunningHandler[] _handlers = [];

    /// <summary>Settings that put both handlers on one shared store.</summary>
    protected abstract Dictionary<string, string?> StoreSettings(RunningHandler? first);

    public async ValueTask InitializeAsync()
    {
        _graph = await GraphStandIn.StartAsync();
        var first = await RunningHandler.StartAsync(settings: Settings(null));
        var second = await RunningHandler.StartAsync(settings: Settings(first));
        _handlers = [first, second];
    }

    private Dictionary<string, string?> Settings(RunningHandler? first)
    {
        var settings = RunningHandler.GraphSettings(_graph, ("Pipeline:DecisionLinkKey", Convert.ToBase64String(Key)), ("Pipeline:PublicBaseUrl", "https://pipeline.contoso.example"));
        foreach (var (key, value) in StoreSettings(first))
        {
            settings[key] = value;
        }

        return settings;
    }

    public async ValueTask DisposeAsync()
    {
        // The second uses the first's data folder: it goes first.
        for (var i = _handlers.Length - 1; i >= 0; i--)
        {
            await _handlers[i].DisposeAsync();
        }

        await _graph.DisposeAsync();
    }

    /// <summary>Posts the same invocation <see cref="Deliveries"/> times at once, alternating between the handlers.</summary>
    private async Task<(HttpResponseMessage Response, JsonElement Body)[]> AllAtOnceAsync(string function, Func<string> invocation) =>
        await Task.WhenAll(Enumerable.Range(0, Deliveries).Select(i => Task.Run(() => _handlers[i % _handlers.Length].PostAsync(function, invocation()))));

    private static long Sum(IEnumerable<(HttpResponseMessage Response, JsonElement Body)> answers, string metric) =>
        answers.Where(a => a.Response.IsSuccessStatusCode)
            .Sum(a => a.Body.GetProperty("ReturnValue") is { ValueKind: JsonValueKind.Object } counts && counts.TryGetProperty(metric, out var n) ? n.GetInt64() : 0);

    private async Task<List<RecordedDecision>> DecisionsAsync()
    {
        var list = new List<RecordedDecision>();
        await foreach (var d in _handlers[0].Services.GetRequiredService<DecisionStore>().ListAsync("ml-engineer-platform", default))
        {
            list.Add(d);
        }

        return list;
    }

    /// <summary>A shortlist built and sent once, as the test's starting point; answers the email Graph was asked to send.</summary>
    private async Task<JsonNode> SendShortlistOnceAsync()
    {
        var ready = (await _handlers[0].BuildShortlistAsync()).GetRawText();
        var (response, body) = await _handlers[0].PostAsync("NotifyShortlist", RunningHandler.ServiceBusEnvelope("notification", ready));
        Assert.True(response.IsSuccessStatusCode, body.ToString());
        return GraphStandIn.Get(Assert.Single(_graph.SendMails).Body, "message")!;
    }

    [Fact]
    public async Task NotifyShortlist_SameMessageTenTimesAtOnce_SendsOneEmailAndOneTeamsNotification()
    {
        var ready = (await _handlers[0].BuildShortlistAsync()).GetRawText();

        // The same message, ten times at once (a lock that expired mid-work, a redelivered BuildShortlist output).
        var notified = await AllAtOnceAsync("NotifyShortlist", () => RunningHandler.ServiceBusEnvelope("notification", ready));

        Assert.Single(_graph.SendMails);
        Assert.Single(_graph.Activities);
        Assert.Equal(1, Sum(notified, "emails"));
        Assert.Equal(1, Sum(notified, "notifications"));
        // An attempt that found the effect in another's hands either saw it done, or failed to be redelivered later.
        Assert.All(notified.Where(a => !a.Response.IsSuccessStatusCode), a => Assert.Contains("in progress", a.Body.ToString(), StringComparison.Ordinal));
    }

    [Fact]
    public async Task Decision_SameLinkConfirmedTenTimesAtOnce_RecordsOnce_AndRefusesTheRest()
    {
        var message = await SendShortlistOnceAsync();
        var html = WebUtility.HtmlDecode(GraphStandIn.Get(GraphStandIn.Get(message, "body"), "content")!.GetValue<string>());
        var links = System.Text.RegularExpressions.Regex.Matches(html, @"https://pipeline\.contoso\.example/api/decision\?t=([A-Za-z0-9_%\-.]+)")
            .Select(m => Uri.UnescapeDataString(m.Groups[1].Value))
            .Where(t => DecisionLinks.Verify(Key, t, DateTimeOffset.UtcNow).Claims is { Candidate: <= 3, Decision: Domain.Replies.Decision.Interview })
            .Distinct()
            .ToList();
        Assert.Equal(3, links.Count);

        // Three rounds, a candidate each: more chances for the ten to overlap.
        foreach (var link in links)
        {
            // Each handler shows the link once first (records nothing), so the ten confirmations meet warm code paths.
            foreach (var handler in _handlers)
            {
                await handler.PostAsync("Decision", DecisionTests.Http("GET", query: new Dictionary<string, string> { ["t"] = link }));
            }

            var clicked = await AllAtOnceAsync("Decision", () => DecisionTests.Http("POST", body: "t=" + Uri.EscapeDataString(link)));

            var statuses = clicked.Select(c => DecisionTests.Page(c.Body).Status).ToList();
            Assert.Equal(1, statuses.Count(s => s == 200));
            Assert.Equal(Deliveries - 1, statuses.Count(s => s == 409));
            Assert.Equal(1, Sum(clicked, "decisions"));
        }

        var decisions = await DecisionsAsync();
        Assert.Equal([(1, Domain.Replies.Decision.Interview, "link"), (2, Domain.Replies.Decision.Interview, "link"), (3, Domain.Replies.Decision.Interview, "link")], decisions.Select(d => (d.Candidate, d.Decision, d.Source)).Order());
    }

    [Fact]
    public async Task ProcessReply_SameReplyTenTimesAtOnce_RecordsOnceConfirmsOnceAndNotifiesOnce()
    {
        var message = await SendShortlistOnceAsync();
        var reply = new IncomingReply
        {
            InternetMessageId = "<reply-concurrent@mail.contoso.example>", From = Manager,
            Subject = "RE: " + GraphStandIn.Get(message, "subject")!.GetValue<string>(), Body = "Yes to 1, pass on 2.", ReceivedAt = DateTimeOffset.UtcNow,
        };

        var replied = await AllAtOnceAsync("ProcessReply", () => RunningHandler.ServiceBusEnvelope("reply", reply));

        Assert.Equal(2, Sum(replied, "decisions"));
        Assert.All(replied.Where(a => !a.Response.IsSuccessStatusCode), a => Assert.Contains("in progress", a.Body.ToString(), StringComparison.Ordinal));
        // One confirmation (a new message, since this reply has no Graph id to answer in its thread) besides the shortlist.
        Assert.Equal(2, _graph.SendMails.Count() + _graph.ThreadReplies.Count);
        Assert.Equal(2, _graph.Activities.Count()); // the shortlist's and the decisions'
        var decisions = await DecisionsAsync();
        Assert.Equal([(1, Domain.Replies.Decision.Interview), (2, Domain.Replies.Decision.Reject)], decisions.Select(d => (d.Candidate, d.Decision)).Order());
    }
}

/// <summary>Two handlers on one SQLite file.</summary>
public sealed class SqliteExactlyOnceTests : ExactlyOnceTests
{
    protected override Dictionary<string, string?> StoreSettings(RunningHandler? first) =>
        first is null ? [] : new() { ["Pipeline:DataDirectory"] = first.DataDirectory };
}

/// <summary>Two handlers on one Azure Table storage account (Azurite).</summary>
[Trait("Category", "Azurite")]
[Collection(AzuriteCollection.Name)]
public sealed class AzuriteExactlyOnceTests(AzuriteFixture azurite) : ExactlyOnceTests
{
    private readonly string _prefix = "once" + Guid.NewGuid().ToString("N")[..10];

    protected override Dictionary<string, string?> StoreSettings(RunningHandler? first) => new()
    {
        ["Pipeline:TableConnectionString"] = azurite.Require(),
        ["Pipeline:TablePrefix"] = _prefix,
    };
}
