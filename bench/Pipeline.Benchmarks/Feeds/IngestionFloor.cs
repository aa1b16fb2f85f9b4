using System.Diagnostics;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Pipeline.Domain;
using Pipeline.Domain.Feeds;
using Pipeline.Core;
using Pipeline.Core.Candidates;
using Pipeline.Storage;
using Pipeline.Storage.Sqlite;

namespace Pipeline.Benchmarks.Feeds;

/// <summary>
/// The store's floor for ingestion: the entities ScreenCandidates writes for new people (identity keys, source
/// record, profile; built by <see cref="CandidateStore.NewPeopleWrites"/>), written through the embedded store with the
/// same commit pattern (per page: the keys' submission, then the records' submission). Parsing and building the
/// entities happen outside the clock; no identity resolution, queues or HTTP.
/// </summary>
internal static class IngestionFloor
{
    /// <summary>In the child: ingest-floor FILE FORMAT PAGESIZE DATA. Prints one JSON line: seconds, candidates, CPU seconds, normalised record bytes.</summary>
    public static async Task<int> MeasureAsync(string[] args)
    {
        var (file, format, pageSize, data) = (args[1], args[2], int.Parse(args[3], System.Globalization.CultureInfo.InvariantCulture), args[4]);
        Directory.CreateDirectory(data);
        var feed = new FeedDefinition { Id = "bench", Source = "Bench", Location = file, Format = format == "csv" ? FeedFormat.Csv : FeedFormat.Ndjson, DefaultRegion = FeedParsingBenchmark.Region };
        await using var store = new SqliteTableStore(Path.Combine(data, "pipeline.db"), TimeProvider.System);
        foreach (var name in Tables.All)
        {
            await store.GetTable(name).CreateIfNotExistsAsync();
        }

        var candidates = store.GetTable(Tables.Candidates);
        var identities = store.GetTable(Tables.Identities);

        // Keys already written, as 64 bits of two string hashes: a set of the strings themselves would be the largest thing here.
        var written = new HashSet<long>();
        bool IsNewKey(string key) => written.Add(((long)StringComparer.Ordinal.GetHashCode(key) << 32) | (uint)key.GetHashCode(StringComparison.OrdinalIgnoreCase));

        var run = DateTimeOffset.UtcNow;
        var page = new List<CandidateWrite>(pageSize);
        var clock = new Stopwatch();
        var cpu = TimeSpan.Zero;
        long count = 0, recordBytes = 0;

        async Task WriteAsync()
        {
            var (keys, records) = CandidateStore.NewPeopleWrites(page, IsNewKey, DateTimeOffset.UtcNow);
            var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
            clock.Start();
            await identities.SubmitTransactionsAsync(keys);
            await candidates.SubmitTransactionsAsync(records);
            clock.Stop();
            cpu += Process.GetCurrentProcess().TotalProcessorTime - cpuBefore;
            page.Clear();
        }

        await using (var stream = File.OpenRead(file))
        {
            await foreach (var row in FeedParser.ParseAsync(stream, feed))
            {
                if (row is not AcceptedRow accepted)
                {
                    continue;
                }

                count++;
                recordBytes += JsonSerializer.SerializeToUtf8Bytes(accepted.Candidate, DomainJson.Options).Length;
                page.Add(new CandidateWrite(feed.Id, feed.Kind, feed.Source, accepted.Candidate, run, accepted.Position));
                if (page.Count == pageSize)
                {
                    await WriteAsync();
                }
            }
        }

        if (page.Count > 0)
        {
            await WriteAsync();
        }

        Console.WriteLine(JsonSerializer.Serialize(new { seconds = clock.Elapsed.TotalSeconds, cpu = cpu.TotalSeconds, candidates = count, recordBytes = (double)recordBytes / count }));
        return 0;
    }

    /// <summary>What the database holds per candidate: its file size, and the bytes of each kind of entity (keys and properties).</summary>
    public static async Task<(double FileBytes, IReadOnlyList<(string Kind, double Rows, double Bytes)> Kinds)> BytesPerCandidateAsync(string database, long candidates)
    {
        SqliteConnection.ClearAllPools();
        var size = new FileInfo(database).Length + (File.Exists(database + "-wal") ? new FileInfo(database + "-wal").Length : 0);
        await using var connection = new SqliteConnection($"Data Source={database};Mode=ReadOnly");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT CASE WHEN tbl LIKE '%identities' THEN 'identity key' WHEN rk = 'profile' THEN 'profile' ELSE 'source record' END,
                   COUNT(*), SUM(LENGTH(pk) + LENGTH(rk) + LENGTH(etag) + LENGTH(ts) + LENGTH(props))
            FROM entities WHERE tbl LIKE '%candidates' OR tbl LIKE '%identities' GROUP BY 1 ORDER BY 1
            """;
        var kinds = new List<(string, double, double)>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            kinds.Add((reader.GetString(0), reader.GetInt64(1) / (double)candidates, reader.GetInt64(2) / (double)candidates));
        }

        return ((double)size / candidates, kinds);
    }
}
