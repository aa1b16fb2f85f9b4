using System.CommandLine;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Pipeline.Core;
using Pipeline.Core.Configuration;
using Pipeline.Core.Feeds;
using Pipeline.Domain;
using Pipeline.Domain.Candidates;
using Pipeline.Domain.Feeds;

namespace Pipeline.Cli.Commands;

internal static class FeedsCommand
{
    // Terminal output, never HTML: keep quotes and non-ASCII readable.
    private static readonly JsonSerializerOptions Output = new(DomainJson.Options) { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static Command Create() => new("feeds", "Check and inspect candidate feeds") { CreateCheck(), CreateList() };

    private static Command CreateCheck()
    {
        var target = new Argument<string>("feed") { Description = "A feed id from feeds.json, or the path of a feed file" };
        var format = new Option<FeedFormat?>("--format") { Description = "The file's format (default: from feeds.json, or from the file's extension)" };
        var mapping = new Option<FileInfo?>("--mapping") { Description = "A JSON object mapping our fields to the file's columns or paths", HelpName = "file" };
        var region = new Option<string?>("--default-region") { Description = "The region (ISO 3166-1 alpha-2, e.g. GB) for phone numbers written without their country code (default: the feed's defaultRegion)", HelpName = "region" };
        var show = new Option<bool>("--show-candidates") { Description = "Include the normalised candidates in the output" };
        var command = new Command("check", "Parse a feed without storing or sending anything, and report what would be accepted and quarantined")
        {
            target, format, mapping, region, show, CliOptions.Json,
        };
        command.SetAction((parse, cancellationToken) => CheckAsync(
            parse.GetValue(target)!, parse.GetValue(format), parse.GetValue(mapping), parse.GetValue(region), parse.GetValue(show), parse.GetValue(CliOptions.Json),
            parse.GetValue(CliOptions.Config)!, parse.InvocationConfiguration.Output, parse.InvocationConfiguration.Error, cancellationToken));
        return command;
    }

    internal static async Task<int> CheckAsync(
        string target, FeedFormat? format, FileInfo? mappingFile, string? defaultRegion, bool showCandidates, bool json, DirectoryInfo config, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        // Settings come from the environment, as the function app's do (feed secrets, Pipeline__FeedTestHosts).
        var settings = new ConfigurationBuilder().AddEnvironmentVariables()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Pipeline:ConfigDirectory"] = config.FullName }).Build();
        var options = new PipelineOptions();
        settings.GetSection(PipelineOptions.Section).Bind(options);
        FeedDefinition feed;
        string path;
        PipelineConfiguration? configuration;
        try
        {
            (feed, path, configuration) = Resolve(target, format, mappingFile, defaultRegion, options, settings);
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or JsonException or IOException)
        {
            await error.WriteLineAsync(e.Message);
            return 2;
        }

        long accepted = 0;
        var quarantined = new List<object>();
        var candidates = new List<CandidateRecord>();
        using var http = new HttpClient(CoreServiceCollectionExtensions.CreateFeedHandler(options)) { Timeout = Timeout.InfiniteTimeSpan };

        // A feed from feeds.json is opened as a run opens it: its file confined to the configuration folder.
        var opener = new FeedOpener(http, settings, TimeProvider.System, configuration);
        try
        {
            // The whole feed, every page of it, without a budget and without side effects.
            await new FeedReader(opener).ReadAsync(feed, new FeedCursor(), OnRow, () => false, cancellationToken);
        }
        catch (Exception e) when (e is FeedFormatException or IOException or UnauthorizedAccessException)
        {
            await error.WriteLineAsync($"The feed cannot be read: {e.Message}");
            return 1;
        }

        ValueTask OnRow(FeedRow row)
        {
            switch (row)
            {
                case AcceptedRow a:
                    accepted++;
                    if (showCandidates)
                    {
                        candidates.Add(a.Candidate);
                    }

                    break;
                case RejectedRow r:
                    quarantined.Add(new { position = r.Position, field = r.Field, reason = r.Reason });
                    break;
            }

            return ValueTask.CompletedTask;
        }

        if (json)
        {
            var result = new Dictionary<string, object?>
            {
                ["feed"] = feed.Id,
                ["file"] = path,
                ["format"] = feed.Format.ToString(),
                ["mapping"] = feed.Mapping,
                ["defaultRegion"] = feed.DefaultRegion,
                ["accepted"] = accepted,
                ["quarantined"] = quarantined,
            };
            if (showCandidates)
            {
                result["candidates"] = candidates;
            }

            await output.WriteLineAsync(JsonSerializer.Serialize(result, Output));
            return 0;
        }

        await output.WriteLineAsync($"{path} ({feed.Format}): {accepted} accepted, {quarantined.Count} quarantined");
        if (feed.Mapping.Count > 0)
        {
            await output.WriteLineAsync($"  mapping: {string.Join("; ", feed.Mapping.Select(m => $"{m.Key} <- {m.Value}"))}");
        }

        await output.WriteLineAsync($"  phones: {(feed.DefaultRegion is { } r ? $"numbers without a country code are read as {r.ToUpperInvariant()}" : "only numbers in international form (+...) are read; set defaultRegion for others")}");
        foreach (var row in quarantined)
        {
            await output.WriteLineAsync($"  {JsonSerializer.Serialize(row)}");
        }

        foreach (var candidate in candidates)
        {
            await output.WriteLineAsync($"  {JsonSerializer.Serialize(candidate, DomainJson.Options)}");
        }

        return 0;
    }

    private static (FeedDefinition Feed, string Path, PipelineConfiguration? Configuration) Resolve(
        string target, FeedFormat? format, FileInfo? mappingFile, string? defaultRegion, PipelineOptions options, IConfiguration settings)
    {
        Dictionary<string, FieldMapping>? mapping = null;
        if (mappingFile is not null)
        {
            var problems = new List<string>();
            mapping = ConfigFile.Read<Dictionary<string, FieldMapping>>(mappingFile.FullName, mappingFile.Name, problems);
            if (problems.Count > 0 || mapping is null)
            {
                throw new InvalidOperationException(string.Join(Environment.NewLine, problems.DefaultIfEmpty($"{mappingFile.FullName} holds no mapping.")));
            }
        }

        if (!File.Exists(target))
        {
            // Read and validated exactly as the function app does at start: every problem in the configuration is listed.
            var configuration = new PipelineConfiguration(Microsoft.Extensions.Options.Options.Create(options), settings);
            var feed = configuration.Feeds.FirstOrDefault(f => f.Id == target)
                ?? throw new ArgumentException($"'{target}' is neither a file nor a feed in {Path.Combine(configuration.ConfigDirectory, ConfigurationFiles.Feeds)} (feeds: {string.Join(", ", configuration.Feeds.Select(f => f.Id))}).");
            feed = feed with { Format = format ?? feed.Format, Mapping = mapping ?? feed.Mapping, DefaultRegion = defaultRegion ?? feed.DefaultRegion };
            Validate(feed);
            return (feed, feed.IsHttp ? feed.Location : configuration.ResolveLocation(feed), configuration);
        }

        var inferred = format ?? Path.GetExtension(target).ToLowerInvariant() switch
        {
            ".csv" => FeedFormat.Csv,
            ".ndjson" or ".jsonl" => FeedFormat.Ndjson,
            ".json" => FeedFormat.Json,
            _ => throw new ArgumentException($"Cannot tell the format of '{target}' from its extension; pass --format."),
        };
        var file = Path.GetFullPath(target);
        var fileFeed = new FeedDefinition { Id = "file", Source = file, Location = file, Format = inferred, Mapping = mapping ?? new Dictionary<string, FieldMapping>(), DefaultRegion = defaultRegion };
        Validate(fileFeed);
        return (fileFeed with { Id = Path.GetFileNameWithoutExtension(file) }, file, null);

        // What the command line adds (a mapping, a region) is checked as feeds.json would be.
        void Validate(FeedDefinition feed)
        {
            if ((mapping is not null || defaultRegion is not null)
                && new FeedsDocument { Feeds = [feed] }.Validate(new Core.Outbound.OutboundPolicy(PipelineOptions.SplitList(options.FeedTestHosts)).IsTestHost) is { Count: > 0 } errors)
            {
                throw new InvalidOperationException($"With {(mapping is not null ? $"--mapping {mappingFile!.Name}" : "--default-region")}: {string.Join(" ", errors)}");
            }
        }
    }

    private static Command CreateList()
    {
        var command = new Command("list", "Each configured feed with its last run and outcome") { CliOptions.Json };
        command.SetAction(async (parse, cancellationToken) =>
        {
            await using var core = await CoreServices.TryOpenAsync(CliOptions.AppSettings(parse), parse.InvocationConfiguration.Error, cancellationToken);
            if (core is null)
            {
                return 2;
            }

            var configuration = core.Configuration;
            var state = core.FeedState;
            var runs = new List<(Domain.Feeds.FeedDefinition Feed, FeedRunRecord? Run, FeedRunInProgress? Reading)>();
            foreach (var feed in configuration.Feeds)
            {
                runs.Add((feed, await state.GetAsync(feed.Id, cancellationToken), await state.GetRunAsync(feed.Id, cancellationToken)));
            }

            var rows = runs.Select(r => new
            {
                id = r.Feed.Id, kind = r.Feed.Kind.ToString().ToLowerInvariant(), source = r.Feed.Source, format = r.Feed.Format.ToString(), enabled = r.Feed.Enabled,
                schedule = r.Feed.Schedule,
                // What the source last said it was (for a file: its size and time), sent back as a conditional request.
                watermark = r.Run?.Watermark is { } w ? new { etag = w.ETag, lastModified = w.LastModified, since = r.Run.Since } : null,
                lastRun = r.Run is not { } run ? null : new
                {
                    started = run.RunStarted,
                    finished = run.Finished,
                    outcome = run.Outcome,
                    accepted = run.Accepted,
                    quarantined = run.Quarantined,
                    error = run.Error,
                },
                reading = r.Reading is not { } reading ? null : new { started = reading.RunStarted, lastProgress = reading.LastProgress, parts = reading.Parts },
            }).ToList();

            var output = parse.InvocationConfiguration.Output;
            if (parse.GetValue(CliOptions.Json))
            {
                await output.WriteLineAsync(JsonSerializer.Serialize(rows, Output));
                return 0;
            }

            foreach (var (feed, run, reading) in runs)
            {
                await output.WriteLineAsync(run is null
                    ? $"{feed.Id,-24} never run"
                    : $"{feed.Id,-24} {(!run.Succeeded ? "FAILED" : run.NotModified ? "same  " : "ok    ")} {run.RunStarted:u}  {run.Accepted} accepted, {run.Quarantined} quarantined{(run.Error is null ? "" : "  " + run.Error)}");
                if (reading is not null)
                {
                    await output.WriteLineAsync($"{"",-24} reading since {reading.RunStarted:u}, {reading.Parts} parts so far");
                }
            }

            return 0;
        });
        return command;
    }
}
