using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using Pipeline.Domain.Requisitions;
using Pipeline.Domain.Shortlists;

namespace Pipeline.Domain.Delivery;

/// <summary>The shortlist email to a hiring manager. Every value that came from a feed or configuration is HTML-encoded.</summary>
public sealed record ShortlistEmail(string Subject, string Html)
{
    private static readonly HtmlEncoder Encoder = HtmlEncoder.Default;

    /// <param name="decisionLink">The one-click link for a candidate (by rank) and a decision; null: the email has none.</param>
    public static ShortlistEmail Compose(Requisition requisition, Shortlist shortlist, Func<int, Replies.Decision, string>? decisionLink = null)
    {
        var count = shortlist.Members.Count;
        var subject = count == 0
            ? $"Shortlist: {OneLine(requisition.Title)} — no candidate qualifies any more [{shortlist.ReferenceToken}]"
            : $"Shortlist: {OneLine(requisition.Title)} — {count} candidate{(count == 1 ? "" : "s")} [{shortlist.ReferenceToken}]";

        var html = new StringBuilder();
        html.Append("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>")
            .Append(E(subject))
            .Append("</title></head><body style=\"font-family:Segoe UI,Arial,sans-serif;color:#1b1b1b;font-size:14px;line-height:1.5\">");
        html.Append("<h1 style=\"font-size:20px;margin:0 0 8px\">Shortlist for ").Append(E(requisition.Title)).Append("</h1>");
        html.Append("<p>Hello").Append(requisition.HiringManager.Name is { } hm ? " " + E(hm) : "").Append(",</p>");
        AppendSummary(html, requisition, shortlist);
        foreach (var member in shortlist.Members)
        {
            AppendCard(html, member, decisionLink);
        }

        html.Append("<h2 style=\"font-size:16px;margin:24px 0 8px\">How to answer</h2>")
            .Append(decisionLink is null ? "" : "<p>Use the links under each candidate, or reply in your own words.</p>")
            .Append("<p>Reply to this email in your own words, for example <em>interview 1 and 3, pass on 2</em>. ")
            .Append("Keep the reference <strong>").Append(E(shortlist.ReferenceToken)).Append("</strong> in the subject.</p>")
            .Append("<p style=\"color:#555;font-size:12px\">Requisition ").Append(E(requisition.Id))
            .Append(", shortlist version ").Append(shortlist.Version.ToString(CultureInfo.InvariantCulture)).Append(".</p>")
            .Append("</body></html>");
        return new ShortlistEmail(subject, html.ToString());
    }

    /// <summary>What the shortlist is (how many meet the requirements, or that it no longer stands) and where its members came from.</summary>
    internal static void AppendSummary(StringBuilder html, Requisition requisition, Shortlist shortlist)
    {
        var count = shortlist.Members.Count;
        if (count == 0)
        {
            // Everyone on the last version dropped out (a credential revoked or expired, a feed that no longer lists them).
            html.Append("<p>No candidate meets every requirement this role marks as required any more, so the shortlist sent before (")
                .Append(shortlist.Version > 1 ? $"version {shortlist.Version - 1}" : "the last one")
                .Append(") no longer stands. Nothing needs deciding; you will get a new shortlist when candidates qualify.</p>");
        }
        else
        {
            html.Append("<p>").Append(count.ToString(CultureInfo.InvariantCulture))
                .Append(count == 1 ? " candidate meets" : " candidates meet")
                .Append(" every requirement this role marks as required.")
                .Append(requisition.BlindMode ? " They are shown as numbered profiles; names are shared once you decide." : "")
                .Append("</p>");
        }

        var mix = shortlist.Mix.Select(m => $"{m.Value} from {m.Key} feeds").ToList();
        if (mix.Count > 0)
        {
            var feeds = shortlist.MixBySource.Select(m => $"{m.Key} {m.Value}");
            html.Append("<p style=\"color:#555\">Sources: ").Append(string.Join(", ", mix)).Append(". By feed: ").Append(E(string.Join(" · ", feeds))).Append(".</p>");
        }
    }

    /// <param name="focusable">For the Teams tab: the card is an article in the tab order, named by its heading.</param>
    /// <param name="label">What the heading calls the card before its number (the tab's near misses are not candidates to decide on).</param>
    internal static void AppendCard(
        StringBuilder html, ShortlistMember member, Func<int, Replies.Decision, string>? decisionLink, bool focusable = false, string label = "Candidate", int headingLevel = 2)
    {
        var card = member.Card;
        var rank = member.Rank.ToString(CultureInfo.InvariantCulture);
        var id = label.ToLowerInvariant().Replace(' ', '-') + "-" + rank;
        var h = "h" + headingLevel.ToString(CultureInfo.InvariantCulture);
        html.Append(focusable ? $"<article tabindex=\"0\" aria-labelledby=\"{id}\"" : "<div")
            .Append(" style=\"border:1px solid #c8c8c8;border-radius:4px;padding:12px 16px;margin:12px 0\">")
            .Append('<').Append(h).Append(focusable ? $" id=\"{id}\"" : "").Append(" style=\"font-size:16px;margin:0 0 4px\">").Append(label).Append(' ').Append(rank)
            .Append(card.Name is null ? "" : ": " + E(card.Name))
            .Append(" <span style=\"font-weight:normal;color:#555\">— score ")
            .Append(Math.Round(member.Score * 100).ToString(CultureInfo.InvariantCulture)).Append("%</span></").Append(h).Append('>');

        var facts = new List<string>();
        if (card.Program is not null || card.Institution is not null)
        {
            facts.Add(string.Join(", ", new[] { card.Program, card.Institution }.Where(s => s is not null).Select(E)));
        }

        if (card.GraduationDate is { } graduation)
        {
            facts.Add("graduating " + graduation.ToString("MMMM yyyy", CultureInfo.InvariantCulture));
        }

        if (card.Sources.Count > 0)
        {
            facts.Add("via " + string.Join(", ", card.Sources.Select(E)));
        }

        if (facts.Count > 0)
        {
            html.Append("<p style=\"margin:0 0 8px\">").Append(string.Join(" · ", facts)).Append("</p>");
        }

        html.Append("<ul style=\"margin:0;padding-left:20px\">");
        foreach (var requirement in member.Requirements)
        {
            var met = requirement.Status == RequirementStatus.Met;
            // The status is in words, not only a symbol, for screen readers.
            html.Append("<li>").Append(met ? "✔ " : "✘ ").Append(E(requirement.Name))
                .Append(requirement.Required ? " (required) — " : " (preferred) — ")
                .Append(met ? "met" : "not met").Append(": ").Append(E(requirement.Evidence)).Append("</li>");
        }

        html.Append("</ul>");
        if (card.Certifications.Count > 0)
        {
            html.Append("<p style=\"margin:8px 0 0\">Certifications: ")
                .Append(string.Join(", ", card.Certifications.Select(E))).Append("</p>");
        }

        if (decisionLink is not null)
        {
            html.Append("<p style=\"margin:8px 0 0\">Decide: ");
            var links = new[] { (Replies.Decision.Interview, "Interview"), (Replies.Decision.Reject, "Pass"), (Replies.Decision.Hold, "Hold") }
                .Select(d => $"<a href=\"{E(decisionLink(member.Rank, d.Item1))}\">{d.Item2}</a>");
            html.Append(string.Join(" · ", links)).Append("</p>");
        }

        html.Append(focusable ? "</article>" : "</div>");
    }

    internal static string E(string? value) => Encoder.Encode(value ?? string.Empty);

    private static string OneLine(string value) => value.ReplaceLineEndings(" ");
}
