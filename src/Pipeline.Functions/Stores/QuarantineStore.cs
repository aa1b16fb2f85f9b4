using System.Globalization;
using Pipeline.Domain.Feeds;
using Pipeline.Storage;

namespace Pipeline.Functions.Stores;

/// <summary>Rejected feed rows, one partition per feed, keyed by position so a re-run overwrites rather than repeats.</summary>
public sealed class QuarantineStore(ITableStore store, TimeProvider time)
{
    private readonly ITable _table = store.GetTable(Tables.Quarantine);

    public async Task SaveAsync(string feedId, IReadOnlyCollection<RejectedRow> rows, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var actions = rows.Select(row => TableTransactionAction.Upsert(new TableEntity(feedId, RowKey(row.Position))
        {
            ["Position"] = row.Position,
            ["Field"] = row.Field,
            ["Reason"] = row.Reason,
            ["Excerpt"] = row.Excerpt,
            ["QuarantinedAt"] = now,
        }));
        foreach (var batch in TableTransaction.Chunk(actions))
        {
            await _table.SubmitTransactionAsync(batch, cancellationToken);
        }
    }

    public IAsyncEnumerable<TableEntity> ListAsync(string feedId, CancellationToken cancellationToken) =>
        _table.QueryAsync(TableQuery.InPartition(feedId), cancellationToken);

    private static string RowKey(long position) => position.ToString("D12", CultureInfo.InvariantCulture);
}
