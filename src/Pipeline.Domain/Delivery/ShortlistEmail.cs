using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using Pipeline.Domain.Requisitions;
using Pipeline.Domain.Shortlists;

namespace Pipeline.Domain.Delivery;

/// <summary>
/// The shortlist email to a hiring manager, as HTML and as plain text of the same facts. Every value that came from a
/// feed or configuration is HTML-encoded in the HTML.
/// </summary>
public sealed record ShortlistEmail(string Subject, string Html, string Text)
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
        return new ShortlistEmail(subject, html.ToString(), ComposeText(requisition, shortlist, decisionLink));
    }

    /// <summary>The same email as plain text: the same sentences and facts, laid out for a text reader.</summary>
    private static string ComposeText(Requisition requisition, Shortlist shortlist, Func<int, Replies.Decision, string>? decisionLink)
    {
        var text = new StringBuilder();
        Heading(text, "Shortlist for " + OneLine(requisition.Title), '=');
        text.Append("Hello").Append(requisition.HiringManager.Name is { } hm ? " " + hm : "").Append(",\n\n");
        text.Append(Summary(requisition, shortlist)).Append("\n\n");
        if (Sources(shortlist) is (string mix, string feeds))
        {
            text.Append("Sources: ").Append(mix).Append(". By feed: ").Append(feeds).Append(".\n\n");
        }

        foreach (var member in shortlist.Members)
        {
            var card = member.Card;
            Heading(text, $"Candidate {member.Rank.ToString(CultureInfo.InvariantCulture)}{(card.Name is null ? "" : ": " + card.Name)} — score {Percent(member.Score)}", '-');
            if (Facts(card) is { Count: > 0 } facts)
            {
                text.Append(string.Join(" · ", facts)).Append('\n');
            }

            foreach (var requirement in member.Requirements)
            {
                var met = requirement.Status == RequirementStatus.Met;
                text.Append("- ").Append(met ? "✔ " : "✘ ").Append(requirement.Name)
                    .Append(requirement.Required ? " (required) — " : " (preferred) — ")
                    .Append(met ? "met" : "not met").Append(": ").Append(requirement.Evidence).Append('\n');
            }

            if (card.Certifications.Count > 0)
            {
                text.Append("Certifications: ").Append(string.Join(", ", card.Certifications)).Append('\n');
            }

            if (decisionLink is not null)
            {
                text.Append("Decide:\n");
                foreach (var (decision, label) in DecisionLabels)
                {
                    text.Append("  ").Append(label).Append(": ").Append(decisionLink(member.Rank, decision)).Append('\n');
                }
            }

            text.Append('\n');
        }

        Heading(text, "How to answer", '-');
        if (decisionLink is not null)
        {
            text.Append("Use the links under each candidate, or reply in your own words.\n\n");
        }

        text.Append("Reply to this email in your own words, for example “interview 1 and 3, pass on 2”. ")
            .Append("Keep the reference ").Append(shortlist.ReferenceToken).Append(" in the subject.\n\n")
            .Append("Requisition ").Append(requisition.Id).Append(", shortlist version ").Append(shortlist.Version.ToString(CultureInfo.InvariantCulture)).Append(".\n");
        return text.ToString();
    }

    private static void Heading(StringBuilder text, string heading, char underline) =>
        text.Append(heading).Append('\n').Append(underline, heading.Length).Append("\n\n");

    private static readonly (Replies.Decision Decision, string Label)[] DecisionLabels =
        [(Replies.Decision.Interview, "Interview"), (Replies.Decision.Reject, "Pass"), (Replies.Decision.Hold, "Hold")];

    /// <summary>How many meet the requirements, or that the shortlist no longer stands: our own words, no values from outside.</summary>
    private static string Summary(Requisition requisition, Shortlist shortlist)
    {
        var count = shortlist.Members.Count;
        if (count == 0)
        {
            // Everyone on the last version dropped out (a credential revoked or expired, a feed that no longer lists them).
            return "No candidate meets every requirement this role marks as required any more, so the shortlist sent before (" +
                (shortlist.Version > 1 ? $"version {shortlist.Version - 1}" : "the last one") +
                ") no longer stands. Nothing needs deciding; you will get a new shortlist when candidates qualify.";
        }

        return count.ToString(CultureInfo.InvariantCulture) + (count == 1 ? " candidate meets" : " candidates meet") +
            " every requirement this role marks as required." +
            (requisition.BlindMode ? " They are shown as numbered profiles; names are shared once you decide." : "");
    }

    /// <summary>The mix by kind of feed (our words) and by feed (feed names, from configuration); null when there is none.</summary>
    private static (string Mix, string Feeds)? Sources(Shortlist shortlist)
    {
        var mix = shortlist.Mix.Select(m => $"{m.Value} from {m.Key} feeds").ToList();
        return mix.Count == 0 ? null : (string.Join(", ", mix), string.Join(" · ", shortlist.MixBySource.Select(m => $"{m.Key} {m.Value}")));
    }

    /// <summary>Programme and institution, graduation, sources: plain text, values from outside not yet encoded.</summary>
    private static List<string> Facts(CandidateCard card)
    {
        var facts = new List<string>();
        if (card.Program is not null || card.Institution is not null)
        {
            facts.Add(string.Join(", ", new[] { card.Program, card.Institution }.Where(s => s is not null)));
        }

        if (card.GraduationDate is { } graduation)
        {
            facts.Add("graduating " + graduation.ToString("MMMM yyyy", CultureInfo.InvariantCulture));
        }

        if (card.Sources.Count > 0)
        {
            facts.Add("via " + string.Join(", ", card.Sources));
        }

        return facts;
    }

    private static string Percent(double score) => Math.Round(score * 100).ToString(CultureInfo.InvariantCulture) + "%";

    /// <summary>What the shortlist is (how many meet the requirements, or that it no longer stands) and where its members came from.</summary>
    internal static void AppendSummary(StringBuilder html, Requisition requisition, Shortlist shortlist)
    {
        html.Append("<p>").Append(Summary(requisition, shortlist)).Append("</p>");
        if (Sources(shortlist) is (string mix, string feeds))
        {
            html.Append("<p style=\"color:#555\">Sources: ").Append(mix).Append(". By feed: ").Append(E(feeds)).Append(".</p>");
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
            .Append(Percent(member.Score)).Append("</span></").Append(h).Append('>');

        var facts = Facts(card).Select(E).ToList();
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
            var links = DecisionLabels.Select(d => $"<a href=\"{E(decisionLink(member.Rank, d.Decision))}\">{d.Label}</a>");
            html.Append(string.Join(" · ", links)).Append("</p>");
        }

        html.Append(focusable ? "</article>" : "</div>");
    }

    internal static string E(string? value) => Encoder.Encode(value ?? string.Empty);

    private static string OneLine(string value) => value.ReplaceLineEndings(" ");
}
