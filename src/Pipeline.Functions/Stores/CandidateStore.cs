using System.Text.Json;
using Azure;
using Pipeline.Domain;
using Pipeline.Domain.Candidates;
using Pipeline.Domain.Feeds;
using Pipeline.Storage;

namespace Pipeline.Functions.Stores;

public enum ScreenOutcome
{
    New,
    Updated,
    Unchanged,

    /// <summary>The same feed run already listed this person at another position: a duplicate within the file.</summary>
    Duplicate,
}

/// <summary>One feed's record of one person, to store; <see cref="Run"/> and <see cref="Position"/> say where in which run it was read.</summary>
public sealed record CandidateWrite(string FeedId, FeedKind Kind, string Source, CandidateRecord Record, DateTimeOffset? Run = null, long? Position = null);

/// <summary>What storing a candidate did; for a duplicate, the position of the row that came first.</summary>
public readonly record struct ScreenResult(ScreenOutcome Outcome, long? FirstPosition = null);

/// <summary>
/// Candidates, one partition per person: the merged profile (row <c>profile</c>) and one row per feed that lists
/// them (<c>source-{feedId}</c>), written together in one transaction.
/// </summary>
public sealed class CandidateStore(ITableStore store, TimeProvider time)
{
    private const string ProfileRow = "profile";
    private const string SourcePrefix = "source-";
    private const int MaxConcurrencyRetries = 5;

    private readonly ITable _table = store.GetTable(Tables.Candidates);

    /// <summary>
    /// Records what a feed says about a person; writes nothing when it says what it said before. A second row for the
    /// same person in the same run (<see cref="CandidateWrite.Run"/>, at another <see cref="CandidateWrite.Position"/>)
    /// is a duplicate within the file and is not stored.
    /// </summary>
    public async Task<ScreenResult> UpsertAsync(CandidateWrite write, CancellationToken cancellationToken)
    {
        var candidateId = CandidateId.FromEmail(write.Record.Email);
        for (var attempt = 1; ; attempt++)
        {
            var partition = new List<TableEntity>();
            await foreach (var entity in _table.QueryAsync(TableQuery.InPartition(candidateId), cancellationToken))
            {
                partition.Add(entity);
            }

            var plan = Plan(write, candidateId, partition);
            if (plan.Actions is null)
            {
                return plan.Result;
            }

            try
            {
                await _table.SubmitTransactionAsync(plan.Actions, cancellationToken);
                return plan.Result;
            }
            catch (RequestFailedException e) when ((e.IsConflict() || e.IsPreconditionFailed()) && attempt < MaxConcurrencyRetries)
            {
                // Another feed's page wrote this person meanwhile: read again and merge with what it wrote.
            }
        }
    }

    /// <summary>
    /// The same for a page of candidates, with one read of all their partitions and one submission of all their
    /// writes; anyone written meanwhile by another page is done again on their own.
    /// </summary>
    public async Task<IReadOnlyList<ScreenResult>> UpsertManyAsync(IReadOnlyList<CandidateWrite> writes, CancellationToken cancellationToken)
    {
        var ids = writes.Select(w => CandidateId.FromEmail(w.Record.Email)).ToList();
        var partitions = ids.Distinct(StringComparer.Ordinal).ToDictionary(id => id, _ => new List<TableEntity>(), StringComparer.Ordinal);
        await foreach (var entity in _table.QueryPartitionsAsync(partitions.Keys, cancellationToken))
        {
            partitions[entity.PartitionKey].Add(entity);
        }

        var results = new ScreenResult[writes.Count];
        var alone = new List<int>();
        var batch = new List<(int Index, TableTransactionAction[] Actions)>();
        var planned = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < writes.Count; i++)
        {
            // The same person twice in one page: the second waits until the first is written.
            if (!planned.Add(ids[i]))
            {
                alone.Add(i);
                continue;
            }

            var plan = Plan(writes[i], ids[i], partitions[ids[i]]);
            results[i] = plan.Result;
            if (plan.Actions is not null)
            {
                batch.Add((i, plan.Actions));
            }
        }

