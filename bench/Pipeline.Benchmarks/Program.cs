using Pipeline.Benchmarks.Feeds;
using Pipeline.Benchmarks.Storage;

return args.FirstOrDefault() switch
{
    "table-upserts" => await TableUpsertsBenchmark.RunAsync(args),
    "candidate-store" => await CandidateStoreBenchmark.RunAsync(args),
    "profiles-scan" => await Pipeline.Benchmarks.Storage.ProfileScanBenchmark.RunAsync(args),
    "feeds" => await FeedParsingBenchmark.RunAsync(args),
    "feeds-measure" => await FeedParsingBenchmark.MeasureAsync(args),
    "ingest" => await IngestionBenchmark.RunAsync(args),
    "graph-requests" => await Pipeline.Benchmarks.Delivery.GraphRequestsBenchmark.RunAsync(args),
    "ingest-floor" => await IngestionFloor.MeasureAsync(args),
    "scoring" => Pipeline.Benchmarks.Shortlists.ScoringBenchmark.Run(args),
    "cost" => await Pipeline.Benchmarks.Costs.CostBenchmark.RunAsync(args),
    "verifications" => await Pipeline.Benchmarks.Certifications.VerificationBenchmark.RunAsync(args),
    "coldstart" => await Pipeline.Benchmarks.Hosting.ColdStartBenchmark.RunAsync(args),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("""
        usage: Pipeline.Benchmarks table-upserts --connection CS [--entities N] [--partitions N] [--concurrency N]
               Pipeline.Benchmarks feeds [--rows 1000000] [--dir DIR]
               Pipeline.Benchmarks candidate-store [--rows 100000] [--page-size 50]
               Pipeline.Benchmarks ingest [--rows 1000000] [--dir DIR] [--page-size 50]
               Pipeline.Benchmarks profiles-scan --db FILE [--passes 3]
               Pipeline.Benchmarks graph-requests [--shortlists 100]
               Pipeline.Benchmarks cost [--candidates 1000] [--page-size 50]
               Pipeline.Benchmarks verifications [--candidates 10000] [--shared 0.3]
               Pipeline.Benchmarks scoring [--candidates 1000000] [--requisitions 50] [--changed 1000]
               Pipeline.Benchmarks coldstart [--pairs 7] [--work DIR] [--no-publish]
        """);
    return 2;
}

internal static class Args
{
    public static string Get(string[] args, string name, string fallback) => args.SkipWhile(a => a != name).Skip(1).FirstOrDefault() ?? fallback;
}

/// <summary>The built <c>pipeline</c> command (src/Pipeline.Cli, built before this project), run as an admin runs it.</summary>
internal static class PipelineCommand
{
    public static string Path { get; } = typeof(PipelineCommand).Assembly
        .GetCustomAttributes(typeof(System.Reflection.AssemblyMetadataAttribute), inherit: false)
        .Cast<System.Reflection.AssemblyMetadataAttribute>().Single(a => a.Key == "PipelineCommand").Value!;

    /// <summary>Starts <c>dotnet pipeline.dll ARGS</c> with its standard output redirected; <paramref name="environment"/> adds app settings (<c>Graph__BaseUrl</c>).</summary>
    public static System.Diagnostics.Process Start(IEnumerable<string> args, IReadOnlyDictionary<string, string>? environment = null)
    {
        var start = new System.Diagnostics.ProcessStartInfo("dotnet") { RedirectStandardOutput = true };
        start.ArgumentList.Add(Path);
        foreach (var a in args)
        {
            start.ArgumentList.Add(a);
        }

        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        return System.Diagnostics.Process.Start(start)!;
    }
}

internal static class ChildProcess
{
    /// <summary>This benchmark program again, in a fresh process (so its peak memory is its own), with these arguments.</summary>
    public static System.Diagnostics.Process StartSelf(params string[] args)
    {
        var self = Environment.ProcessPath!;
        var start = new System.Diagnostics.ProcessStartInfo(self) { RedirectStandardOutput = true };
        if (Path.GetFileNameWithoutExtension(self) == "dotnet")
        {
            start.ArgumentList.Add(typeof(ChildProcess).Assembly.Location);
        }

        foreach (var a in args)
        {
            start.ArgumentList.Add(a);
        }

        return System.Diagnostics.Process.Start(start)!;
    }
}
