using System.CommandLine;
using System.Text.Json;
using Pipeline.Core.Decisions;

namespace Pipeline.Cli.Commands;

/// <summary><c>pipeline decisions list &lt;requisition-id&gt;</c>: the hiring manager's decisions, with where each came from.</summary>
internal static class DecisionsCommand
{
    private static readonly JsonSerializerOptions Output = new(Domain.DomainJson.Options) { WriteIndented = true };

    public static Command Create()
    {
        var requisition = new Argument<string>("requisition-id") { Description = "A requisition id from requisitions.json" };
        var list = new Command("list", "Each recorded decision: shortlist version, candidate, decision, from a reply or a link, when, and the words behind it") { requisition, CliOptions.Json };
        list.SetAction((parse, cancellationToken) => ListAsync(
            parse.GetValue(requisition)!, parse.GetValue(CliOptions.Json), parse.GetValue(CliOptions.Config)!, parse.GetValue(CliOptions.Data)!,
            parse.InvocationConfiguration.Output, parse.InvocationConfiguration.Error, cancellationToken));
        return new Command("decisions", "Hiring managers' decisions") { list };
    }

    internal static async Task<int> ListAsync(
        string requisitionId, bool json, DirectoryInfo config, DirectoryInfo data, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        await using var core = await CoreServices.TryOpenAsync(CliOptions.AppSettings(config, data), error, cancellationToken);
        if (core is null)
        {
            return 2;
        }

        var decisions = new List<RecordedDecision>();
        await foreach (var decision in core.Decisions.ListAsync(requisitionId, cancellationToken))
        {
            decisions.Add(decision);
        }

        if (json)
        {
            await output.WriteLineAsync(JsonSerializer.Serialize(decisions.Select(d => new
            {
                version = d.Version, candidate = d.Candidate, candidateId = d.CandidateId, decision = d.Decision.ToString().ToLowerInvariant(),
                source = d.Source, at = d.At, evidence = d.Evidence,
            }), Output));
            return 0;
        }

        if (decisions.Count == 0)
        {
            await output.WriteLineAsync($"No decisions recorded for {requisitionId}.");
        }

        foreach (var d in decisions)
        {
            await output.WriteLineAsync($"v{d.Version} #{d.Candidate,-3} {d.Decision.ToString().ToLowerInvariant(),-10} {d.Source,-6} {d.At:u}  \"{d.Evidence}\"");
        }

        return 0;
    }
}
