using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Pipeline.Domain.Replies;
using Pipeline.Functions.Messages;
using Pipeline.Functions.Stores;

namespace Pipeline.Functions.Tests;

/// <summary>A hiring manager's reply, end to end through ProcessReply: recorded, confirmed and announced once; others ignored.</summary>
public sealed class ProcessReplyTests : IAsyncLifetime
{
    private const string Manager = "dana.whitfield@contoso.example";
    private RunningHandler _handler = null!;
    private string _subject = null!;
    private int _members;

    public async ValueTask InitializeAsync()
    {
        _handler = await RunningHandler.StartAsync();
        foreach (var page in (await _handler.PollFeedsAsync()).Pages)
        {
            await _handler.PostAsync("ScreenCandidates", RunningHandler.ServiceBusEnvelope("page", page.GetRawText()));
        }

        var (_, built) = await _handler.PostAsync("BuildShortlist", RunningHandler.ServiceBusEnvelope("request", new ShortlistRequest { RequisitionId = "ml-engineer-platform" }));
        var ready = RunningHandler.Messages(built, "notifications")[0];
        await _handler.PostAsync("NotifyShortlist", RunningHandler.ServiceBusEnvelope("notification", ready.GetRawText()));
        var shortlist = await _handler.Services.GetRequiredService<ShortlistStore>().GetAsync("ml-engineer-platform", ready.GetProperty("version").GetInt32(), default);
        _members = shortlist!.Members.Count;
        _subject = "RE: Shortlist: Machine Learning Engineer [" + shortlist.ReferenceToken + "]";
    }

    public async ValueTask DisposeAsync() => await _handler.DisposeAsync();

    private async Task<JsonElement> DeliverAsync(string body, string from = Manager, string? subject = null, string id = "<reply-1@mail.contoso.example>", int deliveryCount = 1)
    {
        var (response, answer) = await _handler.PostAsync("ProcessReply", RunningHandler.ServiceBusEnvelope("reply", new IncomingReply
        {
            InternetMessageId = id, From = from, Subject = subject ?? _subject, Body = body, ReceivedAt = DateTimeOffset.UtcNow,
        }, deliveryCount));
        Assert.True(response.IsSuccessStatusCode, answer.ToString());
        return answer.GetProperty("ReturnValue");
    }

    private async Task<List<RecordedDecision>> DecisionsAsync()
    {
        var list = new List<RecordedDecision>();
        await foreach (var d in _handler.Services.GetRequiredService<DecisionStore>().ListAsync("ml-engineer-platform", default))
        {
            list.Add(d);
        }

        return list;
    }

    private string[] Outbox(string folder) => Directory.GetFiles(Path.Combine(_handler.DataDirectory, "outbox", folder));

    [Fact]
    public async Task ClearReply_IsRecordedConfirmedAndAnnounced_OnceEvenWhenDeliveredTwice()
    {
        Assert.True(_members >= 2);
        var mailBefore = Outbox("mail").Length;
        var teamsBefore = Outbox("teams").Length;

        var first = await DeliverAsync("Yes to 1, pass on 2.\n\nThanks,\nDana\n\nOn Tue, Talent Pipeline wrote:\n> yes to all");
        var again = await DeliverAsync("Yes to 1, pass on 2.\n\nThanks,\nDana", deliveryCount: 2);

        Assert.Equal(2, first.GetProperty("decisions").GetInt32());
        Assert.Equal(0, again.GetProperty("decisions").GetInt32());
        var recorded = await DecisionsAsync();
        Assert.Equal([(1, Decision.Interview), (2, Decision.Reject)], recorded.Select(d => (d.Candidate, d.Decision)).Order());
        Assert.All(recorded, d => Assert.Equal(("reply", "<reply-1@mail.contoso.example>"), (d.Source, d.MessageId)));
        Assert.Equal("Yes to 1, pass on 2.", recorded[0].Evidence);
        Assert.Equal(mailBefore + 1, Outbox("mail").Length);
        Assert.Equal(teamsBefore + 1, Outbox("teams").Length);
    }

    [Fact]
    public async Task UnclearReply_RecordsNothing_AndAsksForClarification()
    {
        var mailBefore = Outbox("mail").Length;

        var answer = await DeliverAsync("Yes to 1. What about 2?");

        Assert.Equal(1, answer.GetProperty("clarifications").GetInt32());
        Assert.Empty(await DecisionsAsync());
        Assert.Equal(mailBefore + 1, Outbox("mail").Length);
    }

    [Theory]
    [InlineData("someone.else@contoso.example", null, "repliesIgnored")]
    [InlineData(Manager, "Re: lunch on Friday?", "repliesUncorrelated")]
    [InlineData(Manager, "Re: Shortlist [SL-ZZZZZZ]", "repliesUncorrelated")]
    public async Task ReplyFromSomeoneElse_OrAboutNoShortlist_IsIgnored(string from, string? subject, string counted)
    {
        var answer = await DeliverAsync("Yes to all of them", from, subject);

        Assert.Equal(1, answer.GetProperty(counted).GetInt32());
        Assert.Empty(await DecisionsAsync());
    }
}
