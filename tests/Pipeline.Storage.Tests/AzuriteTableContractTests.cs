using Pipeline.Storage.AzureTables;
using Pipeline.Testing;

[assembly: AssemblyFixture(typeof(AzuriteFixture))]

namespace Pipeline.Storage.Tests;

/// <summary>The contract suite against Azurite, through the REST client Pipeline uses in Azure.</summary>
[Trait("Category", "Azurite")]
public sealed class AzuriteTableContractTests(AzuriteFixture azurite) : TableContractTests
{
    protected override Task<ITableStore> CreateStoreAsync() =>
        Task.FromResult<ITableStore>(new AzureTableStore(azurite.Require()));
}
