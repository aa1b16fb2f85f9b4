using System.Net;
using Pipeline.Domain.Delivery;
using Pipeline.Domain.Replies;
using Pipeline.Domain.Requisitions;
using Pipeline.Domain.Shortlists;

namespace Pipeline.Domain.Tests;

/// <summary>The answers to a hiring manager's reply: the HTML and the plain text say the same, each in its own form.</summary>
public class ReplyAnswersTests
{
    private static readonly Requisition Requisition = new()
    {
        Id = "ml", Title = "ML <Engineer>", HiringManager = new Contact("hm@contoso.example", "Dana & Co"), RequiredSkills = ["PyTorch"],
    };

    private static readonly Shortlist Shortlist = new("ml", 2,
    [
        new ShortlistMember(1, "c1", 1.0, [], new CandidateCard("Uni", "MSc", null, [], ["PyTorch"], [])),
        new ShortlistMember(2, "c2", 0.9, [], new CandidateCard("Uni", "MSc", null, [], ["PyTorch"], [])),
    ]);

    private static readonly ParsedReply Reply = new([new CandidateDecision(1, Decision.Interview, "yes to 1 <b>now</b>"), new CandidateDecision(2, Decision.Reject, "pass on 2")], []);

    public static TheoryData<string> Answers => ["confirmation", "clarification", "closed", "reminder", "escalation"];

    private static MailBody Answer(string kind) => kind switch
    {
        "confirmation" => ReplyAnswers.Confirmation(Requisition, Shortlist, Reply, revealed: new Dictionary<int, string> { [1] = "Ana Lima" }, replaced: new Dictionary<int, Decision> { [2] = Decision.Hold }),
        "clarification" => ReplyAnswers.Clarification(Requisition, Shortlist, Reply with { Unclear = ["what about <3>?"] }),
        "closed" => ReplyAnswers.Closed(Requisition),
        "reminder" => ReplyAnswers.Reminder(Requisition, Shortlist, 4),
        _ => ReplyAnswers.Escalation(Requisition, Shortlist, 9),
    };

    [Theory]
    [MemberData(nameof(Answers))]
    public void Answer_TextSaysWhatTheHtmlSays_WithoutMarkup(string kind)
    {
        var body = Answer(kind);

        // Every sentence of the HTML, its tags removed and entities decoded, is a sentence of the text.
        var htmlWords = Words(WebUtility.HtmlDecode(System.Text.RegularExpressions.Regex.Replace(System.Text.RegularExpressions.Regex.Replace(body.Html, "</?(em|strong)>", ""), "<[^>]+>", " ")));
        Assert.Equal(Unquoted(htmlWords), Unquoted(Words(body.Text.Replace("\n- ", " ", StringComparison.Ordinal))));
        Assert.DoesNotContain("<p>", body.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("&amp;", body.Text, StringComparison.Ordinal);
        Assert.Contains("Dana & Co", body.Text, StringComparison.Ordinal);
        Assert.Contains("Dana &amp; Co", body.Html, StringComparison.Ordinal);
    }

    [Fact]
    public void Confirmation_ListsEachDecision_OnALineOfItsOwn_InBothForms()
    {
        var body = Answer("confirmation");

        Assert.Contains("\n- interview #1 Ana Lima — from “yes to 1 <b>now</b>”\n", body.Text, StringComparison.Ordinal);
        Assert.Contains("\n- pass on #2 — from “pass on 2” (changed from “hold”)\n", body.Text, StringComparison.Ordinal);
        Assert.Contains("<li>interview #1 Ana Lima — from “yes to 1 <b>now</b>”</li>", WebUtility.HtmlDecode(body.Html), StringComparison.Ordinal);
        Assert.DoesNotContain("<b>now</b>", body.Html, StringComparison.Ordinal);
        Assert.StartsWith("Hello Dana & Co,\n\nRecorded for ML <Engineer> (shortlist ", body.Text, StringComparison.Ordinal);
    }

    /// <summary>The text quotes the examples the HTML sets in italics; compared without quotes.</summary>
    private static string Unquoted(string text) => text.Replace("“", "", StringComparison.Ordinal).Replace("”", "", StringComparison.Ordinal);

    private static string Words(string text) => string.Join(' ', text.Split((char[])[' ', '\n', '\r', '\t'], StringSplitOptions.RemoveEmptyEntries));
}
