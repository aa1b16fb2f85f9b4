using Azure;

namespace Pipeline.Storage;

/// <summary>Opens tables by name. Implementations: SQLite (embedded default) and Azure Table storage.</summary>
public interface ITableStore
{
    ITable GetTable(string name);

    /// <summary>
    /// Makes what was deleted unreadable in the store's files, for an erasure: SQLite empties its write-ahead log,
    /// which still holds the pages as they were before (deleted content in the database file itself is zeroed as it
    /// is deleted). Azure Table storage keeps no copy a client can reach, so there is nothing to do.
    /// </summary>
    Task PurgeDeletedAsync(CancellationToken cancellationToken = default) => Task.CompletedTask;
}

/// <summary>
/// One table, shaped like Azure.Data.Tables' <c>TableClient</c>. Failures surface as
/// <see cref="RequestFailedException"/> with the service's status and error code (see <see cref="TableErrorCodes"/>).
/// </summary>
public interface ITable
{
    string Name { get; }

    Task CreateIfNotExistsAsync(CancellationToken cancellationToken = default);

    /// <summary>Point read; null when the entity does not exist.</summary>
    Task<TableEntity?> GetAsync(string partitionKey, string rowKey, CancellationToken cancellationToken = default);

    /// <summary>Inserts; throws 409 <see cref="TableErrorCodes.EntityAlreadyExists"/> when the keys are taken.</summary>
    Task<ETag> AddAsync(TableEntity entity, CancellationToken cancellationToken = default);

    /// <summary>Inserts or replaces/merges regardless of the current version.</summary>
    Task<ETag> UpsertAsync(TableEntity entity, TableUpdateMode mode = TableUpdateMode.Replace, CancellationToken cancellationToken = default);

    /// <summary>
    /// Replaces or merges an existing entity if its ETag still matches <paramref name="ifMatch"/> (412 otherwise;
    /// 404 when it is gone). Pass <see cref="ETag.All"/> only to overwrite unconditionally.
    /// </summary>
    Task<ETag> UpdateAsync(TableEntity entity, ETag ifMatch, TableUpdateMode mode = TableUpdateMode.Replace, CancellationToken cancellationToken = default);

    /// <summary>Deletes; a missing entity counts as deleted. A stale <paramref name="ifMatch"/> gives 412.</summary>
    Task DeleteAsync(string partitionKey, string rowKey, ETag ifMatch, CancellationToken cancellationToken = default);

    /// <summary>Entities matching the query, ordered by partition key then row key, fetched page by page.</summary>
    IAsyncEnumerable<TableEntity> QueryAsync(TableQuery? query = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// Applies up to 100 operations on one partition atomically. Larger sets are the caller's to split
    /// (<see cref="TableTransaction.Chunk"/>); a failure throws <see cref="TableTransactionFailedException"/>.
    /// </summary>
    Task SubmitTransactionAsync(IReadOnlyList<TableTransactionAction> actions, CancellationToken cancellationToken = default);

    /// <summary>
    /// Every entity of the given partitions, partition by partition: what a page of work reads at once. SQLite
    /// answers in one query; Azure reads the partitions in parallel.
    /// </summary>
    IAsyncEnumerable<TableEntity> QueryPartitionsAsync(IReadOnlyCollection<string> partitionKeys, CancellationToken cancellationToken = default);

    /// <summary>
    /// Submits several transactions, each atomic on its own as with <see cref="SubmitTransactionAsync"/> (there is
    /// no atomicity across them), and answers each one's failure, or null where it succeeded. SQLite writes them all
    /// in one database transaction; Azure sends them in parallel.
    /// </summary>
    Task<IReadOnlyList<RequestFailedException?>> SubmitTransactionsAsync(IReadOnlyList<IReadOnlyList<TableTransactionAction>> transactions, CancellationToken cancellationToken = default);
}

public enum TableUpdateMode
{
    /// <summary>The stored entity becomes exactly the given one.</summary>
    Replace,

    /// <summary>The given properties are written; others are kept.</summary>
    Merge,
}

public static class TableErrorCodes
{
    public const string EntityAlreadyExists = "EntityAlreadyExists";
    public const string ResourceNotFound = "ResourceNotFound";
    public const string TableNotFound = "TableNotFound";
    public const string UpdateConditionNotSatisfied = "UpdateConditionNotSatisfied";
    public const string InvalidInput = "InvalidInput";
}

public static class TableErrors
{
    public static bool IsConflict(this RequestFailedException e) => e.Status == 409;

    public static bool IsPreconditionFailed(this RequestFailedException e) => e.Status == 412;

    public static bool IsNotFound(this RequestFailedException e) => e.Status == 404;

    internal static RequestFailedException AlreadyExists(string table, string pk, string rk) =>
        new(409, $"Table '{table}' already has an entity with these keys.", TableErrorCodes.EntityAlreadyExists, null);

    internal static RequestFailedException NotFound(string table) =>
        new(404, "The entity does not exist.", TableErrorCodes.ResourceNotFound, null);

    internal static RequestFailedException TableMissing(string table) =>
        new(404, $"Table '{table}' does not exist; create it first.", TableErrorCodes.TableNotFound, null);

    internal static RequestFailedException Stale(string table) =>
        new(412, $"The entity in table '{table}' changed since it was read (ETag mismatch).", TableErrorCodes.UpdateConditionNotSatisfied, null);
}
