using System.Globalization;
using Pipeline.Storage;

namespace Pipeline.Core.Shortlists;

/// <summary>A candidate who meets a requisition's hard requirements and minimum score, with the score last computed.</summary>
public sealed record PoolEntry(string CandidateId, double Score);

/// <summary>
/// Each open requisition's pool of qualifying candidates (one partition per requisition, a row per candidate), kept
/// up to date as candidates and credential checks change, so a shortlist is ranked from the pool instead of from
/// every candidate. A <c>_meta</c> row records what the pool was built for (the requisition's definition and the
/// catalogue); when that changes, or the row is gone, the pool is built again from every candidate.
/// </summary>
public sealed class PoolStore(ITableStore store)
{
    private const string MetaRow = "_meta";
    private readonly ITable _table = store.GetTable(Tables.Pools);

    /// <summary>What the pool was built for, or null when it must be built (again) from every candidate.</summary>
    public async Task<string?> GetBuiltForAsync(string requisitionId, CancellationToken cancellationToken) =>
        (await _table.GetAsync(requisitionId, MetaRow, cancellationToken))?.GetString("BuiltFor");

    /// <summary>The pool, best score first, ties to the lower candidate id (the shortlist's own order).</summary>
    public async Task<IReadOnlyList<PoolEntry>> ReadAsync(string requisitionId, CancellationToken cancellationToken)
    {
        var entries = new List<PoolEntry>();
        await foreach (var entity in _table.QueryAsync(TableQuery.InPartition(requisitionId), cancellationToken))
        {
            if (entity.RowKey != MetaRow)
            {
                entries.Add(new PoolEntry(entity.RowKey, entity.GetDouble("Score") ?? 0));
            }
        }

        return entries.OrderByDescending(e => e.Score).ThenBy(e => e.CandidateId, StringComparer.Ordinal).ToList();
    }

    /// <summary>Adds, re-scores or (with a null score) removes candidates of one requisition's pool.</summary>
    /// <remarks>
    /// Upserts go in entity-group transactions; removals one by one, because a transaction fails whole on an entity
    /// that is not there (Table storage answers 404), and a pool may not hold someone it is told to forget.
    /// </remarks>
    public async Task ApplyAsync(string requisitionId, IReadOnlyCollection<(string CandidateId, double? Score)> changes, CancellationToken cancellationToken)
    {
        var upserts = changes.Where(c => c.Score is not null)
            .Select(c => TableTransactionAction.Upsert(new TableEntity(requisitionId, c.CandidateId) { ["Score"] = c.Score!.Value }, TableUpdateMode.Replace))
            .ToList();
        var failures = await _table.SubmitTransactionsAsync(TableTransaction.Chunk(upserts).ToList(), cancellationToken);
        if (failures.FirstOrDefault(f => f is not null) is { } failure)
        {
            throw failure;
        }

        foreach (var (candidateId, _) in changes.Where(c => c.Score is null))
        {
            await _table.DeleteAsync(requisitionId, candidateId, Azure.ETag.All, cancellationToken);
        }
    }

    /// <summary>Replaces the whole pool with <paramref name="entries"/> and records what it was built for.</summary>
    public async Task ReplaceAsync(string requisitionId, IReadOnlyList<PoolEntry> entries, string builtFor, CancellationToken cancellationToken)
    {
        var keep = entries.Select(e => e.CandidateId).ToHashSet(StringComparer.Ordinal);
        var stale = (await ReadAsync(requisitionId, cancellationToken)).Where(e => !keep.Contains(e.CandidateId)).Select(e => (e.CandidateId, (double?)null));
        await ApplyAsync(requisitionId, stale.Concat(entries.Select(e => (e.CandidateId, (double?)e.Score))).ToList(), cancellationToken);
        await _table.UpsertAsync(new TableEntity(requisitionId, MetaRow)
        {
            ["BuiltFor"] = builtFor, ["Size"] = entries.Count.ToString(CultureInfo.InvariantCulture),
        }, TableUpdateMode.Replace, cancellationToken);
    }

    /// <summary>Removes people from every listed requisition's pool (they are gone).</summary>
    public async Task RemoveAsync(IEnumerable<string> requisitionIds, IReadOnlyCollection<string> candidateIds, CancellationToken cancellationToken)
    {
        foreach (var requisition in requisitionIds)
        {
            await ApplyAsync(requisition, candidateIds.Select(id => (id, (double?)null)).ToList(), cancellationToken);
        }
    }

    /// <summary>Makes the next build of the requisition's shortlist start from every candidate (after a split or an erasure).</summary>
    public Task InvalidateAsync(string requisitionId, CancellationToken cancellationToken) =>
        _table.DeleteAsync(requisitionId, MetaRow, Azure.ETag.All, cancellationToken);
}
