using System.Text.Json;
using Azure;
using Pipeline.Domain;
using Pipeline.Domain.Candidates;
using Pipeline.Domain.Feeds;
using Pipeline.Storage;

namespace Pipeline.Core.Candidates;

/// <summary>
/// Candidates, one partition per person: a row <c>profile</c> that says the person exists, and one row per record that
/// lists them (<c>source-{feedId}-{recordId}</c>), written together in one transaction.
/// </summary>
/// <remarks>
/// <para>
/// The profile is not stored: <see cref="CandidateProfile.Merge"/> gives the same profile from the same records in any
/// order, so every read here merges it from the source rows (<see cref="Materialise"/>), and a person's record content
/// is held once. The profile row carries no properties; its ETag is what concurrent writers of the person contend on.
/// Rows written before #20 carry the merged profile as JSON (<c>Profile</c>); it is read as stored until the person
/// is next written. Likewise a source row's <c>Hash</c> and <c>SeenAt</c> are read when present and otherwise derived
/// from its record and its <c>UpdatedAt</c>.
/// </para>
/// <para>
/// Whose record a record is, is decided by <see cref="IdentityResolution"/> (the domain's rules) against the
/// <c>identities</c> table, which maps each strong key (a hash) to its person. Keys are written before the records, so
/// a crash between the two leaves a key pointing at its person, and the redelivered page writes the record where the
/// key says. <see cref="SplitAsync"/> undoes a merge.
/// </para>
/// </remarks>
public sealed class CandidateStore(ITableStore store, TimeProvider time)
{
    private const string ProfileRow = "profile";
    private const string SourcePrefix = "source-";
    private const int MaxRounds = 6;

    /// <summary>How often an unchanged record's "still listed" mark is written again; retention is accurate to this.</summary>
    public static readonly TimeSpan SeenRefresh = TimeSpan.FromDays(7);

    /// <summary>
    /// A record as its source row stores it: absent values are left out rather than written as nulls (they read back
    /// as absent). Its hash is taken from the record read back, so how it is stored does not change whether it changed.
    /// </summary>
    private static readonly JsonSerializerOptions StoredRecordJson = new(DomainJson.Options) { DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull };

    private readonly ITable _table = store.GetTable(Tables.Candidates);
    private readonly ITable _identities = store.GetTable(Tables.Identities);

    /// <summary>
    /// Records what a feed says about a person; writes nothing when it says what it said before. A second row for the
    /// same person in the same run (<see cref="CandidateWrite.Run"/>, at another <see cref="CandidateWrite.Position"/>)
    /// is a duplicate within the file and is not stored.
    /// </summary>
    public async Task<ScreenResult> UpsertAsync(CandidateWrite write, CancellationToken cancellationToken) =>
        (await UpsertManyAsync([write], cancellationToken))[0];

    /// <summary>
    /// The same for a page of candidates: one read of their keys and partitions, one submission of their writes.
    /// Anyone written meanwhile by another page, or twice in this one, is done again in a further round.
    /// </summary>
    public async Task<IReadOnlyList<ScreenResult>> UpsertManyAsync(IReadOnlyList<CandidateWrite> writes, CancellationToken cancellationToken)
    {
        var results = new ScreenResult?[writes.Count];
        var pending = Enumerable.Range(0, writes.Count).ToList();
        for (var round = 1; pending.Count > 0; round++)
        {
            if (round > MaxRounds)
            {
                throw new RequestFailedException(409, $"{pending.Count} candidates kept being written by others meanwhile; the page is retried.", TableErrorCodes.UpdateConditionNotSatisfied, null);
            }

            var done = await TryUpsertAsync(pending.Select(i => writes[i]).ToList(), cancellationToken);
            for (var j = 0; j < done.Count; j++)
            {
                results[pending[j]] = done[j];
            }

            pending = pending.Where(i => results[i] is null).ToList();
        }

        return results.Select(r => r!.Value).ToList();
    }

