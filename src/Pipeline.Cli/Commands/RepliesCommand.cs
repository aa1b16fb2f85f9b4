using System.CommandLine;
using System.Text.Json;
using Pipeline.Domain.Replies;

namespace Pipeline.Cli.Commands;

/// <summary><c>pipeline replies parse</c>: what a hiring manager's reply would decide, without recording anything.</summary>
internal static class RepliesCommand
{
    private static readonly JsonSerializerOptions Output = new(Domain.DomainJson.Options) { WriteIndented = true };

    public static Command Create()
    {
        var file = new Option<FileInfo>("--file") { Description = "The reply: plain text or the HTML body as a mail client sent it", Required = true };
        var candidates = new Option<int>("--candidates") { Description = "How many candidates the shortlist numbered", Required = true };
        var names = new Option<FileInfo?>("--names") { Description = "When the shortlist showed names: one per line in shortlist order, or a JSON object {\"1\": \"Name\"}" };
        var parse = new Command("parse", "Show the decisions a reply yields and the sentences that could not be used; records nothing") { file, candidates, names, CliOptions.Json };
        parse.SetAction((result, cancellationToken) => ParseAsync(
            result.GetValue(file)!, result.GetValue(candidates), result.GetValue(names), result.GetValue(CliOptions.Json),
            result.InvocationConfiguration.Output, result.InvocationConfiguration.Error, cancellationToken));
        var replyFile = new Option<FileInfo>("--file") { Description = "The reply's body, text or HTML", Required = true };
        var from = new Option<string>("--from") { Description = "Who sent it (the hiring manager's address)", Required = true };
        var subject = new Option<string>("--subject") { Description = "Its subject, with the shortlist reference (e.g. \"Re: Shortlist: … [SL-7Q4K2M]\")", Required = true };
        var submit = new Command("submit", "Put a reply in the local replies queue, as if it had arrived in the shared mailbox; the next `pipeline run` handles it")
        {
            replyFile, from, subject,
        };
        submit.SetAction((result, cancellationToken) => SubmitAsync(
            result.GetValue(replyFile)!, result.GetValue(from)!, result.GetValue(subject)!, result.GetValue(CliOptions.Data)!,
            result.InvocationConfiguration.Output, result.InvocationConfiguration.Error, cancellationToken));
        return new Command("replies", "Hiring managers' replies to shortlists") { parse, submit };
    }

    internal static async Task<int> SubmitAsync(FileInfo file, string from, string subject, DirectoryInfo data, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        string body;
        try
        {
            body = await File.ReadAllTextAsync(file.FullName, cancellationToken);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            await error.WriteLineAsync($"Cannot read the reply: {e.Message}");
            return 2;
        }

        if (Domain.Delivery.ReplyAnswers.ReferenceIn(subject) is null)
        {
            await error.WriteLineAsync("The subject has no shortlist reference (SL-XXXXXX); replies are matched to shortlists by it.");
            return 2;
        }

        var reply = new Core.Messages.IncomingReply
        {
            InternetMessageId = $"<local-{Guid.NewGuid():N}@pipeline.local>",
            From = from,
            Subject = subject,
            Body = body,
            ReceivedAt = TimeProvider.System.GetUtcNow(),
        };
        var queues = new LocalHost.LocalQueueStore(CliOptions.QueueDatabase(data), TimeProvider.System);
        await queues.EnqueueAsync(Core.Messages.Queues.Replies, [JsonSerializer.Serialize(reply, Domain.DomainJson.Options)], cancellationToken);
        await output.WriteLineAsync($"Queued {reply.InternetMessageId} in {CliOptions.QueueDatabase(data)}; `pipeline run --once` handles it.");
        return 0;
    }

    internal static async Task<int> ParseAsync(FileInfo file, int candidates, FileInfo? namesFile, bool json, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        if (candidates is < 1 or > 50)
        {
            await error.WriteLineAsync($"--candidates is {candidates}; a shortlist has 1 to 50.");
            return 2;
        }

        string body;
        IReadOnlyDictionary<int, string>? names;
        try
        {
            body = await File.ReadAllTextAsync(file.FullName, cancellationToken);
            names = namesFile is null ? null : ReadNames(await File.ReadAllTextAsync(namesFile.FullName, cancellationToken));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException or FormatException)
        {
            await error.WriteLineAsync($"Cannot read the input: {e.Message}");
            return 2;
        }

        var parsed = ReplyParser.Parse(body, candidates, names);
        if (json)
        {
            // Per candidate: what was decided and from which sentences, or why it will be asked about.
            var perCandidate = parsed.Decisions
                .Select(d => new CandidateLine(d.Candidate, d.Decision.ToString().ToLowerInvariant(), d.Sentences, null))
                .Concat(parsed.UnclearCandidates.Select(u => new CandidateLine(u.Candidate, "unclear", [], u.Reason)))
                .OrderBy(c => c.Candidate);
            await output.WriteLineAsync(JsonSerializer.Serialize(new
            {
                candidates = perCandidate.Select(c => new { candidate = c.Candidate, decision = c.Decision, sentences = c.Sentences, reason = c.Reason }),
                decisions = parsed.Decisions.Select(d => new { candidate = d.Candidate, decision = d.Decision.ToString().ToLowerInvariant(), sentence = d.Sentence, sentences = d.Sentences }),
                unclear = parsed.Unclear,
                kind = parsed.Kind.ToString().ToLowerInvariant(),
                correction = parsed.IsCorrection,
                clear = parsed.IsClear,
                needsClarification = parsed.NeedsClarification,
            }, Output));
            return 0;
        }

        foreach (var decision in parsed.Decisions)
        {
            await output.WriteLineAsync($"#{decision.Candidate,-3} {decision.Decision.ToString().ToLowerInvariant(),-10} \"{decision.Sentence}\"");
        }

        foreach (var line in parsed.Unclear)
        {
            await output.WriteLineAsync($"unclear: {line}");
        }

        await output.WriteLineAsync(parsed switch
        {
            { Kind: ReplyKind.AutoReply } => "An automatic reply: nothing to record and nothing to ask.",
            { Kind: ReplyKind.Deferral } => "The manager will answer later: nothing to record and nothing to ask.",
            { IsClear: true, IsCorrection: true } => "The reply is clear, and says it corrects an earlier answer.",
            { IsClear: true } => "The reply is clear.",
            _ => "The reply would get a clarification listing what was and was not understood.",
        });
        return 0;
    }

    private sealed record CandidateLine(int Candidate, string Decision, IReadOnlyList<string> Sentences, string? Reason);

    private static Dictionary<int, string> ReadNames(string text) =>
        text.TrimStart().StartsWith('{')
            ? JsonSerializer.Deserialize<Dictionary<string, string>>(text)!.ToDictionary(p => int.Parse(p.Key, System.Globalization.CultureInfo.InvariantCulture), p => p.Value)
            : text.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Select((name, i) => (name, i)).ToDictionary(p => p.i + 1, p => p.name);
}
