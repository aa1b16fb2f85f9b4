using Pipeline.Testing;

namespace Pipeline.Core.Tests.Support;

/// <summary>One Azurite for the classes of this assembly that need it.</summary>
[CollectionDefinition(Name)]
public sealed class AzuriteCollection : ICollectionFixture<AzuriteFixture>
{
    public const string Name = "Azurite";
}
