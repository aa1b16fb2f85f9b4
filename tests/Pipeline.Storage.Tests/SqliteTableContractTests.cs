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
}