    /// <summary>Moves the records of one feed out of a merged person into a person of their own, for good.</summary>
    /// <returns>The ids of the people the records now belong to; empty when the person has no such record.</returns>
    public async Task<IReadOnlyList<string>> SplitAsync(string candidateId, string feedId, CancellationToken cancellationToken)
    {
        var partition = await ReadPartitionAsync(candidateId, cancellationToken);
        var moving = partition.Sources
            .Where(s => s.Source.FeedId == feedId && s.RecordId != candidateId)
            .ToList();
        if (moving.Count == 0)
        {
            return [];
        }

        var now = time.GetUtcNow();
        var moved = new List<string>();
        foreach (var group in moving.GroupBy(s => s.RecordId))
        {
            // The record's email now names its own person, pinned so its phone or URL cannot merge it back.
            var email = group.First().Source.Record.Email;
            await _identities.UpsertAsync(new TableEntity(IdentityKeys.Email(email).Key, string.Empty)
            {
                ["Person"] = group.Key, ["Reason"] = MatchReasons.Email, ["Pinned"] = true, ["SetAt"] = now,
            }, TableUpdateMode.Replace, cancellationToken);

            var target = await ReadPartitionAsync(group.Key, cancellationToken);
            var actions = group.Select(s => TableTransactionAction.Upsert(SourceEntity(group.Key, s.Source with { MatchedBy = MatchReasons.Email }, s.Run, s.Position, now))).ToList();
            actions.Add(ProfileAction(group.Key, target.Profile));
            await _table.SubmitTransactionAsync(actions, cancellationToken);
            moved.Add(group.Key);
        }

        var remaining = partition.Sources.Except(moving).ToList();
        var removals = moving.Select(s => TableTransactionAction.Delete(new TableEntity(candidateId, s.RowKey), ETag.All)).ToList();
        removals.Add(remaining.Count == 0
            ? TableTransactionAction.Delete(new TableEntity(candidateId, ProfileRow), ETag.All)
            : ProfileAction(candidateId, partition.Profile));
        await _table.SubmitTransactionAsync(removals, cancellationToken);
        return moved;
    }

