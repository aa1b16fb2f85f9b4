using System.Text.Json;
using Pipeline.Cli.Commands;
using Pipeline.Testing;

[assembly: AssemblyFixture(typeof(AzuriteFixture))]

namespace Pipeline.Cli.Tests.Flows;

/// <summary>The same end-to-end run with the state in Azure Table storage (Azurite) instead of SQLite.</summary>
[Trait("Category", "Azurite")]
public sealed class AzuriteEndToEndTests(AzuriteFixture azurite) : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "pipeline-tests", Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    [Fact]
    public async Task Pools_OnTableStorage_ForgettingSomeoneAbsentIsNotAnError()
    {
        // Table storage fails a whole transaction on an entity that is not there; removals must not depend on it.
        var store = new Pipeline.Storage.PrefixedTableStore(new Pipeline.Storage.AzureTables.AzureTableStore(azurite.Require()), "pool" + Guid.NewGuid().ToString("N")[..10]);
        await store.GetTable(Pipeline.Core.Tables.Pools).CreateIfNotExistsAsync();
        var pools = new Pipeline.Core.Shortlists.PoolStore(store);

        await pools.ApplyAsync("mle", [("c-absent", null), ("c-here", 0.75), ("c-too", 0.5)], CancellationToken.None);
        await pools.RemoveAsync(["mle", "other"], ["c-too", "c-never"], CancellationToken.None);

        var pool = await pools.ReadAsync("mle", CancellationToken.None);
        Assert.Equal(["c-here"], pool.Select(e => e.CandidateId));
    }

    [Fact]
    public async Task RunOnce_Twice_OnTableStorage_SendsEachShortlistOnce()
    {
        var settings = new Dictionary<string, string?>
        {
            ["Pipeline:TableConnectionString"] = azurite.Require(),
            ["Pipeline:TablePrefix"] = "e2e" + Guid.NewGuid().ToString("N")[..10],
        };

        var first = await RunOnceAsync(settings);
        var second = await RunOnceAsync(settings);

        Assert.Equal(2, first.GetProperty("emails").GetInt32());
        Assert.Equal(2, first.GetProperty("notifications").GetInt32());
        Assert.Equal(0, second.GetProperty("emails").GetInt32());
        Assert.Equal(0, second.GetProperty("candidates").GetProperty("new").GetInt32());
        Assert.Equal(3, second.GetProperty("feedsNotModified").GetInt32());
        // Nothing of the state went to the embedded store.
        Assert.False(File.Exists(Path.Combine(_root, "pipeline.db")));
    }

    private async Task<JsonElement> RunOnceAsync(IReadOnlyDictionary<string, string?> settings)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var exit = await RunCommand.RunAsync(
            new DirectoryInfo(Path.Combine(AppContext.BaseDirectory, "samples")), new DirectoryInfo(_root), once: true, maxDeliveries: 10,
            verbose: false, json: true, output, error, CancellationToken.None, settings);
        Assert.True(exit == 0, $"exit {exit}: {error}");
        return JsonDocument.Parse(output.ToString()).RootElement.Clone();
    }
}
