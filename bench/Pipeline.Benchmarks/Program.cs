using Pipeline.Benchmarks.Feeds;
using Pipeline.Benchmarks.Storage;

return args.FirstOrDefault() switch
{
    "table-upserts" => await TableUpsertsBenchmark.RunAsync(args),
    "candidate-store" => await CandidateStoreBenchmark.RunAsync(args),
    "feeds" => await FeedParsingBenchmark.RunAsync(args),
    "feeds-measure" => await FeedParsingBenchmark.MeasureAsync(args),
    "ingest" => await IngestionBenchmark.RunAsync(args),
    "graph-requests" => await Pipeline.Benchmarks.Delivery.GraphRequestsBenchmark.RunAsync(args),
    "ingest-measure" => await IngestionBenchmark.MeasureAsync(args),
    "scoring" => Pipeline.Benchmarks.Shortlists.ScoringBenchmark.Run(args),
    "cost" => await Pipeline.Benchmarks.Costs.CostBenchmark.RunAsync(args),
    "verifications" => await Pipeline.Benchmarks.Certifications.VerificationBenchmark.RunAsync(args),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("""
        usage: Pipeline.Benchmarks table-upserts --connection CS [--entities N] [--partitions N] [--concurrency N]
               Pipeline.Benchmarks feeds [--rows 1000000] [--dir DIR]
               Pipeline.Benchmarks candidate-store [--rows 100000] [--page-size 50]
               Pipeline.Benchmarks ingest [--rows 1000000] [--dir DIR] [--page-size 50]
               Pipeline.Benchmarks graph-requests [--shortlists 100]
               Pipeline.Benchmarks cost [--candidates 1000] [--page-size 50]
               Pipeline.Benchmarks verifications [--candidates 10000] [--shared 0.3]
               Pipeline.Benchmarks scoring [--candidates 1000000] [--requisitions 50] [--changed 1000]
        """);
    return 2;
}

internal static class Args
{
    public static string Get(string[] args, string name, string fallback) => args.SkipWhile(a => a != name).Skip(1).FirstOrDefault() ?? fallback;
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
