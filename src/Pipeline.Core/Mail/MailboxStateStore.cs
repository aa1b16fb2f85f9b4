using Pipeline.Storage;

namespace Pipeline.Core.Mail;

/// <summary>Where reading the shared mailbox's Inbox goes on from: a next link mid-way, or the delta link of the last round.</summary>
public sealed class MailboxStateStore(ITableStore store)
{
    private readonly ITable _table = store.GetTable(Tables.Mailbox);

    public async Task<(string? Link, DateTimeOffset? LastRead)> GetAsync(CancellationToken cancellationToken) =>
        await _table.GetAsync("inbox", "delta", cancellationToken) is { } entity
            ? (entity.GetString("Link"), entity.GetDateTimeOffset("LastRead"))
            : (null, null);

    public Task SaveAsync(string link, DateTimeOffset lastRead, CancellationToken cancellationToken) =>
        _table.UpsertAsync(new TableEntity("inbox", "delta") { ["Link"] = link, ["LastRead"] = lastRead }, TableUpdateMode.Replace, cancellationToken);
}
