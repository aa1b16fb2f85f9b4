using System.CommandLine;
using System.Text.Json;
using System.Text.RegularExpressions;
using MimeKit;
using Pipeline.Core.Delivery;

namespace Pipeline.Cli.Commands;

internal static class OutboxCommand
{
    private static readonly JsonSerializerOptions Output = new()
    {
        WriteIndented = true,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static Command Create()
    {
        var list = new Command("list", "What was written to the outbox instead of being sent: emails and Teams notifications, newest first") { CliOptions.Json };
        list.SetAction(async (parse, cancellationToken) =>
        {
            var outbox = Path.Combine(parse.GetValue(CliOptions.Data)!.FullName, "outbox");
            var items = List(outbox).ToList();
            var output = parse.InvocationConfiguration.Output;
            if (parse.GetValue(CliOptions.Json))
            {
                await output.WriteLineAsync(JsonSerializer.Serialize(items, Output));
                return 0;
            }

            if (items.Count == 0)
            {
                await output.WriteLineAsync($"The outbox ({outbox}) is empty.");
            }

            foreach (var item in items)
            {
                await output.WriteLineAsync($"{item.WrittenAt:u}  {item.Kind,-5}  {item.Subject}  → {item.To}");
            }

            return 0;
        });
        return new Command("outbox", "Inspect what would have been sent, when Graph is not configured") { list };
    }

    internal sealed record OutboxItem(string Kind, string Key, string Subject, string To, DateTimeOffset WrittenAt, string File);

    internal static IEnumerable<OutboxItem> List(string outbox)
    {
        var mail = Path.Combine(outbox, OutboxChannel.MailFolder);
        var teams = Path.Combine(outbox, OutboxChannel.TeamsFolder);
        var items = new List<OutboxItem>();
        if (Directory.Exists(mail))
        {
            foreach (var file in Directory.EnumerateFiles(mail, "*.eml"))
            {
                // MimeKit unfolds long headers and decodes encoded words, as the mail client that opens the file does.
                using var message = MimeMessage.Load(file);
                items.Add(new OutboxItem("email", Path.GetFileNameWithoutExtension(file), message.Subject ?? "", message.To.ToString(), File.GetLastWriteTimeUtc(file), file));
            }
        }

        if (Directory.Exists(teams))
        {
            foreach (var file in Directory.EnumerateFiles(teams, "*.json"))
            {
                using var json = JsonDocument.Parse(File.ReadAllBytes(file));
                var root = json.RootElement;
                var recipients = root.GetProperty("recipients").EnumerateArray().Select(r => r.GetProperty("userId").GetString());
                items.Add(new OutboxItem("teams", Path.GetFileNameWithoutExtension(file), root.GetProperty("previewText").GetProperty("content").GetString() ?? "",
                    string.Join(", ", recipients), File.GetLastWriteTimeUtc(file), file));
            }
        }

        return items.OrderByDescending(i => i.WrittenAt).ThenBy(i => i.Key, StringComparer.Ordinal);
    }
}
