using System.Runtime.CompilerServices;
using Azure;
using Azure.Data.Tables;
using Sdk = Azure.Data.Tables;

namespace Pipeline.Storage.AzureTables;

/// <summary>
/// One table of Azure Table storage: <see cref="ITable"/> over the SDK's <see cref="TableClient"/>. Entities are
/// copied between the two shapes; failures are the SDK's <see cref="RequestFailedException"/>, and a failed
/// entity-group transaction becomes Pipeline's <see cref="TableTransactionFailedException"/> with the SDK's index.
/// </summary>
internal sealed class AzureTable(TableClient client) : ITable
{
    /// <summary>Partitions read this many at a time, and transactions sent this many at a time.</summary>
    private const int Parallelism = 8;

    public string Name => client.Name;

    public Task CreateIfNotExistsAsync(CancellationToken cancellationToken = default) =>
        client.CreateIfNotExistsAsync(cancellationToken);

    public async Task<TableEntity?> GetAsync(string partitionKey, string rowKey, CancellationToken cancellationToken = default)
    {
        TableKeys.Validate(partitionKey, nameof(partitionKey));
        TableKeys.Validate(rowKey, nameof(rowKey));
        var response = await client.GetEntityIfExistsAsync<Sdk.TableEntity>(partitionKey, rowKey, cancellationToken: cancellationToken).ConfigureAwait(false);
        if (!response.HasValue)
        {
            // The SDK answers "no value" for a missing table as for a missing entity; the contract says which.
            var raw = response.GetRawResponse();
            if (raw.Status == 404 && IsTableNotFound(raw))
            {
                throw new RequestFailedException(404, $"Table '{Name}' does not exist; create it first.", TableErrorCodes.TableNotFound, null);
            }

            return null;
        }

        return FromSdk(response.Value!);
    }

    public async Task<ETag> AddAsync(TableEntity entity, CancellationToken cancellationToken = default) =>
        (await client.AddEntityAsync(ToSdk(entity), cancellationToken).ConfigureAwait(false)).Headers.ETag ?? default;

    public async Task<ETag> UpsertAsync(TableEntity entity, TableUpdateMode mode = TableUpdateMode.Replace, CancellationToken cancellationToken = default) =>
        (await client.UpsertEntityAsync(ToSdk(entity), Mode(mode), cancellationToken).ConfigureAwait(false)).Headers.ETag ?? default;

    public async Task<ETag> UpdateAsync(TableEntity entity, ETag ifMatch, TableUpdateMode mode = TableUpdateMode.Replace, CancellationToken cancellationToken = default) =>
        (await client.UpdateEntityAsync(ToSdk(entity), Condition(ifMatch), Mode(mode), cancellationToken).ConfigureAwait(false)).Headers.ETag ?? default;

