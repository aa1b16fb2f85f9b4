using System.Text;
using System.Text.Encodings.Web;

namespace Pipeline.Domain.Delivery;

/// <summary>
/// An email body in the two forms a client chooses between: HTML, and plain text of the same facts (for clients and
/// readers that show no HTML, and for spam filters that distrust HTML-only mail).
/// </summary>
public sealed record MailBody(string Html, string Text);

/// <summary>
/// Writes one body as HTML and plain text at once, so the two cannot drift apart: words are written to both, values
/// from outside are HTML-encoded in the HTML only, markup goes to the HTML only.
/// </summary>
internal sealed class MailWriter
{
    private static readonly HtmlEncoder Encoder = HtmlEncoder.Default;
    private readonly StringBuilder _html = new();
    private readonly StringBuilder _text = new();

    /// <summary>HTML only: tags and attributes.</summary>
    public MailWriter Markup(string html)
    {
        _html.Append(html);
        return this;
    }

    /// <summary>Our own words, the same in both (no markup characters in them).</summary>
    public MailWriter Words(string words)
    {
        _html.Append(words);
        _text.Append(words);
        return this;
    }

    /// <summary>A value from outside (a title, a name, a sentence from a reply): encoded in the HTML.</summary>
    public MailWriter Value(string? value)
    {
        _html.Append(Encoder.Encode(value ?? string.Empty));
        _text.Append(value);
        return this;
    }

    /// <summary>An example to type, in italics; quoted in the text.</summary>
    public MailWriter Example(string words)
    {
        _html.Append("<em>").Append(words).Append("</em>");
        _text.Append('“').Append(words).Append('”');
        return this;
    }

    public MailWriter Paragraph(Action<MailWriter> content)
    {
        _html.Append("<p>");
        content(this);
        _html.Append("</p>");
        _text.Append("\n\n");
        return this;
    }

    public MailWriter List<T>(IEnumerable<T> items, Action<MailWriter, T> item)
    {
        _html.Append("<ul>");
        foreach (var each in items)
        {
            _html.Append("<li>");
            _text.Append("- ");
            item(this, each);
            _html.Append("</li>");
            _text.Append('\n');
        }

        _html.Append("</ul>");
        _text.Append('\n');
        return this;
    }

    public MailBody ToBody() => new(_html.ToString(), _text.ToString().TrimEnd() + "\n");
}
