using Azure.Core;
using Azure.Core.Pipeline;

namespace Pipeline.Storage.AzureTables;

/// <summary>
/// Options of the Azure Table client: retries, logging and transport come from Azure.Core's <see cref="ClientOptions"/>
/// (by default three retries with exponential back-off on 408, 429, 500, 502, 503 and 504).
/// </summary>
public sealed class AzureTableStoreOptions : ClientOptions
{
    /// <summary>The REST API version; 2019-02-02 or later is needed for Entra tokens.</summary>
    public string ServiceVersion { get; set; } = "2020-12-06";

    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;
}

/// <summary>
/// Azure Table storage over its REST API, on an Azure.Core <see cref="HttpPipeline"/>. Immutable and thread-safe;
/// authenticates with a Microsoft Entra token (managed identity in Azure) or an account key (Azurite, or accounts
/// that allow Shared Key).
/// </summary>
public sealed class AzureTableStore : ITableStore
{
    internal const string StorageScope = "https://storage.azure.com/.default";

    public AzureTableStore(string connectionString, AzureTableStoreOptions? options = null)
        : this(TableConnectionString.Parse(connectionString), options)
    {
    }

    public AzureTableStore(Uri endpoint, TokenCredential credential, AzureTableStoreOptions? options = null)
        : this(endpoint, new BearerTokenAuthenticationPolicy(credential, StorageScope), options ?? new AzureTableStoreOptions())
    {
    }

    public AzureTableStore(Uri endpoint, TableSharedKeyCredential credential, AzureTableStoreOptions? options = null)
        : this(endpoint, null, options ?? new AzureTableStoreOptions(), credential)
    {
    }

    private AzureTableStore(TableConnectionString connection, AzureTableStoreOptions? options)
        : this(connection.Endpoint, null, options ?? new AzureTableStoreOptions(), connection.Credential
            ?? throw new FormatException("The storage connection string has no AccountKey; use the endpoint with a token credential instead."))
    {
    }

    private AzureTableStore(Uri endpoint, HttpPipelinePolicy? authentication, AzureTableStoreOptions options, TableSharedKeyCredential? sharedKey = null)
    {
        Endpoint = new Uri(endpoint.AbsoluteUri.TrimEnd('/'));
        Options = options;
        var auth = authentication ?? new TableSharedKeyPolicy(sharedKey!, options.TimeProvider);
        Pipeline = HttpPipelineBuilder.Build(options, [], [auth], new ResponseClassifier());
    }

    public Uri Endpoint { get; }

    internal AzureTableStoreOptions Options { get; }

    internal HttpPipeline Pipeline { get; }

    public ITable GetTable(string name)
    {
        TableKeys.ValidateTableName(name);
        return new AzureTable(this, name);
    }
}
