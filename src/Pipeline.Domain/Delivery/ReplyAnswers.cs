using System.Globalization;
using System.Text.RegularExpressions;
using Pipeline.Domain.Replies;
using Pipeline.Domain.Requisitions;
using Pipeline.Domain.Shortlists;

namespace Pipeline.Domain.Delivery;

/// <summary>
/// What Pipeline answers a hiring manager's reply with: a confirmation of what it recorded, a clarification that
/// lists what it understood and what it did not (recording nothing), or a note that the requisition is closed. Every
/// value from outside (titles, names, the manager's own sentences) is HTML-encoded.
/// </summary>
public static partial class ReplyAnswers
{
    /// <summary>The shortlist reference in a subject (<c>Re: Shortlist: … [SL-7Q4K2M]</c>), or null.</summary>
    public static string? ReferenceIn(string? subject) => subject is not null && Reference().Match(subject) is { Success: true } m ? m.Value : null;

    public static string Subject(string originalSubject) =>
        originalSubject.StartsWith("re:", StringComparison.OrdinalIgnoreCase) ? originalSubject : "Re: " + originalSubject;

    /// <param name="revealed">
    /// On a blind shortlist, the names of the candidates chosen for interview, shared now that the decision is made
    /// (the shortlist email promised as much); others stay numbered.
    /// </param>
    /// <param name="replaced">Candidates whose earlier decision this reply changed, with that earlier decision.</param>
    public static MailBody Confirmation(
        Requisition requisition, Shortlist shortlist, ParsedReply reply, IReadOnlyDictionary<int, string>? revealed = null, IReadOnlyDictionary<int, Decision>? replaced = null)
    {
        var body = Start(requisition)
            .Paragraph(p => p.Words("Recorded for ").Value(requisition.Title).Words(" (shortlist ").Value(shortlist.ReferenceToken).Words("):"))
            .List(reply.Decisions, (item, decision) =>
            {
                item.Value(Line(decision, shortlist, revealed));
                // TryGetValue, not GetValueOrDefault: the default Decision is a decision (Interview), not "none".
                if (replaced is not null && replaced.TryGetValue(decision.Candidate, out var earlier))
                {
                    item.Words(" (changed from “").Value(Verb(earlier)).Words("”)");
                }
            });
        if (revealed is { Count: > 0 })
        {
            body.Paragraph(p => p.Words("Now that you have chosen them, the names of the candidates to interview are shown above."));
        }

        body.Paragraph(p => p.Words("The recruiters have been told. To change a decision, reply again."));
        return End(body);
    }

    public static MailBody Clarification(Requisition requisition, Shortlist shortlist, ParsedReply reply)
    {
        var body = Start(requisition).Paragraph(p => p.Words("Thank you. Nothing is recorded yet, because part of your reply was not clear to me."));
        if (reply.Decisions.Count > 0)
        {
            body.Paragraph(p => p.Words("What I understood:")).List(reply.Decisions, (item, decision) => item.Value(Line(decision, shortlist)));
        }

        body.Paragraph(p => p.Words("What I could not use:")).List(reply.Unclear, (item, unclear) => item.Value(unclear))
            .Paragraph(p => p.Words("Please reply with a decision for each candidate you want to decide, for example ").Example("interview 1 and 3, pass on 2, hold 4").Words("."));
        return End(body);
    }

    public static MailBody Closed(Requisition requisition) =>
        End(Start(requisition).Paragraph(p => p.Value(requisition.Title).Words(" is closed, so nothing was recorded. If it should be open, please tell the recruiters.")));

    /// <summary>A reminder to the hiring manager that a shortlist still waits for a decision.</summary>
    public static MailBody Reminder(Requisition requisition, Shortlist shortlist, int days) =>
        End(Start(requisition).Paragraph(p => p
            .Words("The shortlist for ").Value(requisition.Title).Words(" (").Value(shortlist.ReferenceToken).Words(") has waited ")
            .Words(days.ToString(CultureInfo.InvariantCulture)).Words(" days for your decision. Reply to the shortlist email, for example ")
            .Example("interview 1 and 3, pass on 2").Words(".")));

