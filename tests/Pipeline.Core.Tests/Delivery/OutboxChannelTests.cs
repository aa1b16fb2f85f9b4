using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using MimeKit;
using Pipeline.Domain.Requisitions;
using Pipeline.Core.Configuration;
using Pipeline.Core.Delivery;
using Pipeline.Testing;

namespace Pipeline.Core.Tests.Delivery;

/// <summary>The outbox's .eml files, read back with MimeKit as a mail client reads them.</summary>
public sealed partial class OutboxChannelTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("pipeline-outbox-").FullName;
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 12, 2, 9, 0, 0, TimeSpan.Zero));

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private OutboxChannel CreateSut() => new(Options.Create(new PipelineOptions { OutboxDirectory = _folder }), _clock);

    private static OutgoingEmail Email(string subject = "Shortlist: ML Engineer — 2 candidates [SL-U4RMJH]", Contact? to = null) =>
        new("shortlist-ml-v1-email-1", "SL-U4RMJH", new Contact("talent-pipeline@contoso.example", "Talent Pipeline"), [to ?? new Contact("dana.whitfield@contoso.example", "Dana Whitfield")],
            subject, "<!DOCTYPE html><html><body><p>2 candidates meet every requirement.</p></body></html>", "2 candidates meet every requirement.\n");

    private async Task<(OutboxMail Mail, string Path, SentEmail Sent)> SendAsync(OutgoingEmail email)
    {
        var sent = await CreateSut().SendEmailAsync(email, mayHaveBeenSent: false, default);
        var path = Assert.Single(Directory.GetFiles(Path.Combine(_folder, OutboxChannel.MailFolder), "*.eml"));
        return (OutboxMail.Read(path), path, sent);
    }

    [Fact]
    public async Task SendEmail_WritesHtmlAndPlainTextAlternatives()
    {
        var (mail, _, _) = await SendAsync(Email());

        var alternative = Assert.IsType<MultipartAlternative>(mail.Message.Body);
        Assert.Equal(["text/plain", "text/html"], alternative.Select(p => p.ContentType.MimeType));
        Assert.Equal("2 candidates meet every requirement.\n", mail.Text?.ReplaceLineEndings("\n"));
        Assert.Contains("<p>2 candidates meet every requirement.</p>", mail.Html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SendEmail_AsciiDisplayNameWithComma_IsQuotedAndReadsAsOneAddress()
    {
        var (mail, path, _) = await SendAsync(Email(to: new Contact("priya.raman@contoso.example", "Raman, Priya")));

        var to = Assert.Single(mail.Message.To.Mailboxes);
        Assert.Equal(("Raman, Priya", "priya.raman@contoso.example"), (to.Name, to.Address));
        Assert.Contains("\"Raman, Priya\" <priya.raman@contoso.example>", string.Concat(OutboxMail.RawHeaderLines(path, "To")), StringComparison.Ordinal);
    }

    [Fact]
    public async Task SendEmail_LongNonAsciiSubject_IsFoldedIntoShortEncodedWords()
    {
        const string subject = "Shortlist: Ingénieur·e en apprentissage automatique, plateforme de données — 12 candidat·e·s qualifié·e·s [SL-U4RMJH]";

        var (mail, path, _) = await SendAsync(Email(subject));

        var lines = OutboxMail.RawHeaderLines(path, "Subject");
        Assert.True(lines.Count > 1, "the subject header is not folded: " + string.Join("|", lines));
        // RFC 5322's 78 characters a line; the non-ASCII runs become several short encoded-words, not one long one.
        Assert.All(lines, line => Assert.True(line.Length <= 78, $"header line of {line.Length} characters: {line}"));
        Assert.True(EncodedWord().Matches(string.Concat(lines)).Count > 1, "one long encoded-word: " + string.Join("|", lines));
        Assert.Equal(subject, mail.Message.Subject);
    }

    [Fact]
    public async Task SendEmail_AnsweringAReply_ThreadsUnderIt()
    {
        var (mail, _, sent) = await SendAsync(Email() with { InReplyTo = ("AAMk-1", "<reply-1@mail.contoso.example>") });

        Assert.Equal("reply-1@mail.contoso.example", mail.Message.InReplyTo);
        Assert.Equal(["reply-1@mail.contoso.example"], mail.Message.References);
        Assert.Equal(sent.InternetMessageId, "<" + mail.Message.MessageId + ">");
        Assert.Equal("SL-U4RMJH", mail.Message.Headers["X-Pipeline-Reference"]);
    }

    [Fact]
    public async Task SendEmail_LineBreaksInTheSubject_DoNotAddHeaders()
    {
        var (mail, _, _) = await SendAsync(Email("Shortlist\r\nBcc: someone@example.com"));

        Assert.Empty(mail.Message.Bcc);
        Assert.DoesNotContain(mail.Message.Headers, h => h.Field == "Bcc");
    }

    [GeneratedRegex(@"=\?[^?]+\?[BbQq]\?[^?]*\?=")]
    private static partial Regex EncodedWord();
}
