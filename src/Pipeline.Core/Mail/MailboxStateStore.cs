using Pipeline.Storage;

namespace Pipeline.Core.Mail;

/// <summary>The Graph subscription to the Inbox that <see cref="MailSubscriptions"/> keeps alive, as stored.</summary>
public sealed record InboxSubscription(string Id, DateTimeOffset? Expires);

/// <summary>
/// The mailbox table's only owner: where reading the shared mailbox's Inbox goes on from (a next link mid-way, or the
/// delta link of the last round), and the Inbox subscription.
/// </summary>
public sealed class MailboxStateStore(ITableStore store)
{
    private readonly ITable _table = store.GetTable(Tables.Mailbox);

    public async Task<(string? Link, DateTimeOffset? LastRead)> GetAsync(CancellationToken cancellationToken) =>
        await _table.GetAsync("inbox", "delta", cancellationToken) is { } entity
            ? (entity.GetString("Link"), entity.GetDateTimeOffset("LastRead"))
            : (null, null);

    public Task SaveAsync(string link, DateTimeOffset lastRead, CancellationToken cancellationToken) =>
        _table.UpsertAsync(new TableEntity("inbox", "delta") { ["Link"] = link, ["LastRead"] = lastRead }, TableUpdateMode.Replace, cancellationToken);

    public async Task<InboxSubscription?> GetSubscriptionAsync(CancellationToken cancellationToken) =>
        await _table.GetAsync("inbox", "subscription", cancellationToken) is { } entity && entity.GetString("Id") is { } id
            ? new InboxSubscription(id, entity.GetDateTimeOffset("Expires"))
            : null;

    public Task SaveSubscriptionAsync(string id, DateTimeOffset expires, CancellationToken cancellationToken) =>
        _table.UpsertAsync(new TableEntity("inbox", "subscription") { ["Id"] = id, ["Expires"] = expires }, TableUpdateMode.Replace, cancellationToken);
}
