using System.Globalization;
using System.Text;
using Pipeline.Domain.Requisitions;
using Pipeline.Domain.Shortlists;

namespace Pipeline.Domain.Delivery;

/// <summary>A decision as the Teams tab lists it: on which version and candidate, what, by whom and when.</summary>
public sealed record DecisionEntry(int Version, int Candidate, Replies.Decision Decision, string By, DateTimeOffset At);

/// <summary>
/// The shortlist as the Teams tab shows it to a requisition's people: the email's summary and candidate cards (the same
/// composition, so the same evidence, and names hidden wherever the email hides them), then the decisions so far. An
/// HTML fragment in which every value from outside is encoded.
/// </summary>
public static class ShortlistTabView
{
    /// <param name="nearMisses">
    /// Candidates one required skill short, for recruiters (never sent to the hiring manager); null: the section is left out.
    /// </param>
    public static string Compose(Requisition requisition, Shortlist shortlist, IEnumerable<DecisionEntry> decisions, IReadOnlyList<ShortlistMember>? nearMisses = null)
    {
        var html = new StringBuilder();
        html.Append("<section aria-labelledby=\"shortlist-heading\"><h2 id=\"shortlist-heading\">Version ")
            .Append(shortlist.Version.ToString(CultureInfo.InvariantCulture)).Append(" <span class=\"muted\">(")
            .Append(ShortlistEmail.E(shortlist.ReferenceToken)).Append(")</span></h2>");
        ShortlistEmail.AppendSummary(html, requisition, shortlist);
        foreach (var member in shortlist.Members)
        {
            ShortlistEmail.AppendCard(html, member, decisionLink: null, focusable: true);
        }

        html.Append("</section><section aria-labelledby=\"decisions-heading\"><h2 id=\"decisions-heading\">Decisions</h2>");
        var mine = decisions.Where(d => d.Version == shortlist.Version).OrderBy(d => d.At).ThenBy(d => d.Candidate).ToList();
        if (mine.Count == 0)
        {
            html.Append("<p>No decision on this version yet.</p>");
        }
        else
        {
            html.Append("<table><caption>Decisions on version ").Append(shortlist.Version.ToString(CultureInfo.InvariantCulture))
                .Append("</caption><thead><tr><th scope=\"col\">Candidate</th><th scope=\"col\">Decision</th><th scope=\"col\">By</th><th scope=\"col\">When (UTC)</th></tr></thead><tbody>");
            foreach (var d in mine)
            {
                html.Append("<tr><td>").Append(d.Candidate.ToString(CultureInfo.InvariantCulture)).Append("</td><td>").Append(Words(d.Decision))
                    .Append("</td><td>").Append(ShortlistEmail.E(d.By)).Append("</td><td><time datetime=\"")
                    .Append(d.At.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture)).Append("\">")
                    .Append(d.At.UtcDateTime.ToString("d MMM yyyy HH:mm", CultureInfo.InvariantCulture)).Append("</time></td></tr>");
            }

            html.Append("</tbody></table>");
        }

        html.Append("</section>");
        if (nearMisses is not null)
        {
            html.Append("<section aria-labelledby=\"near-misses-heading\"><h2 id=\"near-misses-heading\">Near misses</h2>")
                .Append("<p>Now one required skill short of this role; for recruiters only, never sent to the hiring manager.</p>");
            if (nearMisses.Count == 0)
            {
                html.Append("<p>None.</p>");
            }

            foreach (var member in nearMisses)
            {
                ShortlistEmail.AppendCard(html, member, decisionLink: null, focusable: true, label: "Near miss", headingLevel: 3);
            }

            html.Append("</section>");
        }

        return html.ToString();
    }

    private static string Words(Replies.Decision decision) => decision switch
    {
        Replies.Decision.Interview => "Interview",
        Replies.Decision.Reject => "Pass",
        _ => "Hold",
    };
}
