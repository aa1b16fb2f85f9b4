using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using Pipeline.Core.Decisions;
using Pipeline.Domain.Replies;
using Pipeline.Functions.Hosting;

namespace Pipeline.Functions.Decision;

/// <summary>
/// HTTP <c>/api/decision?t=…</c>: the one-click decision links of shortlist emails (<see cref="LinkDecisions"/>), a
/// page for each outcome. GET only shows what the link would record, with a button; the POST that button sends
/// records it. Mail scanners that open every link (Safe Links and the like) therefore decide nothing. A forged,
/// altered, expired or already used link is refused, each with its own page; a link that finds a decision standing
/// shows it and says how a reply changes it.
/// </summary>
public sealed class Decision(LinkDecisions links) : HttpFunction
{
    private static readonly HtmlEncoder Html = HtmlEncoder.Default;

    protected override async Task<FunctionResult> RunAsync(HttpTriggerRequest request, CancellationToken cancellationToken)
    {
        var post = string.Equals(request.Method, "POST", StringComparison.OrdinalIgnoreCase);
        var token = post ? FormValue(request.Body, "t") : QueryValue(request.Query, "t");
        var decided = await links.DecideAsync(token, confirm: post, cancellationToken);
        if (decided.Outcome == LinkDecisionOutcome.Refused)
        {
            return Page(decided.Check == LinkCheck.Expired ? 410 : 400, "This link cannot be used", decided.Check switch
            {
                LinkCheck.Expired => "The link has expired. Reply to the shortlist email instead, for example “interview 1 and 3”.",
                LinkCheck.Forged => "The link has been altered or was not made by Pipeline.",
                _ => "The link is incomplete. Open it from the shortlist email, or reply to the email instead.",
            });
        }

        if (decided.Outcome == LinkDecisionOutcome.Gone)
        {
            return Page(404, "Nothing to decide", "This shortlist or candidate no longer exists.");
        }

        var claims = decided.Claims!;
        var title = decided.RequisitionTitle!;
        var what = $"{Verb(claims.Decision)} candidate {claims.Candidate} for {title}";
        switch (decided.Outcome)
        {
            case LinkDecisionOutcome.Stands:
                return Stands(decided.Standing!, decided.Reused, title);
            case LinkDecisionOutcome.ToConfirm:
                return Page(200, "Confirm your decision", $"{Html.Encode(char.ToUpperInvariant(what[0]) + what[1..])}?", Html.Encode(token!));
            case LinkDecisionOutcome.Closed:
                return Page(409, "The requisition is closed", $"{Html.Encode(title)} is closed; nothing was recorded.");
            case LinkDecisionOutcome.InProgress:
                return Page(409, "A decision is being recorded", "Another decision for this candidate is being recorded right now. Open the link again in a minute to see which one stands.");
            default:
                var result = Page(200, "Recorded", $"Recorded: {Html.Encode(what)}.");
                result.Count("decisions");
                return result;
        }
    }

    /// <summary>
    /// The page for a link that finds a decision standing: its own (a reused link), another link's or a reply's. Links
    /// never change a decision; a reply does.
    /// </summary>
    private static FunctionResult Stands(RecordedDecision standing, bool reused, string title)
    {
        var stands = $"{Verb(standing.Decision)} candidate {standing.Candidate} for {title}";
        var how = standing.Source == "link" ? "by decision link" : "by reply";
        var when = standing.At.ToUniversalTime().ToString("d MMMM yyyy 'at' HH:mm 'UTC'", CultureInfo.InvariantCulture);
        var example = (standing.Decision == Domain.Replies.Decision.Reject ? "interview " : "pass on ") + standing.Candidate.ToString(CultureInfo.InvariantCulture);
        var change = $"To change it, reply to the shortlist email in your own words, for example “{example}”.";
        return reused
            ? Page(409, "This link was already used", Html.Encode(
                $"Each decision link works once. Your decision stands: {char.ToUpperInvariant(stands[0]) + stands[1..]}, recorded on {when} {how}. {change}"))
            : Page(409, "A decision already stands", Html.Encode(
                $"{char.ToUpperInvariant(stands[0]) + stands[1..]} was recorded on {when} {how}, so this link changed nothing: " +
                $"decision links make one decision per candidate. {change}"));
    }

    private static string Verb(Domain.Replies.Decision decision) => decision switch
    {
        Domain.Replies.Decision.Interview => "interview",
        Domain.Replies.Decision.Reject => "pass on",
        _ => "hold",
    };

    /// <summary>A small page; <paramref name="message"/> is already encoded. With a token, a form that posts it back.</summary>
    private static FunctionResult Page(int status, string title, string message, string? token = null)
    {
        var form = token is null
            ? string.Empty
            : $"<form method=\"post\" action=\"\"><input type=\"hidden\" name=\"t\" value=\"{token}\"><button type=\"submit\">Confirm</button></form>";
        var body = $"<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"robots\" content=\"noindex\"><title>{Html.Encode(title)}</title></head>" +
                   $"<body style=\"font-family:Segoe UI,Arial,sans-serif\"><h1>{Html.Encode(title)}</h1><p>{message}</p>{form}</body></html>";
        return new FunctionResult
        {
            Http = new HttpOutput(status, body, new Dictionary<string, string>
            {
                ["Content-Type"] = "text/html; charset=utf-8",
                ["Cache-Control"] = "no-store",
                ["Referrer-Policy"] = "no-referrer",
                ["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'",
            }),
        };
    }

    private static string? QueryValue(JsonElement query, string name) =>
        query.ValueKind == JsonValueKind.Object && query.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    /// <summary>A field of an <c>application/x-www-form-urlencoded</c> body, which the host passes as a string.</summary>
    private static string? FormValue(JsonElement body, string name)
    {
        var text = body.ValueKind == JsonValueKind.String ? body.GetString() : null;
        foreach (var pair in (text ?? string.Empty).Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var (key, value) = pair.IndexOf('=', StringComparison.Ordinal) is var i and >= 0 ? (pair[..i], pair[(i + 1)..]) : (pair, string.Empty);
            if (Uri.UnescapeDataString(key.Replace('+', ' ')) == name)
            {
                return Uri.UnescapeDataString(value.Replace('+', ' '));
            }
        }

        return null;
    }
}