    /// <summary>To the delegates: the hiring manager has not decided; they may.</summary>
    public static MailBody Escalation(Requisition requisition, Shortlist shortlist, int days) =>
        End(Start(greeting: null).Paragraph(p => p
            .Words("The shortlist for ").Value(requisition.Title).Words(" (").Value(shortlist.ReferenceToken).Words(") has had no decision for ")
            .Words(days.ToString(CultureInfo.InvariantCulture)).Words(" days. As a delegate of ").Value(requisition.HiringManager.Name ?? requisition.HiringManager.Email)
            .Words(", you may decide: reply with the reference in the subject, for example ").Example("interview 1 and 3, pass on 2").Words(".")));

    /// <summary>The Teams notification to the recruiters when a shortlist waits too long.</summary>
    public static TeamsActivity Escalated(Requisition requisition, Shortlist shortlist, int days, string teamsAppId)
    {
        var manager = requisition.HiringManager.Name ?? "The hiring manager";
        var preview = $"{requisition.Title}: no decision on the shortlist for {days} days ({manager})";
        var context = Uri.EscapeDataString($"{{\"subEntityId\":\"{requisition.Id}/{shortlist.Version}\"}}");
        return new TeamsActivity(
            TeamsActivity.ShortlistWaitingType,
            $"{requisition.Title} shortlist",
            $"https://teams.microsoft.com/l/entity/{teamsAppId}/shortlists?context={context}",
            TeamsActivity.Preview(preview),
            [new("requisitionTitle", requisition.Title), new("days", days.ToString(CultureInfo.InvariantCulture)), new("reference", shortlist.ReferenceToken)],
            requisition.Recruiters);
    }

    /// <summary>The Teams notification to the recruiters once decisions are recorded.</summary>
    public static TeamsActivity DecisionsRecorded(Requisition requisition, Shortlist shortlist, ParsedReply reply, string teamsAppId)
    {
        int Count(Decision d) => reply.Decisions.Count(x => x.Decision == d);
        var manager = requisition.HiringManager.Name ?? "The hiring manager";
        var preview = $"{manager} decided on {requisition.Title}: {Count(Decision.Interview)} to interview, {Count(Decision.Reject)} passed, {Count(Decision.Hold)} on hold";
        var context = Uri.EscapeDataString($"{{\"subEntityId\":\"{requisition.Id}/{shortlist.Version}/decisions\"}}");
        return new TeamsActivity(
            TeamsActivity.DecisionsRecordedType,
            $"{requisition.Title} decisions",
            $"https://teams.microsoft.com/l/entity/{teamsAppId}/shortlists?context={context}",
            TeamsActivity.Preview(preview),
            [
                new("requisitionTitle", requisition.Title),
                new("hiringManager", manager),
                new("interviewCount", Count(Decision.Interview).ToString(CultureInfo.InvariantCulture)),
                new("reference", shortlist.ReferenceToken),
            ],
            requisition.Recruiters);
    }

    private static string Line(CandidateDecision decision, Shortlist shortlist, IReadOnlyDictionary<int, string>? revealed = null)
    {
        var name = shortlist.Members.FirstOrDefault(m => m.Rank == decision.Candidate)?.Card.Name ?? revealed?.GetValueOrDefault(decision.Candidate);
        var who = $"#{decision.Candidate}{(name is null ? string.Empty : " " + name)}";
        return $"{Verb(decision.Decision)} {who} — from “{decision.Sentence}”";
    }

    private static string Verb(Decision decision) => decision switch
    {
        Decision.Interview => "interview",
        Decision.Reject => "pass on",
        _ => "hold",
    };

    private static MailWriter Start(Requisition requisition) => Start(requisition.HiringManager.Name);

    private static MailWriter Start(string? greeting) =>
        new MailWriter()
            .Markup("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"></head><body style=\"font-family:Segoe UI,Arial,sans-serif;font-size:14px\">")
            .Paragraph(p => (greeting is null ? p.Words("Hello") : p.Words("Hello ").Value(greeting)).Words(","));

    private static MailBody End(MailWriter body) => body.Markup("</body></html>").ToBody();

    [GeneratedRegex(@"SL-[2-9A-HJ-NP-Z]{6}")]
    private static partial Regex Reference();
}