    /// <summary>One round: results for what could be written, null for what must wait for the next round.</summary>
    private async Task<IReadOnlyList<ScreenResult?>> TryUpsertAsync(IReadOnlyList<CandidateWrite> writes, CancellationToken cancellationToken)
    {
        var emailKeys = writes.Select(w => IdentityKeys.Email(w.Record.Email)).ToList();
        var secondary = writes.Select(w => IdentityKeys.Secondary(w.Record)).ToList();
        var identities = new Dictionary<string, KnownIdentity>(StringComparer.Ordinal);
        await foreach (var entity in _identities.QueryPartitionsAsync(emailKeys.Concat(secondary.SelectMany(k => k)).Select(k => k.Key).Distinct().ToList(), cancellationToken))
        {
            identities[entity.PartitionKey] = new KnownIdentity(entity.GetString("Person")!, entity.GetString("Reason") ?? MatchReasons.Email, entity.GetBoolean("Pinned") ?? false, entity.GetString("FeedId"));
        }

        // A badge email's person may be known only by their own partition (an email's own id is never written as a key).
        var ownIds = writes.Select(w => CandidateId.FromEmail(w.Record.Email));
        var badgeIds = writes.SelectMany(w => w.Record.Certifications).Select(c => c.BadgeEmail).OfType<string>().Select(CandidateId.FromEmail);
        var partitions = new Dictionary<string, Partition>(StringComparer.Ordinal);
        var raw = new Dictionary<string, List<TableEntity>>(StringComparer.Ordinal);
        foreach (var id in ownIds.Concat(badgeIds).Concat(identities.Values.Select(i => i.Person)).Distinct(StringComparer.Ordinal))
        {
            raw[id] = [];
        }

        await foreach (var entity in _table.QueryPartitionsAsync(raw.Keys, cancellationToken))
        {
            raw[entity.PartitionKey].Add(entity);
        }

        foreach (var (id, entities) in raw)
        {
            partitions[id] = Partition.From(entities);
        }

        var known = new Dictionary<string, KnownPerson?>(StringComparer.Ordinal);
        KnownPerson? Known(string id) => known.TryGetValue(id, out var k) ? k : known[id] = partitions.GetValueOrDefault(id) is { } p
            ? new KnownPerson(p.Profile is not null, p.Sources.Select(x => (x.Source.FeedId, x.RecordId)).ToList())
            : null;

        var results = new ScreenResult?[writes.Count];
        var targeted = new HashSet<string>(StringComparer.Ordinal);
        var keyWrites = new List<TableEntity>();
        var batch = new List<(int Index, IReadOnlyList<TableTransactionAction> Actions, ScreenResult Result)>();
        var now = time.GetUtcNow();
        for (var i = 0; i < writes.Count; i++)
        {
            var (person, reason) = IdentityResolution.Resolve(writes[i].FeedId, writes[i].Record, emailKeys[i], secondary[i], identities, Known);

            // A second record for the same person in this page waits until the first is written.
            if (!targeted.Add(person))
            {
                continue;
            }

            var plan = Plan(writes[i], person, reason, partitions.GetValueOrDefault(person) ?? Partition.Empty, now);
            if (plan.Actions is null)
            {
                results[i] = plan.Result with { Person = person };
                continue;
            }

            batch.Add((i, plan.Actions, plan.Result with { Person = person }));

            // Keys this record brings that nobody holds yet now point to its person; so do later records' lookups in this page.
            var own = CandidateId.FromEmail(writes[i].Record.Email);
            var keys = (person == own ? [] : new[] { emailKeys[i] with { Reason = reason } }).Concat(secondary[i]);
            foreach (var key in keys.Where(k => !identities.ContainsKey(k.Key)))
            {
                identities[key.Key] = new KnownIdentity(person, key.Reason, false, writes[i].FeedId);
                keyWrites.Add(new TableEntity(key.Key, string.Empty) { ["Person"] = person, ["Reason"] = key.Reason, ["FeedId"] = writes[i].FeedId, ["SetAt"] = now });
            }
        }

        // Keys first: each its own transaction; one taken meanwhile by someone else stays theirs.
        var keyResults = await _identities.SubmitTransactionsAsync(keyWrites.Select(k => (IReadOnlyList<TableTransactionAction>)[TableTransactionAction.Add(k)]).ToList(), cancellationToken);
        foreach (var failure in keyResults.OfType<RequestFailedException>().Where(f => !f.IsConflict()))
        {
            throw failure;
        }

        if (keyResults.Any(r => r is not null))
        {
            // Another page (another feed, read at the same time) took a key these records bring: the person it now
            // points to may be one of theirs. The records are resolved again in the next round, against the keys as
            // they stand; the keys this round did write point where the records will go, as after a crash.
            return results;
        }

        var failures = await _table.SubmitTransactionsAsync(batch.Select(b => b.Actions).ToList(), cancellationToken);
        for (var b = 0; b < batch.Count; b++)
        {
            if (failures[b] is not { } failure)
            {
                results[batch[b].Index] = batch[b].Result;
            }
            else if (!failure.IsConflict() && !failure.IsPreconditionFailed())
            {
                throw failure;
            }
        }

        return results;
    }

    /// <summary>
    /// What <see cref="UpsertManyAsync"/> writes for a page of records of people nobody knows yet, built the same way:
    /// the identity keys not yet held (<paramref name="isNewKey"/> says which, and remembers them), each its own
    /// transaction, then each person's source record and profile in one transaction. Nothing is read or resolved: this
    /// is the store's own floor, which the ingestion benchmark writes through <see cref="ITable.SubmitTransactionsAsync"/>.
    /// </summary>
    public static (IReadOnlyList<IReadOnlyList<TableTransactionAction>> Keys, IReadOnlyList<IReadOnlyList<TableTransactionAction>> Records) NewPeopleWrites(
        IReadOnlyList<CandidateWrite> writes, Func<string, bool> isNewKey, DateTimeOffset now)
    {
        var keys = new List<IReadOnlyList<TableTransactionAction>>();
        var records = new List<IReadOnlyList<TableTransactionAction>>(writes.Count);
        foreach (var write in writes)
        {
            var person = CandidateId.FromEmail(write.Record.Email);
            records.Add(Plan(write, person, MatchReasons.Email, Partition.Empty, now).Actions!);
            foreach (var key in IdentityKeys.Secondary(write.Record).Where(k => isNewKey(k.Key)))
            {
                keys.Add([TableTransactionAction.Add(new TableEntity(key.Key, string.Empty) { ["Person"] = person, ["Reason"] = key.Reason, ["FeedId"] = write.FeedId, ["SetAt"] = now })]);
            }
        }

        return (keys, records);
    }

