using Azure.Core;
using Azure.Data.Tables;

namespace Pipeline.Storage.AzureTables;

/// <summary>
/// Azure Table storage through Azure.Data.Tables. Retries, logging and transport come from
/// <see cref="TableClientOptions"/> (Azure.Core: by default three retries with exponential back-off on 408, 429, 500,
/// 502, 503 and 504). Authenticates with a Microsoft Entra token (managed identity in Azure) or the account key of a
/// connection string (Azurite, or accounts that allow Shared Key). Immutable and thread-safe.
/// </summary>
public sealed class AzureTableStore : ITableStore
{
    private readonly TableServiceClient _service;

    public AzureTableStore(string connectionString, TableClientOptions? options = null)
        : this(new TableServiceClient(connectionString, options ?? new TableClientOptions()))
    {
    }

    public AzureTableStore(Uri endpoint, TokenCredential credential, TableClientOptions? options = null)
        : this(new TableServiceClient(endpoint, credential, options ?? new TableClientOptions()))
    {
    }

    public AzureTableStore(TableServiceClient service) => _service = service;

    public ITable GetTable(string name)
    {
        TableKeys.ValidateTableName(name);
        return new AzureTable(_service.GetTableClient(name));
    }

    /// <summary>Whether <paramref name="connectionString"/> is one the Table client accepts; the reason when it is not.</summary>
    public static string? CheckConnectionString(string connectionString)
    {
        try
        {
            _ = new TableServiceClient(connectionString);
            return null;
        }
        catch (Exception e) when (e is FormatException or ArgumentException or InvalidOperationException)
        {
            return e.Message;
        }
    }
}
