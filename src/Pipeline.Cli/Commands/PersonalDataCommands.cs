using System.CommandLine;
using System.Text.Json;
using Pipeline.Cli.LocalHost;
using Pipeline.Core.Privacy;
using Pipeline.Domain.Candidates;

namespace Pipeline.Cli.Commands;

/// <summary>
/// <c>pipeline export --email E</c> and <c>pipeline erase --email E</c>: a person's data requests, against the
/// embedded store or, with the Table settings, against Azure.
/// </summary>
internal static class PersonalDataCommands
{
    private static readonly JsonSerializerOptions Output = new(Domain.DomainJson.Options)
    {
        WriteIndented = true,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static IEnumerable<Command> Create()
    {
        var exportEmail = new Option<string>("--email") { Description = "An email of the person", Required = true };
        var export = new Command("export", "Everything Pipeline holds about a person, as JSON: profile, feed records, checks, pools, shortlists, decisions, quarantined rows") { exportEmail };
        export.SetAction(async (parse, cancellationToken) =>
        {
            var (output, error) = (parse.InvocationConfiguration.Output, parse.InvocationConfiguration.Error);
            await using var session = await StartAsync(parse, exportEmail, cancellationToken);
            if (session is not { } started)
            {
                return 2;
            }

            using var document = await started.Data.ExportAsync(started.Email, cancellationToken);
            if (document is null)
            {
                await error.WriteLineAsync("Nobody is known by that email.");
                return 1;
            }

            await output.WriteLineAsync(JsonSerializer.Serialize(document.RootElement, Output));
            return 0;
        });

        var eraseEmail = new Option<string>("--email") { Description = "An email of the person", Required = true };
        var erase = new Command("erase", "Remove a person everywhere, keep an anonymous tombstone, and suppress their emails so feeds do not bring them back")
        {
            eraseEmail, CliOptions.Json,
        };
        erase.SetAction(async (parse, cancellationToken) =>
        {
            var output = parse.InvocationConfiguration.Output;
            await using var session = await StartAsync(parse, eraseEmail, cancellationToken);
            if (session is not { } started)
            {
                return 2;
            }

            var report = await started.Data.EraseAsync(started.Email, cancellationToken);

            // The local host's queues may hold pages of candidates or ids about the person: rewritten without them.
            var queues = CliOptions.QueueDatabase(parse.GetValue(CliOptions.Data)!);
            if (File.Exists(queues) && report.Traces is { } traces)
            {
                var (rewritten, deleted) = await new LocalQueueStore(queues, TimeProvider.System).ScrubAsync(traces.Scrub, cancellationToken);
                report = report with { Messages = new Dictionary<string, int> { ["rewritten"] = rewritten, ["removed"] = deleted } };
            }

            if (parse.GetValue(CliOptions.Json))
            {
                await output.WriteLineAsync(JsonSerializer.Serialize(report, Output));
                return 0;
            }

            await output.WriteLineAsync(report.Found
                ? $"Erased; tombstone {report.Tombstone}. Removed: {Describe(report.Removed)}. Redacted: {Describe(report.Redacted)}. Their emails are suppressed."
                : $"Nobody is known by that email; it is suppressed all the same (tombstone {report.Tombstone}).");
            if (report.Messages is { } messages)
            {
                await output.WriteLineAsync($"Local queue messages about them: {messages["rewritten"]} rewritten, {messages["removed"]} removed.");
            }

            await output.WriteLineAsync("Emails already sent and files in the local outbox are not changed by this.");
            return 0;
        });

        return [export, erase];
    }

    /// <summary>The function app's services over the configured store, and the email asked about; null (said why) when either is not to be had.</summary>
    private static async Task<Session?> StartAsync(ParseResult parse, Option<string> emailOption, CancellationToken cancellationToken)
    {
        var error = parse.InvocationConfiguration.Error;
        string email;
        try
        {
            email = Normalizer.Email(parse.GetValue(emailOption));
        }
        catch (FieldException)
        {
            await error.WriteLineAsync($"--email '{parse.GetValue(emailOption)}' is not an email address.");
            return null;
        }

        var core = await CoreServices.TryOpenAsync(CliOptions.AppSettings(parse), error, cancellationToken);
        return core is null ? null : new Session(core, core.PersonalData, email);
    }

    private sealed record Session(CoreServices Core, PersonalData Data, string Email) : IAsyncDisposable
    {
        public ValueTask DisposeAsync() => Core.DisposeAsync();
    }

    private static string Describe(IReadOnlyDictionary<string, int> counts) =>
        counts.Count == 0 ? "nothing" : string.Join(", ", counts.Select(c => $"{c.Value} in {c.Key}"));
}