    /// <summary>What writing the record into its person's partition takes: nothing (with the outcome), or the actions and the outcome once they succeed.</summary>
    private static (ScreenResult Result, IReadOnlyList<TableTransactionAction>? Actions) Plan(CandidateWrite write, string person, string reason, Partition partition, DateTimeOffset now)
    {
        var recordId = CandidateId.FromEmail(write.Record.Email);
        var hash = write.Record.ContentHash();
        var mine = partition.Sources.FirstOrDefault(s => s.Source.FeedId == write.FeedId && s.RecordId == recordId);
        if (mine is not null && write.Run is { } run && write.Position is { } position && mine.Run == run && mine.Position is { } first && first != position)
        {
            return (new ScreenResult(ScreenOutcome.Duplicate, first), null);
        }

        if (mine is not null && mine.Hash == hash && partition.Profile is not null)
        {
            // The feed still lists the person. The mark that says so (for RetentionSweep) is refreshed at most every
            // SeenRefresh, so reading an unchanged feed again soon writes nothing.
            return write.Run is not null && mine.SeenAt < now - SeenRefresh
                ? (new ScreenResult(ScreenOutcome.Unchanged), [TableTransactionAction.Upsert(new TableEntity(person, mine.RowKey) { ["SeenAt"] = now }, TableUpdateMode.Merge)])
                : (new ScreenResult(ScreenOutcome.Unchanged), null);
        }

        var updated = new SourceRecord(write.FeedId, write.Kind, write.Source, write.Record) { MatchedBy = mine?.Source.MatchedBy ?? reason };
        var sources = partition.Sources.Where(s => s != mine).Select(s => s.Source).Append(updated).ToList();
        var actions = new List<TableTransactionAction> { TableTransactionAction.Upsert(SourceEntity(person, updated, write.Run, write.Position, now)) };
        if (mine is not null && mine.RowKey != SourceRowKey(write.FeedId, recordId))
        {
            actions.Add(TableTransactionAction.Delete(new TableEntity(person, mine.RowKey), ETag.All)); // written under an older key
        }

        actions.Add(ProfileAction(person, partition.Profile));
        var after = CandidateProfile.Merge(person, sources);
        return (new ScreenResult(partition.Profile is null ? ScreenOutcome.New : ScreenOutcome.Updated) { Before = partition.Materialise(person), After = after }, actions);
    }

    private static string SourceRowKey(string feedId, string recordId) => $"{SourcePrefix}{feedId}-{recordId}";

    private static TableEntity SourceEntity(string person, SourceRecord source, DateTimeOffset? run, long? position, DateTimeOffset now) =>
        new(person, SourceRowKey(source.FeedId, CandidateId.FromEmail(source.Record.Email)))
        {
            ["FeedId"] = source.FeedId,
            ["FeedKind"] = source.FeedKind.ToString(),
            ["Source"] = source.Source,
            // No Hash: it is the hash of Record. No SeenAt: a record is listed when it is written (UpdatedAt) until a later read marks it.
            ["Record"] = JsonSerializer.Serialize(source.Record, StoredRecordJson),
            ["MatchedBy"] = source.MatchedBy,
            ["UpdatedAt"] = now,
            ["Run"] = run,
            ["Position"] = position,
        };

    /// <summary>
    /// Adds the profile row, or replaces it if it has not changed since it was read (another page may be merging into
    /// the same person). It holds nothing: the profile is merged from the source rows written beside it, and replacing
    /// a row written before #20 drops its stored copy.
    /// </summary>
    private static TableTransactionAction ProfileAction(string person, TableEntity? stored)
    {
        var entity = new TableEntity(person, ProfileRow);
        return stored is null ? TableTransactionAction.Add(entity) : TableTransactionAction.Update(entity, stored.ETag);
    }

    /// <summary>
    /// The person's profile, from their profile row and source rows: the copy a row written before #20 stored, else
    /// merged from the records; null when there is no profile row (or, read mid-change, no record beside it).
    /// </summary>
    private static CandidateProfile? Materialise(string person, TableEntity? profileRow, IReadOnlyCollection<SourceRecord> sources) =>
        profileRow is null ? null
        : profileRow.GetString("Profile") is { } stored ? JsonSerializer.Deserialize<CandidateProfile>(stored, DomainJson.Options)
        : sources.Count > 0 ? CandidateProfile.Merge(person, sources)
        : null;

