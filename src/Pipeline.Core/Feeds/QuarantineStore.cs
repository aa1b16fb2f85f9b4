using System.Globalization;
using System.Text.RegularExpressions;
using Pipeline.Core.Privacy;
using Pipeline.Domain.Candidates;
using Pipeline.Domain.Feeds;
using Pipeline.Storage;

namespace Pipeline.Core.Feeds;

/// <summary>Rejected feed rows, one partition per feed, keyed by position so a re-run overwrites rather than repeats.</summary>
public sealed partial class QuarantineStore(ITableStore store, SuppressionStore suppressions, TimeProvider time)
{
    private readonly ITable _table = store.GetTable(Tables.Quarantine);

    /// <summary>
    /// Makes the feed's quarantine exactly the rows rejected by this run: new or changed rejections are written, rows
    /// that a later export fixed are removed, and an unchanged feed causes no writes. Returns how many rows changed.
    /// </summary>
    public Task<int> ReplaceAsync(string feedId, IReadOnlyCollection<RejectedRow> rows, CancellationToken cancellationToken) =>
        ReplaceRangeAsync(feedId, string.Empty, 0, null, rows, cancellationToken);

    /// <summary>
    /// The same for the part of a run that read positions <paramref name="from"/> (inclusive) to
    /// <paramref name="until"/> (exclusive; null: to the end). Row keys start with <paramref name="prefix"/>: empty for
    /// feeds read whole each run, the run's start for incremental feeds, whose positions restart with every delta.
    /// </summary>
    public async Task<int> ReplaceRangeAsync(
        string feedId, string prefix, long from, long? until, IReadOnlyCollection<RejectedRow> rows, CancellationToken cancellationToken)
    {
        var stored = new Dictionary<string, string>(StringComparer.Ordinal);
        var range = TableFilter.Equal("PartitionKey", feedId) & TableFilter.GreaterThanOrEqual("RowKey", prefix + RowKey(from));
        range &= until is { } end ? TableFilter.LessThan("RowKey", prefix + RowKey(end)) : TableFilter.LessThan("RowKey", prefix + "~");
        var query = new TableQuery { Filter = range, Select = ["Field", "Reason", "Excerpt"] };
        await foreach (var entity in _table.QueryAsync(query, cancellationToken))
        {
            stored[entity.RowKey] = Signature(entity.GetString("Field"), entity.GetString("Reason"), entity.GetString("Excerpt"));
        }

        var now = time.GetUtcNow();
        var actions = new List<TableTransactionAction>();
        foreach (var row in rows)
        {
            var key = prefix + RowKey(row.Position);
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

    /// <summary>
    /// The rows that may be written: one whose excerpt or reason holds an address on the suppression list is left
    /// out, so that a person who was erased is not written again, not even in a row the feed got wrong.
    /// </summary>
    public async Task<IReadOnlyList<RejectedRow>> WithoutSuppressedAsync(IReadOnlyList<RejectedRow> rows, CancellationToken cancellationToken)
    {
        var emails = rows.Select(r => (Row: r, Emails: EmailsIn(r))).ToList();
        var suppressed = await suppressions.FindAsync(emails.SelectMany(e => e.Emails).ToList(), cancellationToken);
        return suppressed.Count == 0 ? rows : emails.Where(e => !e.Emails.Any(suppressed.Contains)).Select(e => e.Row).ToList();
    }

    /// <summary>Every string in the row that reads as an email address, normalised.</summary>
    private static List<string> EmailsIn(RejectedRow row)
    {
        var emails = new List<string>();
        foreach (Match match in EmailLike().Matches(row.Excerpt + " " + row.Reason))
        {
            try
            {
                emails.Add(Normalizer.Email(match.Value.TrimEnd('.')));
            }
            catch (FieldException)
            {
                // Not an address after all; nothing to suppress by it.
            }
        }

        return emails;
    }

    // What can surround an address in a CSV cell, a JSON value or a reason; the normaliser decides the rest.
    [GeneratedRegex(@"[^\s,;""'<>()\[\]{}:|\\]+@[^\s,;""'<>()\[\]{}:|\\]+")]
    private static partial Regex EmailLike();

    /// <summary>
    /// Row keys start with the run for incremental feeds, whose positions restart with every delta; other feeds are
    /// read whole each run and key rows by position alone.
    /// </summary>
    public static string KeyPrefix(FeedDefinition feed, DateTimeOffset runStarted) =>
        feed.Incremental is null ? string.Empty : runStarted.UtcDateTime.ToString("yyyyMMddHHmmss", CultureInfo.InvariantCulture) + "-";

    /// <summary>Adds one rejected row found after parsing (a duplicate that fell in another part of the run).</summary>
    public Task AddAsync(string feedId, string prefix, RejectedRow row, CancellationToken cancellationToken) =>
        _table.UpsertAsync(
            new TableEntity(feedId, prefix + RowKey(row.Position))
            {
                ["Position"] = row.Position,
                ["Field"] = row.Field,
                ["Reason"] = row.Reason,
                ["Excerpt"] = row.Excerpt,
                ["QuarantinedAt"] = time.GetUtcNow(),
            },
            TableUpdateMode.Replace,
            cancellationToken);

    /// <summary>Deletes rows quarantined before <paramref name="cutoff"/>; returns how many.</summary>
    public async Task<int> DeleteOlderThanAsync(DateTimeOffset cutoff, CancellationToken cancellationToken)
    {
        var old = new List<TableEntity>();
        await foreach (var entity in _table.QueryAsync(new TableQuery { Filter = TableFilter.LessThan("QuarantinedAt", cutoff), Select = ["QuarantinedAt"] }, cancellationToken))
        {
            old.Add(entity);
        }

        foreach (var entity in old)
        {
            await _table.DeleteAsync(entity.PartitionKey, entity.RowKey, Azure.ETag.All, cancellationToken);
        }

        return old.Count;
    }

    public IAsyncEnumerable<TableEntity> ListAsync(string feedId, CancellationToken cancellationToken) =>
        _table.QueryAsync(TableQuery.InPartition(feedId), cancellationToken);

    private static string Signature(string? field, string? reason, string? excerpt) => $"{field}\u001F{reason}\u001F{excerpt}";

    private static string RowKey(long position) => position.ToString("D12", CultureInfo.InvariantCulture);
}