        var failures = await _table.SubmitTransactionsAsync(batch.Select(b => (IReadOnlyList<TableTransactionAction>)b.Actions).ToList(), cancellationToken);
        for (var b = 0; b < batch.Count; b++)
        {
            if (failures[b] is { } failure)
            {
                alone.Add(failure.IsConflict() || failure.IsPreconditionFailed() ? batch[b].Index : throw failure);
            }
        }

        foreach (var i in alone.Order())
        {
            results[i] = await UpsertAsync(writes[i], cancellationToken);
        }

        return results;
    }

    /// <summary>What writing <paramref name="write"/> into the person's partition takes: nothing (with the outcome), or the actions and the outcome once they succeed.</summary>
    private (ScreenResult Result, TableTransactionAction[]? Actions) Plan(CandidateWrite write, string candidateId, IReadOnlyList<TableEntity> partition)
    {
        var (feedId, kind, source, record) = (write.FeedId, write.Kind, write.Source, write.Record);
        var hash = record.ContentHash();
        TableEntity? profile = null;
        TableEntity? mine = null;
        var sources = new List<(SourceRecord Record, string Hash)>();
        foreach (var entity in partition)
        {
            if (entity.RowKey == ProfileRow)
            {
                profile = entity;
            }
            else if (entity.RowKey.StartsWith(SourcePrefix, StringComparison.Ordinal))
            {
                sources.Add((ReadSource(entity), entity.GetString("Hash")!));
                mine = entity.RowKey == SourcePrefix + feedId ? entity : mine;
            }
        }

        if (mine is not null && write.Run is { } run && write.Position is { } position &&
            mine.GetDateTimeOffset("Run") == run && mine.GetInt64("Position") is { } first && first != position)
        {
            return (new ScreenResult(ScreenOutcome.Duplicate, first), null);
        }

        var existing = sources.FindIndex(s => s.Record.FeedId == feedId);
        if (existing >= 0 && sources[existing].Hash == hash && profile is not null)
        {
            return (new ScreenResult(ScreenOutcome.Unchanged), null);
        }

        var updated = new SourceRecord(feedId, kind, source, record);
        if (existing >= 0)
        {
            sources[existing] = (updated, hash);
        }
        else
        {
            sources.Add((updated, hash));
        }

        var merged = CandidateProfile.Merge(candidateId, sources.Select(s => s.Record));
        var now = time.GetUtcNow();
        var sourceEntity = new TableEntity(candidateId, SourcePrefix + feedId)
        {
            ["FeedId"] = feedId,
            ["FeedKind"] = kind.ToString(),
            ["Source"] = source,
            ["Hash"] = hash,
            ["Record"] = JsonSerializer.Serialize(record, DomainJson.Options),
            ["UpdatedAt"] = now,
            ["Run"] = write.Run,
            ["Position"] = write.Position,
        };
        var profileEntity = new TableEntity(candidateId, ProfileRow)
        {
            ["Profile"] = JsonSerializer.Serialize(merged, DomainJson.Options),
            ["UpdatedAt"] = now,
        };
        TableTransactionAction[] actions =
        [
            TableTransactionAction.Upsert(sourceEntity),
            profile is null ? TableTransactionAction.Add(profileEntity) : TableTransactionAction.Update(profileEntity, profile.ETag),
        ];
        return (new ScreenResult(profile is null ? ScreenOutcome.New : ScreenOutcome.Updated), actions);
    }

    public async IAsyncEnumerable<CandidateProfile> ProfilesAsync([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var query = new TableQuery { Filter = TableFilter.Equal("RowKey", ProfileRow), Select = ["Profile"] };
        await foreach (var entity in _table.QueryAsync(query, cancellationToken))
        {
            yield return JsonSerializer.Deserialize<CandidateProfile>(entity.GetString("Profile")!, DomainJson.Options)!;
        }
    }

    private static SourceRecord ReadSource(TableEntity entity) => new(
        entity.GetString("FeedId")!,
        Enum.Parse<FeedKind>(entity.GetString("FeedKind")!),
        entity.GetString("Source")!,
        JsonSerializer.Deserialize<CandidateRecord>(entity.GetString("Record")!, DomainJson.Options)!);
}