    private async Task<Partition> ReadPartitionAsync(string person, CancellationToken cancellationToken)
    {
        var entities = new List<TableEntity>();
        await foreach (var entity in _table.QueryAsync(TableQuery.InPartition(person), cancellationToken))
        {
            entities.Add(entity);
        }

        return Partition.From(entities);
    }

    /// <summary>Reads a person: their profile and the records it was merged from.</summary>
    public async Task<(CandidateProfile? Profile, IReadOnlyList<SourceRecord> Sources)> GetAsync(string candidateId, CancellationToken cancellationToken)
    {
        var partition = await ReadPartitionAsync(candidateId, cancellationToken);
        return (partition.Materialise(candidateId), partition.Sources.Select(s => s.Source).ToList());
    }

    /// <summary>Several people at once, by candidate id: their profiles and the records merged into them (people not found are left out).</summary>
    public async Task<Dictionary<string, (CandidateProfile Profile, IReadOnlyList<SourceRecord> Sources)>> GetManyAsync(IReadOnlyCollection<string> candidateIds, CancellationToken cancellationToken)
    {
        var raw = candidateIds.Distinct(StringComparer.Ordinal).ToDictionary(id => id, _ => new List<TableEntity>(), StringComparer.Ordinal);
        await foreach (var entity in _table.QueryPartitionsAsync(raw.Keys, cancellationToken))
        {
            raw[entity.PartitionKey].Add(entity);
        }

        var found = new Dictionary<string, (CandidateProfile, IReadOnlyList<SourceRecord>)>(StringComparer.Ordinal);
        foreach (var (id, entities) in raw)
        {
            var partition = Partition.From(entities);
            if (partition.Materialise(id) is { } profile)
            {
                found[id] = (profile, partition.Sources.Select(s => s.Source).ToList());
            }
        }

        return found;
    }

    /// <summary>Source records (feed, row key, when the feed last listed them) last seen before <paramref name="cutoff"/>, for retention.</summary>
    public async IAsyncEnumerable<(string Person, string RowKey, string FeedId)> NotSeenSinceAsync(DateTimeOffset cutoff, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var query = new TableQuery
        {
            Filter = TableFilter.GreaterThanOrEqual("RowKey", SourcePrefix) & TableFilter.LessThan("RowKey", "source."),
            Select = ["FeedId", "SeenAt", "UpdatedAt"],
        };
        await foreach (var entity in _table.QueryAsync(query, cancellationToken))
        {
            if ((entity.GetDateTimeOffset("SeenAt") ?? entity.GetDateTimeOffset("UpdatedAt") ?? DateTimeOffset.MinValue) < cutoff)
            {
                yield return (entity.PartitionKey, entity.RowKey, entity.GetString("FeedId") ?? "");
            }
        }
    }

    /// <summary>
    /// Removes some of a person's source records (no feed lists them any more); the profile is merged again from the
    /// rest, or removed with the person's identity keys when nothing is left. Returns whether the person is gone.
    /// </summary>
    public async Task<bool> RemoveSourcesAsync(string person, IReadOnlyCollection<string> rowKeys, CancellationToken cancellationToken)
    {
        var partition = await ReadPartitionAsync(person, cancellationToken);
        var removing = partition.Sources.Where(s => rowKeys.Contains(s.RowKey)).ToList();
        if (removing.Count == 0)
        {
            return partition.Profile is null;
        }

        var remaining = partition.Sources.Except(removing).ToList();
        var actions = removing.Select(s => TableTransactionAction.Delete(new TableEntity(person, s.RowKey), ETag.All)).ToList();
        actions.Add(remaining.Count == 0
            ? TableTransactionAction.Delete(new TableEntity(person, ProfileRow), ETag.All)
            : ProfileAction(person, partition.Profile));
        await _table.SubmitTransactionAsync(actions, cancellationToken);

        // Keys only the removed records brought no longer point at the person.
        var kept = remaining.SelectMany(s => IdentityKeys.Secondary(s.Source.Record).Select(k => k.Key).Append(IdentityKeys.Email(s.Source.Record.Email).Key)).ToHashSet(StringComparer.Ordinal);
        foreach (var key in removing.SelectMany(s => IdentityKeys.Secondary(s.Source.Record).Select(k => k.Key).Append(IdentityKeys.Email(s.Source.Record.Email).Key)).Distinct().Where(k => !kept.Contains(k)))
        {
            if (await _identities.GetAsync(key, string.Empty, cancellationToken) is { } identity && identity.GetString("Person") == person && identity.GetBoolean("Pinned") != true)
            {
                await _identities.DeleteAsync(key, string.Empty, identity.ETag, cancellationToken);
            }
        }

        return remaining.Count == 0;
    }

