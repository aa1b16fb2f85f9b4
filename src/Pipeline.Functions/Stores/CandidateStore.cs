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
}

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

    /// <summary>Records what a feed says about a person; writes nothing when it says what it said before.</summary>
    public async Task<ScreenOutcome> UpsertAsync(string feedId, FeedKind kind, string source, CandidateRecord record, CancellationToken cancellationToken)
    {
        var candidateId = CandidateId.FromEmail(record.Email);
        var hash = record.ContentHash();
        for (var attempt = 1; ; attempt++)
        {
            TableEntity? profile = null;
            var sources = new List<(SourceRecord Record, string Hash)>();
            await foreach (var entity in _table.QueryAsync(TableQuery.InPartition(candidateId), cancellationToken))
            {
                if (entity.RowKey == ProfileRow)
                {
                    profile = entity;
                }
                else if (entity.RowKey.StartsWith(SourcePrefix, StringComparison.Ordinal))
                {
                    sources.Add((ReadSource(entity), entity.GetString("Hash")!));
                }
            }

            var existing = sources.FindIndex(s => s.Record.FeedId == feedId);
            if (existing >= 0 && sources[existing].Hash == hash && profile is not null)
            {
                return ScreenOutcome.Unchanged;
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
                return profile is null ? ScreenOutcome.New : ScreenOutcome.Updated;
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
