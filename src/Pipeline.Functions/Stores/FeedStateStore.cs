using Pipeline.Storage;

namespace Pipeline.Functions.Stores;

public sealed record FeedRunRecord(string FeedId, DateTimeOffset RunStarted, bool Succeeded, long Accepted, long Quarantined, string? Error)
{
    /// <summary>What the source said it was (ETag, Last-Modified), sent back next time as a conditional request.</summary>
    public Feeds.FeedWatermark? Watermark { get; init; }

    /// <summary>The source answered 304: nothing was read because nothing changed.</summary>
    public bool NotModified { get; init; }

    /// <summary><c>succeeded</c>, <c>not-modified</c> or <c>failed</c>, as reports show it.</summary>
    public string Outcome => !Succeeded ? "failed" : NotModified ? "not-modified" : "succeeded";
}

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
                ["ETag"] = run.Watermark?.ETag,
                ["LastModified"] = run.Watermark?.LastModified,
                ["NotModified"] = run.NotModified,
            },
            TableUpdateMode.Replace,
            cancellationToken);

    public async Task<FeedRunRecord?> GetAsync(string feedId, CancellationToken cancellationToken)
    {
        var entity = await _table.GetAsync(feedId, StateRow, cancellationToken);
        return entity is null
            ? null
            : new FeedRunRecord(feedId, entity.GetDateTimeOffset("LastRunStarted")!.Value, entity.GetBoolean("Succeeded") ?? false,
                entity.GetInt64("Accepted") ?? 0, entity.GetInt64("Quarantined") ?? 0, entity.GetString("Error"))
            {
                Watermark = entity.GetString("ETag") is null && entity.GetString("LastModified") is null
                    ? null
                    : new Feeds.FeedWatermark(entity.GetString("ETag"), entity.GetString("LastModified")),
                NotModified = entity.GetBoolean("NotModified") ?? false,
            };
    }
}
