using MimeKit;

namespace Pipeline.Testing;

/// <summary>An email the outbox wrote, parsed by MimeKit as a mail client would, with its two bodies.</summary>
public sealed record OutboxMail(MimeMessage Message, string? Html, string? Text)
{
    /// <summary>Parses the <c>.eml</c> at <paramref name="path"/>.</summary>
    public static OutboxMail Read(string path)
    {
        var message = MimeMessage.Load(path);
        return new OutboxMail(message, message.HtmlBody, message.TextBody);
    }

    /// <summary>The raw header lines of <paramref name="name"/> as written (folded lines included), for checks on the wire form.</summary>
    public static IReadOnlyList<string> RawHeaderLines(string path, string name)
    {
        var lines = new List<string>();
        foreach (var line in File.ReadLines(path).TakeWhile(l => l.Length > 0))
        {
            if (line.StartsWith(name + ":", StringComparison.OrdinalIgnoreCase))
            {
                lines.Add(line);
            }
            else if (lines.Count > 0 && line[0] is ' ' or '\t')
            {
                lines.Add(line);
            }
            else if (lines.Count > 0)
            {
                break;
            }
        }

        return lines;
    }
}
