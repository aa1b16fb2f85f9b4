using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Pipeline.Core.Decisions;
using Pipeline.Core.Messages;
using Pipeline.Core.Shortlists;
using Pipeline.Domain.Replies;

namespace Pipeline.Functions.Tests.Support;

/// <summary>
/// A shortlist sent to Dana (who has a delegate) on a clock the test moves, and replies delivered to ProcessReply as
/// the inbox read would deliver them.
/// </summary>
public abstract class SentShortlistTests : IAsyncLifetime
{
    protected const string Manager = "dana.whitfield@contoso.example";
    private string _subject = null!;

    protected RunningHandler Handler { get; private set; } = null!;

    protected int Members { get; private set; }

    protected FakeTimeProvider Clock { get; } = new(new DateTimeOffset(2026, 11, 23, 9, 0, 0, TimeSpan.Zero));

    public async ValueTask InitializeAsync()
    {
        // A delegate may decide for Dana.
        Handler = await RunningHandler.StartAsync(
            prepareConfig: config =>
            {
                var path = Path.Combine(config, "requisitions.json");
                File.WriteAllText(path, File.ReadAllText(path).Replace(
                    "\"hiringManager\": { \"email\": \"dana.whitfield@contoso.example\", \"name\": \"Dana Whitfield\" },",
                    "\"hiringManager\": { \"email\": \"dana.whitfield@contoso.example\", \"name\": \"Dana Whitfield\" }, \"delegates\": [ { \"email\": \"omar.haddad@contoso.example\", \"name\": \"Omar Haddad\" } ],",
                    StringComparison.Ordinal));
            },
            time: Clock);
        var ready = await Handler.SendShortlistAsync();
        var shortlist = await Handler.Services.GetRequiredService<ShortlistStore>().GetAsync("ml-engineer-platform", ready.GetProperty("version").GetInt32(), default);
        Members = shortlist!.Members.Count;
        _subject = "RE: Shortlist: Machine Learning Engineer [" + shortlist.ReferenceToken + "]";
    }

    public async ValueTask DisposeAsync() => await Handler.DisposeAsync();

    protected async Task<JsonElement> DeliverAsync(string body, string from = Manager, string? subject = null, string id = "<reply-1@mail.contoso.example>", int deliveryCount = 1)
    {
        var (response, answer) = await Handler.PostAsync("ProcessReply", RunningHandler.ServiceBusEnvelope("reply", new IncomingReply
        {
            InternetMessageId = id, From = from, Subject = subject ?? _subject, Body = body, ReceivedAt = DateTimeOffset.UtcNow,
        }, deliveryCount));
        Assert.True(response.IsSuccessStatusCode, answer.ToString());
        return answer.GetProperty("ReturnValue");
    }

    protected async Task<List<RecordedDecision>> DecisionsAsync()
    {
        var list = new List<RecordedDecision>();
        await foreach (var d in Handler.Services.GetRequiredService<DecisionStore>().ListAsync("ml-engineer-platform", default))
        {
            list.Add(d);
        }

        return list;
    }

    protected string[] Outbox(string folder) => Directory.GetFiles(Path.Combine(Handler.DataDirectory, "outbox", folder));
}
