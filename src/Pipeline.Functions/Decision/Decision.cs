using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using Pipeline.Core.Configuration;
using Pipeline.Core.Decisions;
using Pipeline.Core.Effects;
using Pipeline.Core.Shortlists;
using Pipeline.Domain.Replies;
using Pipeline.Functions.Hosting;

namespace Pipeline.Functions.Decision;

/// <summary>
/// HTTP <c>/api/decision?t=…</c>: the one-click decision links of shortlist emails. GET only shows what the link
/// would record, with a button; the POST that button sends records it. Mail scanners that open every link (Safe
/// Links and the like) therefore decide nothing. The signed token is the only credential: a forged, altered, expired
/// or already used link is refused, each with its own page. Links make one decision per candidate and shortlist
/// version: a later link for the same candidate (or one clicked after a reply decided) changes nothing and shows the
/// decision that stands; a reply to the email changes it.
/// </summary>
public sealed class Decision(
    DecisionLinkFactory links,
    DecisionStore decisions,
    ShortlistStore shortlists,
    EffectLedger ledger,
    PipelineConfiguration configuration,
    TimeProvider time,
    ILogger<Decision> logger) : HttpFunction
{
    private static readonly HtmlEncoder Html = HtmlEncoder.Default;

    protected override async Task<FunctionResult> RunAsync(HttpTriggerRequest request, CancellationToken cancellationToken)
    {
        var post = string.Equals(request.Method, "POST", StringComparison.OrdinalIgnoreCase);
        var token = post ? FormValue(request.Body, "t") : QueryValue(request.Query, "t");
        var (check, claims) = links.Verify(token);
        if (check != LinkCheck.Valid || claims is null)
        {
            logger.LogWarning("Decision link refused: {Check}", check);
            return Page(check == LinkCheck.Expired ? 410 : 400, "This link cannot be used", check switch
            {
                LinkCheck.Expired => "The link has expired. Reply to the shortlist email instead, for example “interview 1 and 3”.",
                LinkCheck.Forged => "The link has been altered or was not made by Pipeline.",
                _ => "The link is incomplete. Open it from the shortlist email, or reply to the email instead.",
            });
        }

        var requisition = configuration.FindRequisition(claims.RequisitionId);
        var shortlist = await shortlists.GetAsync(claims.RequisitionId, claims.Version, cancellationToken);
        var member = shortlist?.Members.FirstOrDefault(m => m.Rank == claims.Candidate);
        if (requisition is null || member is null)
        {
            return Page(404, "Nothing to decide", "This shortlist or candidate no longer exists.");
        }

        var what = $"{Verb(claims.Decision)} candidate {claims.Candidate} for {requisition.Title}";
        // One decision per candidate and shortlist version through links: where one stands (by this link, another or
        // a reply), the link changes nothing and says what stands, before a confirmation is even offered.
        if (await decisions.GetAsync(claims.RequisitionId, claims.Version, claims.Candidate, cancellationToken) is { } standing)
        {
            return Stands(standing, claims, requisition.Title);
        }

        if (!post)
        {
            return Page(200, "Confirm your decision", $"{Html.Encode(char.ToUpperInvariant(what[0]) + what[1..])}?", Html.Encode(token!));
        }

        if (!requisition.IsOpen)
        {
            return Page(409, "The requisition is closed", $"{Html.Encode(requisition.Title)} is closed; nothing was recorded.");
        }

        // The claim is the candidate's, not the link's, so of concurrent or different links exactly one records.
        var decision = new RecordedDecision(claims.RequisitionId, claims.Version, claims.Candidate, member.CandidateId, claims.Decision, "link",
            requisition.HiringManager.Email, time.GetUtcNow(), $"one-click link, shortlist {shortlist!.ReferenceToken}")
        {
            LinkNonce = claims.Nonce,
        };
        EffectOutcome outcome;
        try
        {
            outcome = await ledger.TryRunAsync(
                $"decision-{claims.RequisitionId}-v{claims.Version}", $"c{claims.Candidate}", "decision",
                (retry, ct) => decisions.RecordFromLinkAsync(decision, retry, ct), cancellationToken);
        }
        catch (DecisionStandsException e)
        {
            // A reply recorded a decision between the check above and the claim.
            return Stands(e.Standing, claims, requisition.Title);
        }

        if (outcome != EffectOutcome.Ran)
        {
            return await decisions.GetAsync(claims.RequisitionId, claims.Version, claims.Candidate, cancellationToken) is { } now
                ? Stands(now, claims, requisition.Title)
                : Page(409, "A decision is being recorded", "Another decision for this candidate is being recorded right now. Open the link again in a minute to see which one stands.");
        }

        logger.LogInformation("Decision recorded by link: requisition {RequisitionId} v{Version} candidate {Candidate} {Decision}", claims.RequisitionId, claims.Version, claims.Candidate, claims.Decision);
        var result = Page(200, "Recorded", $"Recorded: {Html.Encode(what)}.");
        result.Count("decisions");
        return result;
    }

    /// <summary>
    /// The page for a link that finds a decision standing: its own (a reused link), another link's or a reply's. Links
    /// never change a decision; a reply does.
    /// </summary>
    private static FunctionResult Stands(RecordedDecision standing, DecisionLinkClaims claims, string title)
    {
        var stands = $"{Verb(standing.Decision)} candidate {standing.Candidate} for {title}";
        var how = standing.Source == "link" ? "by decision link" : "by reply";
        var when = standing.At.ToUniversalTime().ToString("d MMMM yyyy 'at' HH:mm 'UTC'", CultureInfo.InvariantCulture);
        var example = (standing.Decision == Domain.Replies.Decision.Reject ? "interview " : "pass on ") + standing.Candidate.ToString(CultureInfo.InvariantCulture);
        var change = $"To change it, reply to the shortlist email in your own words, for example “{example}”.";
        var reused = standing.Source == "link" && standing.LinkNonce == claims.Nonce;
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
