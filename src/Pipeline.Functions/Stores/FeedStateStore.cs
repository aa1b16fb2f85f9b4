using Pipeline.Storage;

namespace Pipeline.Functions.Stores;

public sealed record FeedRunRecord(string FeedId, DateTimeOffset RunStarted, bool Succeeded, long Accepted, long Quarantined, string? Error);

/// <summary>Each feed's last run: when, with what outcome, and the error if it failed.</summary>
public sealed class FeedStateStore(ITableStore store)
{
    private const string StateRow = "state";
    private readonly ITable _table = store.GetTable(Tables.Feeds);

    public Task SaveAsync(FeedRunRecord run, CancellationToken cancellationToken) =>
        _table.UpsertAsync(
            new TableEntity(run.FeedId, StateRow)
            {
                ["LastRunStarted"] = run.RunStarted,
                ["Succeeded"] = run.Succeeded,
                ["Accepted"] = run.Accepted,
                ["Quarantined"] = run.Quarantined,
                ["Error"] = run.Error,
            },
            TableUpdateMode.Replace,
            cancellationToken);

    public async Task<FeedRunRecord?> GetAsync(string feedId, CancellationToken cancellationToken)
    {
        var entity = await _table.GetAsync(feedId, StateRow, cancellationToken);
        return entity is null
            ? null
            : new FeedRunRecord(feedId, entity.GetDateTimeOffset("LastRunStarted")!.Value, entity.GetBoolean("Succeeded") ?? false,
                entity.GetInt64("Accepted") ?? 0, entity.GetInt64("Quarantined") ?? 0, entity.GetString("Error"));
    }
}
