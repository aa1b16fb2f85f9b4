using Pipeline.Benchmarks.Feeds;
using Pipeline.Benchmarks.Storage;

return args.FirstOrDefault() switch
{
    "table-upserts" => await TableUpsertsBenchmark.RunAsync(args),
    "feeds" => await FeedParsingBenchmark.RunAsync(args),
    "feeds-measure" => await FeedParsingBenchmark.MeasureAsync(args),
    "ingest" => await IngestionBenchmark.RunAsync(args),
    "graph-requests" => await Pipeline.Benchmarks.Delivery.GraphRequestsBenchmark.RunAsync(args),
    "ingest-measure" => await IngestionBenchmark.MeasureAsync(args),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("""
        usage: Pipeline.Benchmarks table-upserts --connection CS [--entities N] [--partitions N] [--concurrency N]
               Pipeline.Benchmarks feeds [--rows 1000000] [--dir DIR]
               Pipeline.Benchmarks ingest [--rows 1000000] [--dir DIR] [--page-size 50]
               Pipeline.Benchmarks graph-requests [--shortlists 100]
        """);
    return 2;
}

internal static class Args
{
    public static string Get(string[] args, string name, string fallback) => args.SkipWhile(a => a != name).Skip(1).FirstOrDefault() ?? fallback;
}
