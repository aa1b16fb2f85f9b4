using System.Diagnostics;
using System.Globalization;
using Microsoft.Data.Sqlite;
using Pipeline.Core;
using Pipeline.Core.Candidates;
using Pipeline.Domain.Feeds;
using Pipeline.Storage;
using Pipeline.Storage.Sqlite;

namespace Pipeline.Benchmarks.Storage;

/// <summary>
/// candidate-store [--rows 100000] [--page-size 50]: the embedded store alone, as ScreenCandidates uses it. A generated
/// CSV feed is parsed into memory first; its candidates are written page by page into a fresh store
/// (<see cref="CandidateStore.UpsertManyAsync"/>), then written again (all unchanged). Beside them, the floor of the
/// store's write path: the same number of rows, the same size, with the same kind of random keys, inserted with one
/// prepared SQLite statement and a commit per page, into a database of the same size; and what a bulk load could
/// reach: the same rows with their keys in order, committed 100,000 at a time.
/// </summary>
internal static class CandidateStoreBenchmark
{
    public static async Task<int> RunAsync(string[] args)
    {
        var rows = int.Parse(Args.Get(args, "--rows", "100000"), CultureInfo.InvariantCulture);
        var pageSize = int.Parse(Args.Get(args, "--page-size", "50"), CultureInfo.InvariantCulture);
        var dir = Args.Get(args, "--dir", Path.Combine(Path.GetTempPath(), "pipeline-bench-feeds"));
        var (csv, _) = Feeds.FeedParsingBenchmark.EnsureFeeds(rows, dir);
        var feed = new FeedDefinition { Id = "bench", Source = "Bench", Location = csv, Format = FeedFormat.Csv };
        var run = DateTimeOffset.UtcNow;
        var writes = new List<CandidateWrite>(rows);
        await using (var stream = File.OpenRead(csv))
        {
            await foreach (var row in FeedParser.ParseAsync(stream, feed))
            {
                if (row is AcceptedRow a)
                {
                    writes.Add(new CandidateWrite(feed.Id, feed.Kind, feed.Source, a.Candidate, run, a.Position));
                }
            }
        }

        var folder = Path.Combine(dir, "candidate-store-bench");
        if (Directory.Exists(folder))
        {
            Directory.Delete(folder, recursive: true);
        }

        var database = Path.Combine(folder, "pipeline.db");
        await using var store = new SqliteTableStore(database, TimeProvider.System);
        foreach (var table in new[] { Tables.Candidates, Tables.Identities })
        {
            await store.GetTable(table).CreateIfNotExistsAsync();
        }

        var candidates = new CandidateStore(store, TimeProvider.System);
        Console.WriteLine($"{writes.Count:N0} candidates, pages of {pageSize}");
        Console.WriteLine($"{"pass",-22} {"seconds",8} {"µs/candidate",13} {"rows/candidate",15}  outcome");
        foreach (var pass in new[] { "first load", "unchanged" })
        {
            var counts = new Dictionary<ScreenOutcome, int>();
            var watch = Stopwatch.StartNew();
            foreach (var page in writes.Chunk(pageSize))
            {
                foreach (var result in await candidates.UpsertManyAsync(page, CancellationToken.None))
                {
                    counts[result.Outcome] = counts.GetValueOrDefault(result.Outcome) + 1;
                }
            }

            watch.Stop();
            var stored = await CountRowsAsync(database);
            var outcome = string.Join(", ", counts.Select(c => $"{c.Key} {c.Value:N0}"));
            Console.WriteLine($"{pass,-22} {watch.Elapsed.TotalSeconds,8:F2} {watch.Elapsed.TotalMicroseconds / writes.Count,13:F1} {(double)stored.Rows / writes.Count,15:F2}  {outcome}");
        }

        // The floor: as many rows of the same average size, random keys like the hashed ones, a commit per page.
        var (storedRows, averageBytes) = await CountRowsAsync(database);
        var floor = await RawInsertsAsync(database, "floor", storedRows, (int)averageBytes, rowsPerCommit: (int)(storedRows * pageSize / writes.Count));
        Console.WriteLine($"{"SQLite inserts (floor)",-22} {floor.TotalSeconds,8:F2} {floor.TotalMicroseconds / writes.Count,13:F1} {(double)storedRows / writes.Count,15:F2}  {floor.TotalMicroseconds / storedRows:F1} µs a row of {averageBytes:F0} bytes");

        // What a bulk load could reach: the same rows, keys in order, one transaction per 100,000 rows.
        var bulk = await RawInsertsAsync(database, "bulk", storedRows, (int)averageBytes, rowsPerCommit: 100_000, sortedKeys: true);
        Console.WriteLine($"{"  sorted, bulk commits",-22} {bulk.TotalSeconds,8:F2} {bulk.TotalMicroseconds / writes.Count,13:F1} {(double)storedRows / writes.Count,15:F2}  {bulk.TotalMicroseconds / storedRows:F1} µs a row");
        Console.WriteLine($"database {new FileInfo(database).Length / 1e6:F0} MB, peak working set {Process.GetCurrentProcess().PeakWorkingSet64 / 1e6:F0} MB");
        return 0;
    }

    private static async Task<(long Rows, double AverageBytes)> CountRowsAsync(string database)
    {
        await using var connection = new SqliteConnection($"Data Source={database}");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*), AVG(LENGTH(props) + LENGTH(pk) + LENGTH(rk)) FROM entities WHERE tbl IN ('candidates', 'identities')";
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();
        return (reader.GetInt64(0), reader.GetDouble(1));
    }

    private static async Task<TimeSpan> RawInsertsAsync(string database, string table, long rows, int bytes, int rowsPerCommit, bool sortedKeys = false)
    {
        var keys = new string[rows];
        for (var i = 0; i < rows; i++)
        {
            keys[i] = "c" + Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(10));
        }

        if (sortedKeys)
        {
            Array.Sort(keys, StringComparer.Ordinal);
        }

        await using var connection = new SqliteConnection($"Data Source={database}");
        await connection.OpenAsync();
        await using (var pragma = connection.CreateCommand())
        {
            pragma.CommandText = SqliteTableStore.ConnectionPragmas;
            await pragma.ExecuteNonQueryAsync();
        }

        var props = new byte[Math.Max(1, bytes - 60)];
        Random.Shared.NextBytes(props);
        var watch = Stopwatch.StartNew();
        for (long done = 0; done < rows;)
        {
            await using var tx = connection.BeginTransaction(deferred: false);
            await using var insert = connection.CreateCommand();
            insert.Transaction = tx;
            insert.CommandText = "INSERT INTO entities (tbl, pk, rk, etag, ts, props) VALUES ($tbl, $pk, $rk, 'W/\"e\"', $ts, $props)";
            insert.Parameters.AddWithValue("$tbl", table);
            var pk = insert.Parameters.Add("$pk", SqliteType.Text);
            var rk = insert.Parameters.Add("$rk", SqliteType.Text);
            insert.Parameters.AddWithValue("$ts", DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture));
            insert.Parameters.AddWithValue("$props", props);
            insert.Prepare();
            for (var i = 0; i < Math.Max(1, rowsPerCommit) && done < rows; i++, done++)
            {
                pk.Value = keys[done];
                rk.Value = "source-bench";
                await insert.ExecuteNonQueryAsync();
            }

            await tx.CommitAsync();
        }

        return watch.Elapsed;
    }
}