    /// <summary>The person an email belongs to now: its key if it was merged or split, otherwise its own id.</summary>
    public async Task<string> ResolveEmailAsync(string normalizedEmail, CancellationToken cancellationToken) =>
        await _identities.GetAsync(IdentityKeys.Email(normalizedEmail).Key, string.Empty, cancellationToken) is { } identity
            ? identity.GetString("Person")!
            : CandidateId.FromEmail(normalizedEmail);

    /// <summary>A key's person, why it points there, and the feed whose record brought it (null for keys written before feeds were kept).</summary>
    private sealed record StoredSource(string RowKey, SourceRecord Source, string RecordId, string? StoredHash, DateTimeOffset? Run, long? Position, DateTimeOffset SeenAt)
    {
        /// <summary>The record's content hash: stored by rows written before #20, otherwise taken when a write needs it.</summary>
        public string Hash => StoredHash ?? Source.Record.ContentHash();
    }

    private sealed record Partition(TableEntity? Profile, IReadOnlyList<StoredSource> Sources)
    {
        public static Partition Empty { get; } = new(null, []);

        public CandidateProfile? Materialise(string person) => CandidateStore.Materialise(person, Profile, Sources.Select(s => s.Source).ToList());

        public static Partition From(IEnumerable<TableEntity> entities)
        {
            TableEntity? profile = null;
            var sources = new List<StoredSource>();
            foreach (var entity in entities)
            {
                if (entity.RowKey == ProfileRow)
                {
                    profile = entity;
                }
                else if (entity.RowKey.StartsWith(SourcePrefix, StringComparison.Ordinal))
                {
                    var source = ReadSource(entity);
                    sources.Add(new StoredSource(entity.RowKey, source, CandidateId.FromEmail(source.Record.Email), entity.GetString("Hash"), entity.GetDateTimeOffset("Run"), entity.GetInt64("Position"),
                        entity.GetDateTimeOffset("SeenAt") ?? entity.GetDateTimeOffset("UpdatedAt") ?? DateTimeOffset.MinValue));
                }
            }

            return new Partition(profile, sources);
        }
    }

    /// <summary>
    /// Everyone's profile, in one pass over the table: rows come ordered by partition, so each person's profile row and
    /// source rows arrive together and the person is merged when the next one begins. Like any scan it is no snapshot.
    /// </summary>
    public async IAsyncEnumerable<CandidateProfile> ProfilesAsync([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        string? person = null;
        TableEntity? profileRow = null;
        var sources = new List<SourceRecord>();
        await foreach (var entity in _table.QueryAsync(cancellationToken: cancellationToken))
        {
            if (entity.PartitionKey != person)
            {
                if (person is not null && Materialise(person, profileRow, sources) is { } profile)
                {
                    yield return profile;
                }

                (person, profileRow) = (entity.PartitionKey, null);
                sources = [];
            }

            if (entity.RowKey == ProfileRow)
            {
                profileRow = entity;
            }
            else if (entity.RowKey.StartsWith(SourcePrefix, StringComparison.Ordinal))
            {
                sources.Add(ReadSource(entity));
            }
        }

        if (person is not null && Materialise(person, profileRow, sources) is { } last)
        {
            yield return last;
        }
    }

    private static SourceRecord ReadSource(TableEntity entity) => new(
        entity.GetString("FeedId")!,
        Enum.Parse<FeedKind>(entity.GetString("FeedKind")!),
        entity.GetString("Source")!,
        JsonSerializer.Deserialize<CandidateRecord>(entity.GetString("Record")!, DomainJson.Options)!)
    {
        MatchedBy = entity.GetString("MatchedBy") ?? MatchReasons.Email,
    };
}
