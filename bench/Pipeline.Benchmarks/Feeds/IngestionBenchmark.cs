using System.Diagnostics;
using System.Globalization;
using System.Text.Json;

namespace Pipeline.Benchmarks.Feeds;

/// <summary>
/// ingest [--rows 1000000] [--dir DIR] [--page-size 50]: `pipeline run --once` over one generated feed (CSV, then
/// NDJSON) into a fresh embedded store, with no open requisitions so only ingestion is measured: PollFeeds, ReadFeed
/// in parts, ScreenCandidates storing every candidate, all through the local host's queues and the handler's HTTP
/// protocol. Each run is its own process; peak memory is sampled from outside.
/// </summary>
internal static class IngestionBenchmark
{
    public static async Task<int> RunAsync(string[] args)
    {
        var rows = int.Parse(Args.Get(args, "--rows", "1000000"), CultureInfo.InvariantCulture);
        var pageSize = Args.Get(args, "--page-size", "50");
        var dir = Args.Get(args, "--dir", Path.Combine(Path.GetTempPath(), "pipeline-bench-feeds"));
        var (csv, ndjson) = FeedParsingBenchmark.EnsureFeeds(rows, dir);
        Console.WriteLine($"{rows:N0} rows, pages of {pageSize}");
        Console.WriteLine($"{"feed",-8} {"seconds",8} {"rows/s",11} {"new",10} {"quarantined",12} {"peak MB",8}");
        foreach (var (file, format) in new[] { (csv, "csv"), (ndjson, "ndjson") })
        {
            var config = Path.Combine(dir, $"ingest-{format}-config");
            var data = Path.Combine(dir, $"ingest-{format}-data");
            if (Directory.Exists(data))
            {
                Directory.Delete(data, recursive: true);
            }

            Directory.CreateDirectory(config);
            await File.WriteAllTextAsync(Path.Combine(config, "requisitions.json"), """{ "requisitions": [] }""");
            await File.WriteAllTextAsync(Path.Combine(config, "feeds.json"), JsonSerializer.Serialize(new
            {
                feeds = new[] { new { id = "bench", kind = "university", source = "Bench", format, location = file, pageSize = int.Parse(pageSize, CultureInfo.InvariantCulture) } },
            }));

            var watch = Stopwatch.StartNew();
            using var child = PipelineCommand.Start(["run", "--once", "--json", "--config", config, "--data", data]);
            long peak = 0;
            var output = child.StandardOutput.ReadToEndAsync();
            while (!child.HasExited)
            {
                try
                {
                    child.Refresh();
                    peak = Math.Max(peak, child.WorkingSet64);
                }
                catch (InvalidOperationException)
                {
                    break;
                }

                await Task.Delay(100);
            }

            await child.WaitForExitAsync();
            watch.Stop();
            using var summary = JsonDocument.Parse(await output);
            var created = summary.RootElement.GetProperty("candidates").GetProperty("new").GetInt64();
            var quarantined = summary.RootElement.GetProperty("quarantined").GetInt64();
            Console.WriteLine($"{format,-8} {watch.Elapsed.TotalSeconds,8:F1} {rows / watch.Elapsed.TotalSeconds,11:N0} {created,10:N0} {quarantined,12:N0} {peak / 1e6,8:F0}");
        }

        return 0;
    }
}
