using System.Globalization;
using Pipeline.Domain.Feeds;
using Pipeline.Storage;

namespace Pipeline.Functions.Stores;

/// <summary>Rejected feed rows, one partition per feed, keyed by position so a re-run overwrites rather than repeats.</summary>
public sealed class QuarantineStore(ITableStore store, TimeProvider time)
{
    private readonly ITable _table = store.GetTable(Tables.Quarantine);

    /// <summary>
    /// Makes the feed's quarantine exactly the rows rejected by this run: new or changed rejections are written, rows
    /// that a later export fixed are removed, and an unchanged feed causes no writes. Returns how many rows changed.
    /// </summary>
    public async Task<int> ReplaceAsync(string feedId, IReadOnlyCollection<RejectedRow> rows, CancellationToken cancellationToken)
    {
        var stored = new Dictionary<string, string>(StringComparer.Ordinal);
        var query = TableQuery.InPartition(feedId) with { Select = ["Field", "Reason", "Excerpt"] };
        await foreach (var entity in _table.QueryAsync(query, cancellationToken))
        {
            stored[entity.RowKey] = Signature(entity.GetString("Field"), entity.GetString("Reason"), entity.GetString("Excerpt"));
        }

        var now = time.GetUtcNow();
        var actions = new List<TableTransactionAction>();
        foreach (var row in rows)
        {
            var key = RowKey(row.Position);
            if (stored.Remove(key, out var previous) && previous == Signature(row.Field, row.Reason, row.Excerpt))
            {
                continue;
            }

            actions.Add(TableTransactionAction.Upsert(new TableEntity(feedId, key)
            {
                ["Position"] = row.Position,
                ["Field"] = row.Field,
                ["Reason"] = row.Reason,
                ["Excerpt"] = row.Excerpt,
                ["QuarantinedAt"] = now,
            }));
        }

        // What is left was rejected before and is not any more.
        actions.AddRange(stored.Keys.Select(key => TableTransactionAction.Delete(new TableEntity(feedId, key), Azure.ETag.All)));
        foreach (var batch in TableTransaction.Chunk(actions))
        {
            await _table.SubmitTransactionAsync(batch, cancellationToken);
        }

        return actions.Count;
    }

    public IAsyncEnumerable<TableEntity> ListAsync(string feedId, CancellationToken cancellationToken) =>
        _table.QueryAsync(TableQuery.InPartition(feedId), cancellationToken);

    private static string Signature(string? field, string? reason, string? excerpt) => $"{field}\u001F{reason}\u001F{excerpt}";

    private static string RowKey(long position) => position.ToString("D12", CultureInfo.InvariantCulture);
}
