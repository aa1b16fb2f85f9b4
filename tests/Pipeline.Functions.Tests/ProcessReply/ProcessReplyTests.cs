using Pipeline.Testing;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Pipeline.Core.Candidates;
using Pipeline.Core.Decisions;
using Pipeline.Domain.Replies;

namespace Pipeline.Functions.Tests.ProcessReply;

/// <summary>A hiring manager's reply, end to end through ProcessReply: recorded, confirmed and announced once; others ignored.</summary>
public sealed class ProcessReplyTests : SentShortlistTests
{
    [Fact]
    public async Task ClearReply_IsRecordedConfirmedAndAnnounced_OnceEvenWhenDeliveredTwice()
    {
        Assert.True(Members >= 2);
        var mailBefore = Outbox("mail").Length;
        var teamsBefore = Outbox("teams").Length;

        var first = await DeliverAsync("Yes to 1, pass on 2.\n\nThanks,\nDana\n\nOn Tue, Talent Pipeline wrote:\n> yes to all");
        var again = await DeliverAsync("Yes to 1, pass on 2.\n\nThanks,\nDana", deliveryCount: 2);

        Assert.Equal(2, first.GetProperty("decisions").GetInt32());
        Assert.Equal(0, again.GetProperty("decisions").GetInt32());
        var recorded = await DecisionsAsync();
        Assert.Equal([(1, Domain.Replies.Decision.Interview), (2, Domain.Replies.Decision.Reject)], recorded.Select(d => (d.Candidate, d.Decision)).Order());
        Assert.All(recorded, d => Assert.Equal(("reply", "<reply-1@mail.contoso.example>"), (d.Source, d.MessageId)));
        Assert.Equal("Yes to 1, pass on 2.", recorded[0].Evidence);
        Assert.Equal(mailBefore + 1, Outbox("mail").Length);
        Assert.Equal(teamsBefore + 1, Outbox("teams").Length);
        var confirmation = OutboxMail.Read(Outbox("mail").Single(f => f.Contains("-confirmation", StringComparison.Ordinal)));
        Assert.Equal("reply-1@mail.contoso.example", confirmation.Message.InReplyTo);
        Assert.Equal(["reply-1@mail.contoso.example"], confirmation.Message.References);

        // The blind shortlist promised names once decided: the candidate to interview is named, the one passed on is not.
        var html = confirmation.Html!;
        var chosen = (await Handler.Services.GetRequiredService<CandidateStore>().GetAsync(recorded.Single(d => d.Candidate == 1).CandidateId, default)).Profile!.Name!;
        var passed = (await Handler.Services.GetRequiredService<CandidateStore>().GetAsync(recorded.Single(d => d.Candidate == 2).CandidateId, default)).Profile!.Name!;
        Assert.Contains(System.Text.Encodings.Web.HtmlEncoder.Default.Encode(chosen), html, StringComparison.Ordinal);
        Assert.DoesNotContain(System.Text.Encodings.Web.HtmlEncoder.Default.Encode(passed), html, StringComparison.Ordinal);
        Assert.Contains(chosen, confirmation.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("changed from", confirmation.Text, StringComparison.Ordinal); // a first decision changes nothing
        Assert.DoesNotContain(passed, confirmation.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OutOfOfficeReply_RecordsNothing_AndAsksNothing()
    {
        var mailBefore = Outbox("mail").Length;

        var answer = await DeliverAsync("I am out of the office until 7 December with limited access to email. For urgent matters, contact Omar Haddad.", id: "<ooo@mail.contoso.example>");

        Assert.Equal(1, answer.GetProperty("autoReplies").GetInt32());
        Assert.False(answer.TryGetProperty("clarifications", out _)); // a question to an auto-reply starts a loop
        Assert.Empty(await DecisionsAsync());
        Assert.Equal(mailBefore, Outbox("mail").Length);
    }

    [Fact]
    public async Task Correction_InALaterReply_ChangesTheDecision_AuditedConfirmedAndAnnounced()
    {
        await DeliverAsync("Yes to 1, pass on 2.");
        var teamsBefore = Outbox("teams").Length;

        var answer = await DeliverAsync("Correction: 2 is an interview after all.", id: "<reply-2@mail.contoso.example>");

        Assert.Equal(1, answer.GetProperty("decisions").GetInt32());
        var standing = await DecisionsAsync();
        Assert.Equal([(1, Domain.Replies.Decision.Interview), (2, Domain.Replies.Decision.Interview)], standing.Select(d => (d.Candidate, d.Decision)).Order());
        var changes = new List<Pipeline.Storage.TableEntity>();
        await foreach (var entry in Handler.Services.GetRequiredService<AuditStore>().ListAsync("ml-engineer-platform", default))
        {
            changes.Add(entry);
        }

        var change = Assert.Single(changes, e => e.GetString("Kind") == "decision-changed");
        Assert.Equal(Manager, change.GetString("Who"));
        Assert.Contains("candidate 2: Reject", change.GetString("Detail"), StringComparison.Ordinal);
        Assert.EndsWith("-> Interview", change.GetString("Detail"), StringComparison.Ordinal);
        var confirmation = OutboxMail.Read(Outbox("mail").Single(f => f.Contains("-confirmation", StringComparison.Ordinal) && f.Contains(Scope("<reply-2@mail.contoso.example>"), StringComparison.Ordinal)));
        Assert.Contains("(changed from “pass on”)", confirmation.Html, StringComparison.Ordinal);
        Assert.Contains("(changed from “pass on”)", confirmation.Text, StringComparison.Ordinal);
        Assert.Equal(teamsBefore + 1, Outbox("teams").Length); // the recruiters are told
    }

    private static string Scope(string internetMessageId) =>
        "reply-" + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(internetMessageId)))[..16];

    [Fact]
    public async Task UnclearReply_RecordsNothing_AndAsksForClarification()
    {
        var mailBefore = Outbox("mail").Length;

        var answer = await DeliverAsync("Yes to 1. What about 2?");

        Assert.Equal(1, answer.GetProperty("clarifications").GetInt32());
        Assert.Empty(await DecisionsAsync());
        Assert.Equal(mailBefore + 1, Outbox("mail").Length);
    }

    [Fact]
    public async Task Delegate_IsCopiedOnTheShortlist_MayDecide_AndIsRecordedAsTheOneWhoDid()
    {
        var shortlistEmail = OutboxMail.Read(Outbox("mail").Single(f => f.Contains("ml-engineer-platform", StringComparison.Ordinal) && f.Contains("-email-", StringComparison.Ordinal)));
        var cc = Assert.Single(shortlistEmail.Message.Cc.Mailboxes);
        Assert.Equal(("Omar Haddad", "omar.haddad@contoso.example"), (cc.Name, cc.Address));

        var answer = await DeliverAsync("Interview 2 please", from: "Omar.Haddad@contoso.example");

        Assert.Equal(1, answer.GetProperty("decisions").GetInt32());
        Assert.Equal("omar.haddad@contoso.example", Assert.Single(await DecisionsAsync()).By);
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
        var audited = new List<Pipeline.Storage.TableEntity>();
        await foreach (var e in Handler.Services.GetRequiredService<AuditStore>().ListAsync(counted == "repliesIgnored" ? "ml-engineer-platform" : "unmatched", default))
        {
            audited.Add(e);
        }

        Assert.Equal(from, Assert.Single(audited).GetString("Who"));
    }
}
