using Pipeline.Storage;

namespace Pipeline.Core.Feeds;

public sealed record FeedRunRecord(string FeedId, DateTimeOffset RunStarted, bool Succeeded, long Accepted, long Quarantined, string? Error)
{
    /// <summary>What the source said its document was (ETag, Last-Modified), sent back next time as a conditional request.</summary>
    public FeedWatermark? Watermark { get; init; }

    /// <summary>The source answered "not modified": nothing was read because nothing changed.</summary>
    public bool NotModified { get; init; }

    /// <summary>When the run's first response was sent (the source's clock): the next incremental run asks for changes since then.</summary>
    public DateTimeOffset? Since { get; init; }

    /// <summary>A hash of the feed's definition when it ran; a changed definition reads the feed in full again.</summary>
    public string? Definition { get; init; }

    /// <summary>When the run finished.</summary>
    public DateTimeOffset? Finished { get; init; }

    /// <summary><c>succeeded</c>, <c>not-modified</c> or <c>failed</c>, as reports show it.</summary>
    public string Outcome => !Succeeded ? "failed" : NotModified ? "not-modified" : "succeeded";
}

/// <summary>A run still reading its feed: started when, and last heard of when.</summary>
public sealed record FeedRunInProgress(DateTimeOffset RunStarted, DateTimeOffset LastProgress, int Parts);

/// <summary>Each feed's last finished run (row <c>state</c>) and the run in progress, if any (row <c>run</c>).</summary>
public sealed class FeedStateStore(ITableStore store)
{
    private const string StateRow = "state";
    private const string RunRow = "run";
    private readonly ITable _table = store.GetTable(Tables.Feeds);

    public Task SaveAsync(FeedRunRecord run, CancellationToken cancellationToken) =>
        _table.UpsertAsync(
            new TableEntity(run.FeedId, StateRow)
            {
                ["LastRunStarted"] = run.RunStarted,
                ["Finished"] = run.Finished,
                ["Succeeded"] = run.Succeeded,
                ["Accepted"] = run.Accepted,
                ["Quarantined"] = run.Quarantined,
                ["Error"] = run.Error,
                ["ETag"] = run.Watermark?.ETag,
                ["LastModified"] = run.Watermark?.LastModified,
                ["NotModified"] = run.NotModified,
                ["Since"] = run.Since,
                ["Definition"] = run.Definition,
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
                    : new FeedWatermark(entity.GetString("ETag"), entity.GetString("LastModified")),
                NotModified = entity.GetBoolean("NotModified") ?? false,
                Since = entity.GetDateTimeOffset("Since"),
                Definition = entity.GetString("Definition"),
                Finished = entity.GetDateTimeOffset("Finished"),
            };
    }

    /// <summary>Records that a run is reading the feed (started, or a part read), so no second run starts meanwhile.</summary>
    public Task SaveRunAsync(string feedId, FeedRunInProgress run, CancellationToken cancellationToken) =>
        _table.UpsertAsync(
            new TableEntity(feedId, RunRow) { ["RunStarted"] = run.RunStarted, ["LastProgress"] = run.LastProgress, ["Parts"] = run.Parts },
            TableUpdateMode.Replace,
            cancellationToken);

    public async Task<FeedRunInProgress?> GetRunAsync(string feedId, CancellationToken cancellationToken) =>
        await _table.GetAsync(feedId, RunRow, cancellationToken) is { } entity
            ? new FeedRunInProgress(entity.GetDateTimeOffset("RunStarted")!.Value, entity.GetDateTimeOffset("LastProgress")!.Value, (int)(entity.GetInt64("Parts") ?? 0))
            : null;

    /// <summary>Saves how the run ended, then ends it.</summary>
    public async Task FinishAsync(FeedRunRecord run, CancellationToken cancellationToken)
    {
        await SaveAsync(run, cancellationToken);
        await _table.DeleteAsync(run.FeedId, RunRow, Azure.ETag.All, cancellationToken);
    }
}
