using System.Diagnostics;
using System.Globalization;
using System.Text.Json;

namespace Pipeline.Benchmarks.Feeds;

/// <summary>
/// ingest [--rows 1000000] [--dir DIR] [--page-size 50]: `pipeline run --once` over one generated feed (CSV, then
/// NDJSON) into a fresh embedded store, with no open requisitions so only ingestion is measured: PollFeeds, ReadFeed
/// in parts, ScreenCandidates storing every candidate, all through the local host's queues and the handler's HTTP
/// protocol. Each run is its own process; peak memory is sampled from outside. Beside them, in the same minutes, the
/// store's floor (<see cref="IngestionFloor"/>) before and after, each run's ratio to it, and the bytes the database
/// holds per candidate beside the bytes of the normalised record.
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
        // Each feed's run is paired with the floor of its own records (the CSV rows carry a certification, the NDJSON ones do not).
        var floors = new Dictionary<string, double>();
        async Task FloorAsync(string file, string format)
        {
            var data = Path.Combine(dir, "ingest-floor-data");
            if (Directory.Exists(data))
            {
                Directory.Delete(data, recursive: true);
            }

            var watch = Stopwatch.StartNew();
            using var child = ChildProcess.StartSelf("ingest-floor", file, format, pageSize, data);
            var peak = await SamplePeakAsync(child);
            using var result = JsonDocument.Parse(await child.StandardOutput.ReadToEndAsync());
            var (seconds, count) = (result.RootElement.GetProperty("seconds").GetDouble(), result.RootElement.GetProperty("candidates").GetInt64());
            floors[format] = seconds;
            Console.WriteLine($"{format} store floor: {seconds:F1} s writing ({result.RootElement.GetProperty("cpu").GetDouble():F1} s CPU) for {count:N0} new candidates, {count / seconds:N0}/s; process {watch.Elapsed.TotalSeconds:F1} s with parsing, peak {peak / 1e6:F0} MB");
            await PrintBytesAsync(Path.Combine(data, "pipeline.db"), count, result.RootElement.GetProperty("recordBytes").GetDouble());
        }

        var runs = new List<(string Format, double Seconds, long Created, long Quarantined, long Peak)>();
        foreach (var (file, format) in new[] { (csv, "csv"), (ndjson, "ndjson") })
        {
            await FloorAsync(file, format);

            // The feed files must lie in the configuration folder, so the folder that holds them is the configuration.
            var config = dir;
            var data = Path.Combine(dir, $"ingest-{format}-data");
            if (Directory.Exists(data))
            {
                Directory.Delete(data, recursive: true);
            }

            Directory.CreateDirectory(config);
            await File.WriteAllTextAsync(Path.Combine(config, "requisitions.json"), """{ "requisitions": [] }""");
            await File.WriteAllTextAsync(Path.Combine(config, "feeds.json"), JsonSerializer.Serialize(new
            {
                feeds = new[] { new { id = "bench", kind = "university", source = "Bench", format, location = Path.GetFileName(file), defaultRegion = FeedParsingBenchmark.Region, pageSize = int.Parse(pageSize, CultureInfo.InvariantCulture) } },
            }));

            var watch = Stopwatch.StartNew();
            using var child = PipelineCommand.Start(["run", "--once", "--json", "--config", config, "--data", data]);
            var output = child.StandardOutput.ReadToEndAsync();
            var peak = await SamplePeakAsync(child);
            watch.Stop();
            using var summary = JsonDocument.Parse(await output);
            var created = summary.RootElement.GetProperty("candidates").GetProperty("new").GetInt64();
            var quarantined = summary.RootElement.GetProperty("quarantined").GetInt64();
            runs.Add((format, watch.Elapsed.TotalSeconds, created, quarantined, peak));
            Console.WriteLine($"{format}: {watch.Elapsed.TotalSeconds:F1} s, {rows / watch.Elapsed.TotalSeconds:N0} rows/s, {created:N0} new, {quarantined:N0} quarantined, peak {peak / 1e6:F0} MB");
            await PrintBytesAsync(Path.Combine(data, "pipeline.db"), created, null);
        }

        Console.WriteLine();
        Console.WriteLine($"{"feed",-8} {"seconds",8} {"rows/s",11} {"new",10} {"quarantined",12} {"peak MB",8} {"floor s",8} {"× floor",8}");
        foreach (var (format, seconds, created, quarantined, peak) in runs)
        {
            Console.WriteLine($"{format,-8} {seconds,8:F1} {rows / seconds,11:N0} {created,10:N0} {quarantined,12:N0} {peak / 1e6,8:F0} {floors[format],8:F1} {seconds / floors[format],8:F1}");
        }

        return 0;
    }

    private static async Task<long> SamplePeakAsync(Process child)
    {
        long peak = 0;
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
        return peak;
    }

    private static async Task PrintBytesAsync(string database, long candidates, double? recordBytes)
    {
        var (file, kinds) = await IngestionFloor.BytesPerCandidateAsync(database, candidates);
        var record = recordBytes is { } r ? $"; the normalised record is {r:F0} bytes as JSON" : string.Empty;
        Console.WriteLine($"  bytes per candidate: database file {file:F0}{record}; entities: {string.Join(", ", kinds.Select(k => $"{k.Kind} {k.Bytes:F0} ({k.Rows:F2} rows)"))}");
    }
}
