using System.Net;
using System.Text.RegularExpressions;

namespace Pipeline.Domain.Replies;

/// <summary>
/// The part of a reply its author wrote this time: the quoted thread, the signature, the sign-off and "Sent from my
/// phone" lines removed. Works on plain text and on the HTML bodies mail clients send.
/// </summary>
public static partial class ReplyText
{
    public static string Own(string body)
    {
        var text = LooksLikeHtml(body) ? HtmlToText(body) : body;
        var kept = new List<string>();
        var inSignature = false;
        string? quotedItem = null;
        foreach (var raw in text.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n'))
        {
            var line = raw.TrimEnd();
            var trimmed = line.Trim();

            // A forwarded or Outlook-quoted original runs to the end: nothing after it is the author's.
            if (OutlookSeparator().IsMatch(trimmed))
            {
                break;
            }

            // Quoted lines are skipped, not the end: replies may be written below the quote or between its lines.
            if (trimmed.StartsWith('>') || QuoteHeader().IsMatch(trimmed))
            {
                var item = QuotedItem().Match(trimmed);
                quotedItem = item.Success ? item.Groups[1].Value : null;
                continue;
            }

            if (MobileFooter().IsMatch(trimmed))
            {
                continue;
            }

            // A PS after the signature is the author's again.
            if (inSignature && !PostScript().IsMatch(trimmed))
            {
                continue;
            }

            inSignature = false;
            if (trimmed == "-- " || trimmed == "--" || trimmed == "--")
            {
                inSignature = true;
                continue;
            }

            if (SignOff().IsMatch(trimmed))
            {
                // "Thanks!" before anything else is politeness; after the message, the signature follows.
                inSignature = kept.Any(l => l.Trim().Length > 0 && !Greeting().IsMatch(l.Trim()));
                continue;
            }

            // An answer written under a quoted shortlist line ("> 2. Omar Haddad" / "No") is about that candidate.
            if (quotedItem is not null && trimmed.Length > 0)
            {
                line = $"{quotedItem}: {trimmed}";
            }

            quotedItem = null;
            kept.Add(line);
        }

        return string.Join('\n', kept).Trim();
    }

    private static bool LooksLikeHtml(string body) => body.Contains("<html", StringComparison.OrdinalIgnoreCase) || body.Contains("<div", StringComparison.OrdinalIgnoreCase) || body.Contains("<p>", StringComparison.OrdinalIgnoreCase) || body.Contains("<br", StringComparison.OrdinalIgnoreCase);

    /// <summary>Block elements become line breaks, quoted blocks are dropped, tags go and entities are decoded.</summary>
    private static string HtmlToText(string html)
    {
        var text = HtmlBlockQuote().Replace(html, "\n> quoted\n");
        text = HtmlGmailQuote().Replace(text, "\n> quoted\n");
        text = HtmlDropped().Replace(text, string.Empty);
        text = HtmlBreak().Replace(text, "\n");
        text = HtmlTag().Replace(text, string.Empty);
        return WebUtility.HtmlDecode(text);
    }

    // "On Tue, 3 Nov 2026 at 10:02, Talent Pipeline <…> wrote:", "Le … a écrit :", "Am … schrieb …:", "El … escribió:"
    [GeneratedRegex(@"^(On\s.+\bwrote:?|Le\s.+\ba écrit\s?:|Am\s.+\bschrieb.*:|El\s.+\bescribió:?)$", RegexOptions.IgnoreCase)]
    private static partial Regex QuoteHeader();

    // Outlook: "-----Original Message-----", "From: … " header blocks, the underscore rule of Outlook mobile.
    [GeneratedRegex(@"^(-{2,}\s*Original Message\s*-{2,}|-{2,}\s*Forwarded message\s*-{2,}|Begin forwarded message:?|_{10,}|From:\s.+|De\s?:\s.+|Von:\s.+)$", RegexOptions.IgnoreCase)]
    private static partial Regex OutlookSeparator();

    [GeneratedRegex(@"^(Sent from my \w+.*|Sent from Outlook.*|Get Outlook for \w+.*|Sent from Mail for Windows.*|Envoyé de mon \w+.*|Von meinem \w+ gesendet.*)$", RegexOptions.IgnoreCase)]
    private static partial Regex MobileFooter();

    // A sign-off on a line of its own ends the message; what follows is the signature.
    [GeneratedRegex(@"^(thanks|thank you|many thanks|thanks so much|thx|cheers|best|best regards|kind regards|regards|warm regards|best wishes|sincerely|all the best|br|merci|danke|gracias|saludos|un saludo|cordialement|bien cordialement|bonne journée|mit freundlichen grüßen|viele grüße|beste grüße|danke und gruß)[,.!]*$", RegexOptions.IgnoreCase)]
    private static partial Regex SignOff();

    [GeneratedRegex(@"^(?:>\s*)+(\d{1,2})[.)]\s+\S")]
    private static partial Regex QuotedItem();

    [GeneratedRegex(@"^(PS|P\.S\.|PPS)\b", RegexOptions.IgnoreCase)]
    private static partial Regex PostScript();

    [GeneratedRegex(@"^(hi|hello|hey|dear|good (morning|afternoon|evening)|hallo|bonjour|hola)\b.{0,40}$", RegexOptions.IgnoreCase)]
    private static partial Regex Greeting();

    [GeneratedRegex(@"<blockquote[\s\S]*?</blockquote>", RegexOptions.IgnoreCase)]
    private static partial Regex HtmlBlockQuote();

    [GeneratedRegex(@"<div[^>]*class=""?gmail_quote[\s\S]*$", RegexOptions.IgnoreCase)]
    private static partial Regex HtmlGmailQuote();

    [GeneratedRegex(@"<(style|script|head)[\s\S]*?</\1>", RegexOptions.IgnoreCase)]
    private static partial Regex HtmlDropped();

    [GeneratedRegex(@"<br\s*/?>|</p>|</div>|</li>|</tr>|<p[^>]*>|<div[^>]*>|<li[^>]*>", RegexOptions.IgnoreCase)]
    private static partial Regex HtmlBreak();

    [GeneratedRegex(@"<[^>]+>")]
    private static partial Regex HtmlTag();
}
