using System.CommandLine;
using System.Text.Json;
using Pipeline.Core.Shortlists;
using Pipeline.Domain.Shortlists;

namespace Pipeline.Cli.Commands;

internal static class ShortlistCommand
{
    private static readonly JsonSerializerOptions Output = new()
    {
        WriteIndented = true,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static Command Create()
    {
        var requisition = new Argument<string>("requisition-id") { Description = "A requisition id from requisitions.json" };
        var preview = new Command("preview", "Score the stored candidates against a requisition and show the shortlist and near misses, without sending anything")
        {
            requisition, CliOptions.Json,
        };
        preview.SetAction((parse, cancellationToken) => PreviewAsync(
            parse.GetValue(requisition)!, parse.GetValue(CliOptions.Json), parse.GetValue(CliOptions.Config)!, parse.GetValue(CliOptions.Data)!,
            parse.InvocationConfiguration.Output, parse.InvocationConfiguration.Error, cancellationToken));
        return new Command("shortlist", "Inspect shortlists") { preview };
    }

    internal static async Task<int> PreviewAsync(
        string requisitionId, bool json, DirectoryInfo config, DirectoryInfo data, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        await using var core = await CoreServices.TryOpenAsync(CliOptions.AppSettings(config, data), error, cancellationToken);
        if (core is null)
        {
            return 2;
        }

        var configuration = core.Configuration;
        if (configuration.FindRequisition(requisitionId) is not { } found)
        {
            await error.WriteLineAsync($"There is no requisition '{requisitionId}' (requisitions: {string.Join(", ", configuration.Requisitions.Select(r => r.Id))}).");
            return 2;
        }

        // As BuildShortlist scores, with each credential's stored check; nothing is fetched for a preview.
        var scored = await core.Preview.ScoreEveryoneAsync(found, TimeProvider.System.GetUtcNow(), cancellationToken);
        var (scores, shortlist, nearMisses) = (scored.Scores, scored.Shortlist, scored.NearMisses);
        var preview = new Shortlist(found.Id, 0, shortlist.Select((s, i) => new ShortlistMember(i + 1, s.CandidateId, s.Score, s.Requirements, scored.Card(s.CandidateId, false))).ToList());
        if (json)
        {
            var result = new
            {
                requisition = found.Id,
                status = found.IsOpen ? "open" : "closed",
                scored = scores.Count,
                mix = preview.Mix.ToDictionary(m => m.Key, m => m.Value),
                mixBySource = preview.MixBySource.ToDictionary(m => m.Key, m => m.Value),
                candidates = shortlist.Select((s, i) => Describe(s, i + 1)),
                nearMisses = nearMisses.Select((s, i) => Describe(s, i + 1)),
            };
            await output.WriteLineAsync(JsonSerializer.Serialize(result, Output));
            return 0;
        }

        await output.WriteLineAsync($"{found.Title} ({found.Id}, {(found.IsOpen ? "open" : "closed")}): {scores.Count} candidates scored");
        await WriteAsync(output, "Shortlist", shortlist);
        await WriteAsync(output, "Near misses (one required skill short)", nearMisses);
        return 0;
    }

    private static object Describe(CandidateScore score, int rank) => new
    {
        rank,
        candidateId = score.CandidateId,
        score = score.Score,
        requirements = score.Requirements.Select(r => new
        {
            name = r.Name,
            required = r.Required,
            status = r.Status switch { RequirementStatus.Met => "met", RequirementStatus.Unknown => "unknown", _ => "not-met" },
            verified = r.Verified,
            evidence = r.Evidence,
        }),
    };

    private static async Task WriteAsync(TextWriter output, string heading, IReadOnlyList<CandidateScore> scores)
    {
        await output.WriteLineAsync();
        await output.WriteLineAsync($"{heading}: {(scores.Count == 0 ? "none" : scores.Count.ToString(System.Globalization.CultureInfo.InvariantCulture))}");
        for (var i = 0; i < scores.Count; i++)
        {
            var s = scores[i];
            var missing = s.Requirements.Where(r => r.Status != RequirementStatus.Met).Select(r => r.Name).ToList();
            await output.WriteLineAsync($"  {i + 1,2}. {s.CandidateId}  {Math.Round(s.Score * 100)}%{(missing.Count == 0 ? "" : "  lacks " + string.Join(", ", missing))}");
        }
    }
}
