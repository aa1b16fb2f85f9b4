using Pipeline.Storage.Sqlite;

namespace Pipeline.Storage.Tests;

public sealed class SqliteTableContractTests : TableContractTests, IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "pipeline-tests", Guid.NewGuid().ToString("N"));

    protected override Task<ITableStore> CreateStoreAsync() =>
        Task.FromResult<ITableStore>(new SqliteTableStore(Path.Combine(_directory, "store.db"), TimeProvider.System));

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder is harmless; the next run uses a new one.
        }
    }

    [Fact]
    public async Task Store_SurvivesReopening()
    {
        var path = Path.Combine(_directory, "reopen.db");
        var first = new SqliteTableStore(path, TimeProvider.System).GetTable("things");
        await first.CreateIfNotExistsAsync();
        await first.UpsertAsync(new TableEntity("a", "b") { ["V"] = 42L });

        var second = new SqliteTableStore(path, TimeProvider.System).GetTable("things");
        Assert.Equal(42L, (await second.GetAsync("a", "b"))!["V"]);
    }

    [Fact]
    public async Task Reads_WhileAWriteIsUnderway_SeeEveryCommitThatFinishedBeforeThem()
    {
        await using var store = new SqliteTableStore(Path.Combine(_directory, "concurrent.db"), TimeProvider.System);
        var things = store.GetTable("things");
        await things.CreateIfNotExistsAsync();
        var writer = Task.Run(async () =>
        {
            for (var i = 0; i < 200; i++)
            {
                await things.SubmitTransactionAsync([TableTransactionAction.Upsert(new TableEntity("p", $"r{i:D3}") { ["V"] = (long)i })]);
            }
        });

        // Each read happens after the count of rows it checks was committed.
        var readers = Enumerable.Range(0, 3).Select(_ => Task.Run(async () =>
        {
            var seen = 0;
            while (!writer.IsCompleted)
            {
                var count = 0;
                await foreach (var _ in things.QueryPartitionsAsync(["p"]))
                {
                    count++;
                }

                Assert.True(count >= seen, $"a read saw {count} rows after one had seen {seen}");
                seen = count;
            }
        })).ToList();

        await Task.WhenAll(readers.Append(writer));
        var all = 0;
        await foreach (var _ in things.QueryAsync(TableQuery.InPartition("p")))
        {
            all++;
        }

        Assert.Equal(200, all);
    }
}
