using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using Pipeline.Core.Configuration;
using Pipeline.Domain.Delivery;
using Pipeline.Domain.Requisitions;

namespace Pipeline.Core.Delivery;

/// <summary>
/// Writes what would be sent into a folder: each email as <c>mail/{key}.eml</c> (RFC 5322 with the HTML body) and each
/// Teams notification as <c>teams/{key}.json</c>, the exact body of Graph's sendActivityNotificationToRecipients.
/// A file appears whole (written aside, then moved) and a resend overwrites the same file, so retries never duplicate.
/// </summary>
public sealed class OutboxChannel(IOptions<PipelineOptions> options, TimeProvider time) : IDeliveryChannel
{
    public const string MailFolder = "mail";
    public const string TeamsFolder = "teams";

    private readonly string _root = Path.GetFullPath(options.Value.ResolvedOutboxDirectory);

    public async Task<SentEmail> SendEmailAsync(OutgoingEmail email, bool mayHaveBeenSent, CancellationToken cancellationToken)
    {
        await WriteAtomicallyAsync(Path.Combine(_root, MailFolder, FileName(email.EffectKey, ".eml")), Eml.Format(email, time.GetUtcNow()), cancellationToken);
        return new SentEmail(null, Eml.MessageId(email));
    }

    public Task SendActivityAsync(string effectKey, TeamsActivity activity, bool mayHaveBeenSent, CancellationToken cancellationToken)
    {
        var body = GraphActivityBody(activity).ToJsonString(new JsonSerializerOptions { WriteIndented = true });
        return WriteAtomicallyAsync(Path.Combine(_root, TeamsFolder, FileName(effectKey, ".json")), Encoding.UTF8.GetBytes(body), cancellationToken);
    }

    /// <summary>The request body of <c>POST /teamwork/sendActivityNotificationToRecipients</c>.</summary>
    public static JsonObject GraphActivityBody(TeamsActivity activity) => new()
    {
        ["topic"] = new JsonObject { ["source"] = "text", ["value"] = activity.TopicText, ["webUrl"] = activity.TopicWebUrl },
        ["activityType"] = activity.ActivityType,
        ["previewText"] = new JsonObject { ["content"] = activity.PreviewText },
        ["templateParameters"] = new JsonArray(activity.TemplateParameters
            .Select(p => (JsonNode)new JsonObject { ["name"] = p.Key, ["value"] = p.Value }).ToArray()),
        ["recipients"] = new JsonArray(activity.Recipients
            .Select(r => (JsonNode)new JsonObject { ["@odata.type"] = "microsoft.graph.aadUserNotificationRecipient", ["userId"] = r }).ToArray()),
    };

    private static string FileName(string effectKey, string extension)
    {
        var safe = new string(effectKey.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' ? c : '_').ToArray());
        return safe + extension;
    }

    private static async Task WriteAtomicallyAsync(string path, byte[] content, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var temp = path + ".tmp";
        await File.WriteAllBytesAsync(temp, content, cancellationToken);
        File.Move(temp, path, overwrite: true);
    }
}

/// <summary>Formats an email as an RFC 5322 message with a base64 HTML body, the form mail clients open as .eml.</summary>
internal static class Eml
{
    public static byte[] Format(OutgoingEmail email, DateTimeOffset date)
    {
        var text = new StringBuilder();
        void Header(string name, string value) => text.Append(name).Append(": ").Append(value).Append("\r\n");

        Header("From", Address(email.From));
        Header("To", string.Join(", ", email.To.Select(Address)));
        if (email.Cc.Count > 0)
        {
            Header("Cc", string.Join(", ", email.Cc.Select(Address)));
        }

        Header("Subject", Encode(email.Subject));
        Header("Date", date.ToString("r", CultureInfo.InvariantCulture));
        Header("Message-ID", MessageId(email));
        if (email.InReplyTo is { } original)
        {
            // Threads the answer under the reply in any mail client that opens the .eml.
            Header("In-Reply-To", Clean(original.InternetMessageId));
            Header("References", Clean(original.InternetMessageId));
        }

        Header("X-Pipeline-Reference", Clean(email.ReferenceToken));
        Header("MIME-Version", "1.0");
        Header("Content-Type", "text/html; charset=utf-8");
        Header("Content-Transfer-Encoding", "base64");
        text.Append("\r\n");
        var body = Convert.ToBase64String(Encoding.UTF8.GetBytes(email.Html));
        for (var i = 0; i < body.Length; i += 76)
        {
            text.Append(body, i, Math.Min(76, body.Length - i)).Append("\r\n");
        }

        return Encoding.ASCII.GetBytes(text.ToString());
    }

    public static string MessageId(OutgoingEmail email) => $"<{Clean(email.EffectKey)}@pipeline.local>";

    private static string Address(Contact contact) =>
        contact.Name is null ? $"<{Clean(contact.Email)}>" : $"{Encode(contact.Name)} <{Clean(contact.Email)}>";

    /// <summary>RFC 2047 encoded-word for anything that is not plain printable ASCII; strips line breaks (no header injection).</summary>
    private static string Encode(string value)
    {
        var clean = Clean(value);
        return clean.All(c => c is >= ' ' and <= '~' && c is not ('"' or '=' or '?'))
            ? clean
            : "=?utf-8?B?" + Convert.ToBase64String(Encoding.UTF8.GetBytes(clean)) + "?=";
    }

    private static string Clean(string value) => value.Replace("\r", "", StringComparison.Ordinal).Replace("\n", " ", StringComparison.Ordinal);
}
