using Azure;

namespace Pipeline.Storage;

public enum TableTransactionActionType
{
    Add,
    UpsertReplace,
    UpsertMerge,
    UpdateReplace,
    UpdateMerge,
    Delete,
}

/// <summary>One operation of an entity-group transaction. <see cref="IfMatch"/> applies to updates and deletes.</summary>
public sealed record TableTransactionAction(TableTransactionActionType ActionType, TableEntity Entity, ETag IfMatch = default)
{
    public static TableTransactionAction Add(TableEntity e) => new(TableTransactionActionType.Add, e);

    public static TableTransactionAction Upsert(TableEntity e, TableUpdateMode mode = TableUpdateMode.Replace) =>
        new(mode == TableUpdateMode.Replace ? TableTransactionActionType.UpsertReplace : TableTransactionActionType.UpsertMerge, e);

    public static TableTransactionAction Update(TableEntity e, ETag ifMatch, TableUpdateMode mode = TableUpdateMode.Replace) =>
        new(mode == TableUpdateMode.Replace ? TableTransactionActionType.UpdateReplace : TableTransactionActionType.UpdateMerge, e, ifMatch);

    public static TableTransactionAction Delete(TableEntity e, ETag ifMatch) => new(TableTransactionActionType.Delete, e, ifMatch);
}

/// <summary>The service's rules for entity-group transactions, checked before anything is sent.</summary>
public static class TableTransaction
{
    public const int MaxActions = 100;

    public static void Validate(IReadOnlyList<TableTransactionAction> actions)
    {
        if (actions.Count == 0)
        {
            throw new ArgumentException("A transaction needs at least one action.", nameof(actions));
        }

        if (actions.Count > MaxActions)
        {
            throw new ArgumentException(
                $"A transaction holds at most {MaxActions} actions; this one has {actions.Count}. Split it with TableTransaction.Chunk.", nameof(actions));
        }

        var pk = actions[0].Entity.PartitionKey;
        var rowKeys = new HashSet<string>(StringComparer.Ordinal);
        foreach (var action in actions)
        {
            if (!string.Equals(action.Entity.PartitionKey, pk, StringComparison.Ordinal))
            {
                throw new ArgumentException("All actions of a transaction must share one partition key.", nameof(actions));
            }

            if (!rowKeys.Add(action.Entity.RowKey))
            {
                throw new ArgumentException("An entity may appear only once in a transaction.", nameof(actions));
            }
        }
    }

    /// <summary>What one transaction may carry, with room left under the service's 4 MiB for the multipart framing.</summary>
    public const int MaxPayloadBytes = (4 * 1024 * 1024) - (256 * 1024);

    /// <summary>
    /// Groups actions by partition and splits each group into transactions of at most 100 actions and
    /// <see cref="MaxPayloadBytes"/> of entity data. Each transaction is atomic; the set as a whole is not.
    /// </summary>
    public static IEnumerable<IReadOnlyList<TableTransactionAction>> Chunk(IEnumerable<TableTransactionAction> actions)
    {
        foreach (var partition in actions.GroupBy(a => a.Entity.PartitionKey, StringComparer.Ordinal))
        {
            var batch = new List<TableTransactionAction>();
            long bytes = 0;
            foreach (var action in partition)
            {
                var size = action.ActionType == TableTransactionActionType.Delete ? 0 : EntityJson.Serialize(action.Entity, includeKeys: true).Length;
                if (batch.Count == MaxActions || (batch.Count > 0 && bytes + size > MaxPayloadBytes))
                {
                    yield return batch;
                    (batch, bytes) = ([], 0);
                }

                batch.Add(action);
                bytes += size;
            }

            if (batch.Count > 0)
            {
                yield return batch;
            }
        }
    }
}

/// <summary>A transaction was refused; nothing of it was applied.</summary>
public sealed class TableTransactionFailedException : RequestFailedException
{
    public TableTransactionFailedException(int failedIndex, RequestFailedException inner)
        : base(inner.Status, $"Transaction action {failedIndex} failed: {inner.Message}", inner.ErrorCode, inner)
    {
        FailedIndex = failedIndex;
    }

    public int FailedIndex { get; }
}
