using MimeKit;
using Pipeline.Domain.Requisitions;

namespace Pipeline.Core.Delivery;

/// <summary>
/// Builds the outbox's .eml with MimeKit: multipart/alternative with the plain-text and HTML bodies, display names
/// quoted or encoded as RFC 5322 and 2047 require, long headers folded, and In-Reply-To and References on an answer to a
/// reply, so any mail client opens it as the message Graph would have sent.
/// </summary>
internal static class OutboxMessage
{
    private const string IdDomain = "pipeline.local";

    /// <summary>CRLF line ends, as RFC 5322 has them, whatever the platform.</summary>
    private static readonly FormatOptions Format = CreateFormat();

    public static MimeMessage Build(OutgoingEmail email, DateTimeOffset date)
    {
        var message = new MimeMessage
        {
            // Line breaks in a subject from configuration must not start a header of their own.
            Subject = OneLine(email.Subject),
            Date = date,
            MessageId = IdLeft(email),
        };
        message.From.Add(Mailbox(email.From));
        message.To.AddRange(email.To.Select(Mailbox));
        message.Cc.AddRange(email.Cc.Select(Mailbox));
        if (email.InReplyTo is { } original)
        {
            // Threads the answer under the reply in any mail client that opens the .eml.
            var id = original.InternetMessageId.Trim().Trim('<', '>');
            message.InReplyTo = id;
            message.References.Add(id);
        }

        message.Headers.Add("X-Pipeline-Reference", OneLine(email.ReferenceToken));
        message.Body = new BodyBuilder { TextBody = email.Text, HtmlBody = email.Html }.ToMessageBody();

        // Quoted-printable or base64 as each part needs: the file stays 7-bit, as every transport accepts.
        message.Prepare(EncodingConstraint.SevenBit);
        return message;
    }

    public static async Task<byte[]> FormatAsync(OutgoingEmail email, DateTimeOffset date, CancellationToken cancellationToken)
    {
        using var message = Build(email, date);
        using var buffer = new MemoryStream();
        await message.WriteToAsync(Format, buffer, cancellationToken);
        return buffer.ToArray();
    }

    /// <summary>The Message-ID the outbox gives <paramref name="email"/>, in angle brackets, as Graph reports internetMessageId.</summary>
    public static string MessageId(OutgoingEmail email) => "<" + IdLeft(email) + ">";

    /// <summary>
    /// The id's left part: the effect key with anything outside letters, digits, '-' and '_' replaced, since keys
    /// can hold a reply's own Message-ID ("&lt;…@…&gt;"), which may not appear inside another.
    /// </summary>
    private static string IdLeft(OutgoingEmail email) =>
        new string(email.EffectKey.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' ? c : '_').ToArray()) + "@" + IdDomain;

    private static MailboxAddress Mailbox(Contact contact) => new(contact.Name is null ? null : OneLine(contact.Name), contact.Email.Trim());

    private static string OneLine(string value) => value.ReplaceLineEndings(" ");

    private static FormatOptions CreateFormat()
    {
        var format = FormatOptions.Default.Clone();
        format.NewLineFormat = NewLineFormat.Dos;
        return format;
    }
}
