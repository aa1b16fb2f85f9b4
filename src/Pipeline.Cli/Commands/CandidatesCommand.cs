using System.CommandLine;
using System.Text.Json;
using Pipeline.Core.Candidates;
using Pipeline.Core.Certifications;
using Pipeline.Domain.Candidates;

namespace Pipeline.Cli.Commands;

/// <summary><c>pipeline candidates show|split</c>: look at one person and the records merged into them, and undo a wrong merge.</summary>
internal static class CandidatesCommand
{
    private static readonly JsonSerializerOptions Output = new(Domain.DomainJson.Options)
    {
        WriteIndented = true,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static Command Create()
    {
        var who = new Argument<string>("candidate") { Description = "A candidate id (c…) or an email address" };
        var show = new Command("show", "A candidate's profile, each record merged into it (with the feed and the reason it was matched) and each credential check") { who, CliOptions.Json };
        show.SetAction((parse, cancellationToken) => ShowAsync(
            parse.GetValue(who)!, parse.GetValue(CliOptions.Json), parse.GetValue(CliOptions.Config)!, parse.GetValue(CliOptions.Data)!,
            parse.InvocationConfiguration.Output, parse.InvocationConfiguration.Error, cancellationToken));

        var id = new Argument<string>("candidate-id") { Description = "The merged candidate's id" };
        var feed = new Option<string>("--feed") { Description = "The feed whose records are not this person", Required = true };
        var split = new Command("split", "Undo a merge: move one feed's records out of a candidate into a candidate of their own, for good") { id, feed };
        split.SetAction((parse, cancellationToken) => SplitAsync(
            parse.GetValue(id)!, parse.GetValue(feed)!, parse.GetValue(CliOptions.Config)!, parse.GetValue(CliOptions.Data)!,
            parse.InvocationConfiguration.Output, parse.InvocationConfiguration.Error, cancellationToken));

        return new Command("candidates", "Inspect candidates and undo wrong merges") { show, split };
    }

    internal static async Task<int> ShowAsync(
        string who, bool json, DirectoryInfo config, DirectoryInfo data, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        await using var core = await CoreServices.TryOpenAsync(CliOptions.AppSettings(config, data), error, cancellationToken);
        if (core is null)
        {
            return 2;
        }

        var store = core.Candidates;
        string candidateId;
        try
        {
            candidateId = who.Contains('@', StringComparison.Ordinal) ? await store.ResolveEmailAsync(Normalizer.Email(who), cancellationToken) : who;
        }
        catch (FieldException e)
        {
            await error.WriteLineAsync($"'{who}' is neither a candidate id nor an email address: {e.Reason}.");
            return 2;
        }

        var (profile, sources) = await store.GetAsync(candidateId, cancellationToken);
        if (profile is null)
        {
            await error.WriteLineAsync($"There is no candidate {candidateId}.");
            return 1;
        }

        // Each credential link's check: the result that stands, the last attempt and when it is due again.
        var checks = await core.Verifications.GetAsync(candidateId, cancellationToken);
        if (json)
        {
            var verifications = checks.Select(c => new
            {
                url = c.Url, claim = c.ClaimName, outcome = c.Result.Outcome.ToString(), certification = c.Result.Certification,
                evidence = c.Result, lastAttemptAt = c.LastAttemptAt, lastOutcome = c.LastOutcome.ToString(), dueAt = c.DueAt,
            });
            await output.WriteLineAsync(JsonSerializer.Serialize(new { profile, records = sources, verifications }, Output));
            return 0;
        }

        await output.WriteLineAsync($"{profile.CandidateId}  {profile.Name ?? "(no name)"} <{profile.Email}>");
        await output.WriteLineAsync($"  skills: {string.Join(", ", profile.Skills)}");
        foreach (var source in sources)
        {
            await output.WriteLineAsync($"  {source.FeedId,-24} {source.Record.Email,-36} matched by {source.MatchedBy}");
        }

        foreach (var check in checks)
        {
            await output.WriteLineAsync($"  {check.ClaimName}: {check.Result.Outcome} ({check.Result.Reason}); checked {check.LastAttemptAt:u}, due {check.DueAt:u}");
        }

        return 0;
    }

    internal static async Task<int> SplitAsync(
        string candidateId, string feedId, DirectoryInfo config, DirectoryInfo data, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        await using var core = await CoreServices.TryOpenAsync(CliOptions.AppSettings(config, data), error, cancellationToken);
        if (core is null)
        {
            return 2;
        }

        var moved = await core.Candidates.SplitAsync(candidateId, feedId, cancellationToken);
        if (moved.Count == 0)
        {
            await error.WriteLineAsync($"Candidate {candidateId} has no record from feed '{feedId}' other than their first; nothing to split.");
            return 1;
        }

        // Both people changed: the open requisitions' pools are built again from every candidate, and their shortlists are out of date.
        await core.Pools.InvalidateAllAsync(cancellationToken);

        await output.WriteLineAsync($"Moved the records of '{feedId}' out of {candidateId} into {string.Join(", ", moved)}. Open shortlists are rebuilt on the next run.");
        return 0;
    }
}
