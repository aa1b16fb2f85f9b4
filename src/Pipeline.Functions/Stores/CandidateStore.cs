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
    /// same person in the same run (<paramref name="runStarted"/>, at another <paramref name="position"/>) is a
    /// duplicate within the file and is not stored.
    /// </summary>
    public async Task<ScreenResult> UpsertAsync(
        string feedId, FeedKind kind, string source, CandidateRecord record, CancellationToken cancellationToken, DateTimeOffset? runStarted = null, long? position = null)
    {
        var candidateId = CandidateId.FromEmail(record.Email);
        var hash = record.ContentHash();
        for (var attempt = 1; ; attempt++)
        {
            TableEntity? profile = null;
            var sources = new List<(SourceRecord Record, string Hash)>();
            TableEntity? mine = null;
            await foreach (var entity in _table.QueryAsync(TableQuery.InPartition(candidateId), cancellationToken))
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

            if (mine is not null && runStarted is not null && position is not null &&
                mine.GetDateTimeOffset("Run") == runStarted && mine.GetInt64("Position") is { } first && first != position)
            {
                return new ScreenResult(ScreenOutcome.Duplicate, first);
            }

            var existing = sources.FindIndex(s => s.Record.FeedId == feedId);
            if (existing >= 0 && sources[existing].Hash == hash && profile is not null)
            {
                return new ScreenResult(ScreenOutcome.Unchanged);
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
                ["Run"] = runStarted,
                ["Position"] = position,
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
            try
            {
                await _table.SubmitTransactionAsync(actions, cancellationToken);
                return new ScreenResult(profile is null ? ScreenOutcome.New : ScreenOutcome.Updated);
            }
            catch (RequestFailedException e) when ((e.IsConflict() || e.IsPreconditionFailed()) && attempt < MaxConcurrencyRetries)
            {
                // Another feed's page wrote this person meanwhile: read again and merge with what it wrote.
            }
        }
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
