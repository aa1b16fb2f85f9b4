using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using Pipeline.Core.Configuration;
using Pipeline.Domain.Delivery;
using Pipeline.Domain.Requisitions;

namespace Pipeline.Core.Delivery;

/// <summary>
/// Writes what would be sent into a folder: each email as <c>mail/{key}.eml</c> (see <see cref="OutboxMessage"/>) and each
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
        var eml = await OutboxMessage.FormatAsync(email, time.GetUtcNow(), cancellationToken);
        await WriteAtomicallyAsync(Path.Combine(_root, MailFolder, FileName(email.EffectKey, ".eml")), eml, cancellationToken);
        return new SentEmail(null, OutboxMessage.MessageId(email));
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