    public async Task DeleteAsync(string partitionKey, string rowKey, ETag ifMatch, CancellationToken cancellationToken = default)
    {
        TableKeys.Validate(partitionKey, nameof(partitionKey));
        TableKeys.Validate(rowKey, nameof(rowKey));
        try
        {
            await client.DeleteEntityAsync(partitionKey, rowKey, Condition(ifMatch), cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException e) when (e.Status == 404 && e.ErrorCode == TableErrorCodes.ResourceNotFound)
        {
            // Already gone: a delete that finds nothing counts as done.
        }
    }

    public async IAsyncEnumerable<TableEntity> QueryAsync(TableQuery? query = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        query ??= new TableQuery();
        var select = query.Select?.Concat(["PartitionKey", "RowKey", "Timestamp"]).Distinct(StringComparer.Ordinal).ToList();
        var pages = client.QueryAsync<Sdk.TableEntity>(query.Filter?.ToOData(), Math.Clamp(query.PageSize, 1, 1000), select, cancellationToken);
        await foreach (var entity in pages.ConfigureAwait(false))
        {
            yield return FromSdk(entity);
        }
    }

    public async IAsyncEnumerable<TableEntity> QueryPartitionsAsync(IReadOnlyCollection<string> partitionKeys, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        foreach (var chunk in partitionKeys.Distinct(StringComparer.Ordinal).Chunk(Parallelism))
        {
            var reads = chunk.Select(async pk =>
            {
                var entities = new List<TableEntity>();
                await foreach (var entity in QueryAsync(TableQuery.InPartition(pk), cancellationToken).ConfigureAwait(false))
                {
                    entities.Add(entity);
                }

                return entities;
            });
            foreach (var entities in await Task.WhenAll(reads).ConfigureAwait(false))
            {
                foreach (var entity in entities)
                {
                    yield return entity;
                }
            }
        }
    }

    public async Task SubmitTransactionAsync(IReadOnlyList<TableTransactionAction> actions, CancellationToken cancellationToken = default)
    {
        TableTransaction.Validate(actions);
        try
        {
            await client.SubmitTransactionAsync(actions.Select(ToSdk), cancellationToken).ConfigureAwait(false);
        }
        catch (Sdk.TableTransactionFailedException e)
        {
            throw new TableTransactionFailedException(e.FailedTransactionActionIndex ?? 0, new RequestFailedException(e.Status, e.Message, e.ErrorCode, e));
        }
    }

    public async Task<IReadOnlyList<RequestFailedException?>> SubmitTransactionsAsync(
        IReadOnlyList<IReadOnlyList<TableTransactionAction>> transactions, CancellationToken cancellationToken = default)
    {
        var results = new RequestFailedException?[transactions.Count];
        await Parallel.ForEachAsync(
            Enumerable.Range(0, transactions.Count),
            new ParallelOptions { MaxDegreeOfParallelism = Parallelism, CancellationToken = cancellationToken },
            async (i, ct) =>
            {
                try
                {
                    await SubmitTransactionAsync(transactions[i], ct).ConfigureAwait(false);
                }
                catch (RequestFailedException e)
                {
                    results[i] = e;
                }
            }).ConfigureAwait(false);
        return results;
    }

    private static Sdk.TableTransactionAction ToSdk(TableTransactionAction action)
    {
        var type = action.ActionType switch
        {
            TableTransactionActionType.Add => Sdk.TableTransactionActionType.Add,
            TableTransactionActionType.UpsertReplace => Sdk.TableTransactionActionType.UpsertReplace,
            TableTransactionActionType.UpsertMerge => Sdk.TableTransactionActionType.UpsertMerge,
            TableTransactionActionType.UpdateReplace => Sdk.TableTransactionActionType.UpdateReplace,
            TableTransactionActionType.UpdateMerge => Sdk.TableTransactionActionType.UpdateMerge,
            _ => Sdk.TableTransactionActionType.Delete,
        };
        var conditional = action.ActionType is TableTransactionActionType.UpdateReplace or TableTransactionActionType.UpdateMerge or TableTransactionActionType.Delete;
        return conditional ? new Sdk.TableTransactionAction(type, ToSdk(action.Entity), Condition(action.IfMatch)) : new Sdk.TableTransactionAction(type, ToSdk(action.Entity));
    }

    private static Sdk.TableEntity ToSdk(TableEntity entity)
    {
        EntityJson.Validate(entity); // a clear error here rather than the service's 413 or 400
        var sdk = new Sdk.TableEntity(entity.PartitionKey, entity.RowKey);
        foreach (var (name, value) in entity.Properties)
        {
            sdk[name] = value;
        }

        return sdk;
    }

    private static TableEntity FromSdk(Sdk.TableEntity sdk)
    {
        var entity = new TableEntity(sdk.PartitionKey, sdk.RowKey) { ETag = sdk.ETag, Timestamp = sdk.Timestamp };
        foreach (var (name, value) in sdk)
        {
            if (value is not null && name is not ("PartitionKey" or "RowKey" or "Timestamp" or "odata.etag") && !name.Contains('@', StringComparison.Ordinal))
            {
                entity[name] = value;
            }
        }

        return entity;
    }

    private static Sdk.TableUpdateMode Mode(TableUpdateMode mode) => mode == TableUpdateMode.Merge ? Sdk.TableUpdateMode.Merge : Sdk.TableUpdateMode.Replace;

    /// <summary>No ETag means no condition, as in the interface's default.</summary>
    private static ETag Condition(ETag ifMatch) => ifMatch == default ? ETag.All : ifMatch;

    private static bool IsTableNotFound(Response response) =>
        response.Headers.TryGetValue("x-ms-error-code", out var code) ? code == TableErrorCodes.TableNotFound : response.Content.ToString().Contains(TableErrorCodes.TableNotFound, StringComparison.Ordinal);
}
