using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
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
    private static readonly HtmlEncoder Encoder = HtmlEncoder.Default;

    /// <summary>The shortlist reference in a subject (<c>Re: Shortlist: … [SL-7Q4K2M]</c>), or null.</summary>
    public static string? ReferenceIn(string? subject) => subject is not null && Reference().Match(subject) is { Success: true } m ? m.Value : null;

    public static string Subject(string originalSubject) =>
        originalSubject.StartsWith("re:", StringComparison.OrdinalIgnoreCase) ? originalSubject : "Re: " + originalSubject;

    /// <param name="revealed">
    /// On a blind shortlist, the names of the candidates chosen for interview, shared now that the decision is made
    /// (the shortlist email promised as much); others stay numbered.
    /// </param>
    /// <param name="replaced">Candidates whose earlier decision this reply changed, with that earlier decision.</param>
    public static string Confirmation(
        Requisition requisition, Shortlist shortlist, ParsedReply reply, IReadOnlyDictionary<int, string>? revealed = null, IReadOnlyDictionary<int, Decision>? replaced = null)
    {
        var html = Start(requisition);
        html.Append("<p>Recorded for ").Append(E(requisition.Title)).Append(" (shortlist ").Append(E(shortlist.ReferenceToken)).Append("):</p><ul>");
        foreach (var decision in reply.Decisions)
        {
            html.Append("<li>").Append(E(Line(decision, shortlist, revealed)));
            if (replaced?.GetValueOrDefault(decision.Candidate) is { } earlier)
            {
                html.Append(" (changed from “").Append(E(Verb(earlier))).Append("”)");
            }

            html.Append("</li>");
        }

        html.Append("</ul>");
        if (revealed is { Count: > 0 })
        {
            html.Append("<p>Now that you have chosen them, the names of the candidates to interview are shown above.</p>");
        }

        html.Append("<p>The recruiters have been told. To change a decision, reply again.</p>");
        return End(html);
    }

    public static string Clarification(Requisition requisition, Shortlist shortlist, ParsedReply reply)
    {
        var html = Start(requisition);
        html.Append("<p>Thank you. Nothing is recorded yet, because part of your reply was not clear to me.</p>");
        if (reply.Decisions.Count > 0)
        {
            html.Append("<p>What I understood:</p><ul>");
            foreach (var decision in reply.Decisions)
            {
                html.Append("<li>").Append(E(Line(decision, shortlist))).Append("</li>");
            }

            html.Append("</ul>");
        }

        html.Append("<p>What I could not use:</p><ul>");
        foreach (var unclear in reply.Unclear)
        {
            html.Append("<li>").Append(E(unclear)).Append("</li>");
        }

        html.Append("</ul><p>Please reply with a decision for each candidate you want to decide, for example <em>interview 1 and 3, pass on 2, hold 4</em>.</p>");
        return End(html);
    }

    public static string Closed(Requisition requisition) =>
        End(Start(requisition).Append("<p>").Append(E(requisition.Title)).Append(" is closed, so nothing was recorded. If it should be open, please tell the recruiters.</p>"));

    /// <summary>A reminder to the hiring manager that a shortlist still waits for a decision.</summary>
    public static string Reminder(Requisition requisition, Shortlist shortlist, int days) =>
        End(Start(requisition)
            .Append("<p>The shortlist for ").Append(E(requisition.Title)).Append(" (").Append(E(shortlist.ReferenceToken)).Append(") has waited ")
            .Append(days.ToString(CultureInfo.InvariantCulture)).Append(" days for your decision. Reply to the shortlist email, for example <em>interview 1 and 3, pass on 2</em>.</p>"));

    /// <summary>To the delegates: the hiring manager has not decided; they may.</summary>
    public static string Escalation(Requisition requisition, Shortlist shortlist, int days) =>
        End(new StringBuilder("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"></head><body style=\"font-family:Segoe UI,Arial,sans-serif;font-size:14px\">")
            .Append("<p>Hello,</p><p>The shortlist for ").Append(E(requisition.Title)).Append(" (").Append(E(shortlist.ReferenceToken)).Append(") has had no decision for ")
            .Append(days.ToString(CultureInfo.InvariantCulture)).Append(" days. As a delegate of ").Append(E(requisition.HiringManager.Name ?? requisition.HiringManager.Email))
            .Append(", you may decide: reply with the reference in the subject, for example <em>interview 1 and 3, pass on 2</em>.</p>"));

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

    private static StringBuilder Start(Requisition requisition) =>
        new StringBuilder("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"></head><body style=\"font-family:Segoe UI,Arial,sans-serif;font-size:14px\">")
            .Append("<p>Hello").Append(requisition.HiringManager.Name is { } name ? " " + E(name) : string.Empty).Append(",</p>");

    private static string End(StringBuilder html) => html.Append("</body></html>").ToString();

    private static string E(string value) => Encoder.Encode(value);

    [GeneratedRegex(@"SL-[2-9A-HJ-NP-Z]{6}")]
    private static partial Regex Reference();
}
