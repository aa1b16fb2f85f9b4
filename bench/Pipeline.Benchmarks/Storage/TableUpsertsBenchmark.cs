using System.Diagnostics;
using Azure.Core;
using Azure.Core.Pipeline;
using Pipeline.Storage;
using Pipeline.Storage.AzureTables;

namespace Pipeline.Benchmarks.Storage;

/// <summary>
/// table-upserts --connection CS [--entities 100000] [--partitions 100] [--concurrency 8]:
/// single upserts against entity-group transactions, in entities/s and HTTP requests.
/// </summary>
internal static class TableUpsertsBenchmark
{
    public static async Task<int> RunAsync(string[] args)
    {
        var connection = Args.Get(args, "--connection", Environment.GetEnvironmentVariable("PIPELINE_AZURITE_TABLE") ?? "UseDevelopmentStorage=true");
        var entities = int.Parse(Args.Get(args, "--entities", "100000"), System.Globalization.CultureInfo.InvariantCulture);
        var partitions = int.Parse(Args.Get(args, "--partitions", "100"), System.Globalization.CultureInfo.InvariantCulture);
        var concurrency = int.Parse(Args.Get(args, "--concurrency", "8"), System.Globalization.CultureInfo.InvariantCulture);

        Console.WriteLine($"Upserting {entities:N0} small entities across {partitions} partitions, {concurrency} requests in flight.");
        Console.WriteLine($"{"mode",-14} {"seconds",8} {"entities/s",11} {"HTTP requests",14} {"entities/request",17}");
        await MeasureAsync("single", single: true);
        await MeasureAsync("transactions", single: false);
        return 0;

        async Task MeasureAsync(string mode, bool single)
        {
            var counter = new RequestCounter();
            var options = new Azure.Data.Tables.TableClientOptions();
            options.AddPolicy(counter, HttpPipelinePosition.PerRetry);
            var table = new AzureTableStore(connection, options).GetTable($"bench{mode}{Guid.NewGuid():N}"[..30]);
            await table.CreateIfNotExistsAsync();
            var requestsBefore = counter.Count;

            var rows = Enumerable.Range(0, entities).Select(i => new TableEntity($"p{i % partitions:D3}", $"r{i:D7}")
            {
                ["Email"] = $"candidate{i}@example.com",
                ["Score"] = i % 100 / 100.0,
                ["Seen"] = i,
            });
            var work = single
                ? rows.Select(e => (Func<Task>)(() => table.UpsertAsync(e)))
                : TableTransaction.Chunk(rows.Select(e => TableTransactionAction.Upsert(e))).Select(b => (Func<Task>)(() => table.SubmitTransactionAsync(b)));

            var watch = Stopwatch.StartNew();
            await Parallel.ForEachAsync(work, new ParallelOptions { MaxDegreeOfParallelism = concurrency }, async (step, _) => await step());
            watch.Stop();
            var requests = counter.Count - requestsBefore;
            Console.WriteLine($"{mode,-14} {watch.Elapsed.TotalSeconds,8:F1} {entities / watch.Elapsed.TotalSeconds,11:N0} {requests,14:N0} {(double)entities / requests,17:F1}");
        }
    }
}

/// <summary>Counts every HTTP attempt the pipeline sends, retries included.</summary>
internal sealed class RequestCounter : HttpPipelineSynchronousPolicy
{
    private long _count;

    public long Count => Interlocked.Read(ref _count);

    public override void OnSendingRequest(HttpMessage message) => Interlocked.Increment(ref _count);
}
