using System.Globalization;
using Pipeline.Storage;

namespace Pipeline.Core.Decisions;

/// <summary>
/// Events an administrator may need to look into, such as replies from someone who may not decide: one partition per
/// requisition (or <c>unmatched</c>), newest last. It holds addresses, so it is kept in the store, not in logs.
/// </summary>
public sealed class AuditStore(ITableStore store, TimeProvider time)
{
    private readonly ITable _table = store.GetTable(Tables.Audit);

    /// <param name="detail">What happened, in words (e.g. which decision changed from what to what); optional.</param>
    public Task RecordAsync(string partition, string kind, string who, string messageId, CancellationToken cancellationToken, string? detail = null)
    {
        var now = time.GetUtcNow();
        return _table.UpsertAsync(
            new TableEntity(partition, string.Create(CultureInfo.InvariantCulture, $"{now.UtcTicks:D19}-{Guid.NewGuid():N}"))
            {
                ["Kind"] = kind, ["Who"] = who, ["MessageId"] = messageId, ["At"] = now, ["Detail"] = detail,
            },
            TableUpdateMode.Replace,
            cancellationToken);
    }

    public IAsyncEnumerable<TableEntity> ListAsync(string partition, CancellationToken cancellationToken) =>
        _table.QueryAsync(TableQuery.InPartition(partition), cancellationToken);
}
