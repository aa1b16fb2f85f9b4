using System.Text.Json;
using Pipeline.Core.Candidates;
using Pipeline.Core.Shortlists;
using Pipeline.Domain;
using Pipeline.Domain.Candidates;
using Pipeline.Domain.Shortlists;
using Pipeline.Storage;

namespace Pipeline.Core.Privacy;

/// <summary>What an erasure removed, by table, and the anonymous tombstone left in its place.</summary>
public sealed record ErasureReport(string Tombstone, bool Found, IReadOnlyDictionary<string, int> Removed, IReadOnlyDictionary<string, int> Redacted)
{
    /// <summary>What identified the person, for the caller to scrub what the store does not hold (local queues). Never printed.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public PersonTraces? Traces { get; init; }

    /// <summary>Queued messages the caller rewrote or removed, by what was done; null where it had no queues to scrub.</summary>
    public IReadOnlyDictionary<string, int>? Messages { get; init; }
}

/// <summary>
/// A person's right to see and to be forgotten: <see cref="ExportAsync"/> gathers everything held about them;
/// <see cref="EraseAsync"/> removes it from every table, leaves an anonymous tombstone (an audit entry and, where a
/// shortlist or decision referred to them, a placeholder id), and adds each of their emails, as a hash, to the
/// suppression list so that feeds do not bring them back. A person known only by rows the feeds got wrong
/// (quarantine) or by audit entries (a reply they sent) is found by their email there too.
/// </summary>
public sealed class PersonalData(
    ITableStore store,
    CandidateStore candidates,
    SuppressionStore suppressions,
    ShortlistPools pools,
    TimeProvider time)
{
    /// <summary>Everything held about the person an email belongs to; null when nobody is known by it.</summary>
    public async Task<JsonDocument?> ExportAsync(string email, CancellationToken cancellationToken)
    {
        var (profile, sources, traces) = await FindAsync(email, cancellationToken);
        var export = new Dictionary<string, object?>
        {
            ["candidateId"] = profile is null ? null : traces.CandidateId,
            ["exportedAt"] = time.GetUtcNow(),
            ["profile"] = profile,
            ["records"] = sources,
        };
        var found = profile is not null;
        foreach (var table in Tables.All.Where(t => t is not (Tables.Candidates or Tables.Suppressions)))
        {
            var rows = new List<Dictionary<string, object?>>();
            await foreach (var entity in store.GetTable(table).QueryAsync(cancellationToken: cancellationToken))
            {
                if (Mentions(entity, traces))
                {
                    rows.Add(Plain(entity));
                }
            }

            export[table] = rows;
            found |= rows.Count > 0;
        }

        return found ? JsonSerializer.SerializeToDocument(export, DomainJson.Options) : null;
    }

    /// <summary>Removes the person everywhere; suppresses the email even when nobody is known by it, so a feed cannot bring them in later.</summary>
    public async Task<ErasureReport> EraseAsync(string email, CancellationToken cancellationToken)
    {
        var normalized = Normalizer.Email(email);
        var tombstone = "erased-" + Guid.NewGuid().ToString("N")[..16];
        var removed = new Dictionary<string, int>(StringComparer.Ordinal);
        var redacted = new Dictionary<string, int>(StringComparer.Ordinal);
        var (profile, _, traces) = await FindAsync(normalized, cancellationToken);

        // Suppress first, so a feed read meanwhile cannot bring the person back between the deletions.
        var emails = traces.Strings.Where(s => s.Contains('@', StringComparison.Ordinal)).Append(normalized).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        await suppressions.AddAsync(emails, cancellationToken);
        foreach (var table in Tables.All.Where(t => t != Tables.Suppressions))
        {
            var t = store.GetTable(table);
            var doomed = new List<TableEntity>();
            var rewritten = new List<TableEntity>();
            await foreach (var entity in t.QueryAsync(cancellationToken: cancellationToken))
            {
                if (!Mentions(entity, traces))
                {
                    continue;
                }

                if (Redact(table, entity, traces, tombstone) is { } kept)
                {
                    rewritten.Add(kept);
                }
                else
                {
                    doomed.Add(entity);
                }
            }

            foreach (var entity in doomed)
            {
                await t.DeleteAsync(entity.PartitionKey, entity.RowKey, Azure.ETag.All, cancellationToken);
            }

            foreach (var entity in rewritten)
            {
                await t.UpsertAsync(entity, TableUpdateMode.Replace, cancellationToken);
            }

            if (doomed.Count > 0)
            {
                removed[table] = doomed.Count;
            }

            if (rewritten.Count > 0)
            {
                redacted[table] = rewritten.Count;
            }
        }

        // Pools and shortlists no longer hold the person; the next builds start from every candidate.
        if (profile is not null)
        {
            await pools.InvalidateAllAsync(cancellationToken);
        }

        // The tombstone: that an erasure happened and what it removed, without anything that says whom.
        await store.GetTable(Tables.Audit).UpsertAsync(new TableEntity("erasures", tombstone)
        {
            ["Kind"] = "erasure", ["At"] = time.GetUtcNow(),
            ["Removed"] = JsonSerializer.Serialize(removed, DomainJson.Options), ["Redacted"] = JsonSerializer.Serialize(redacted, DomainJson.Options),
        }, TableUpdateMode.Replace, cancellationToken);

        // Deleted rows are zeroed in the file as they go; earlier images of their pages may still be in the WAL.
        await store.PurgeDeletedAsync(cancellationToken);
        return new ErasureReport(tombstone, profile is not null || removed.Count > 0 || redacted.Count > 0, removed, redacted) { Traces = traces };
    }

    /// <summary>
    /// The person (null profile when no candidate has the email) and what identifies them alone: emails, profile and
    /// credential URLs, identity-key hashes; for somebody who is not a candidate, the email and its key.
    /// </summary>
    private async Task<(CandidateProfile? Profile, IReadOnlyList<SourceRecord> Sources, PersonTraces Traces)> FindAsync(string email, CancellationToken cancellationToken)
    {
        var normalized = Normalizer.Email(email);
        var id = await candidates.ResolveEmailAsync(normalized, cancellationToken);
        var (profile, sources) = await candidates.GetAsync(id, cancellationToken);
        if (profile is null)
        {
            return (null, [], new PersonTraces(id, [normalized, IdentityKeys.Email(normalized).Key]));
        }

        // What identifies this person and nobody else: emails, profile and credential links. Not the name (others share
        // it) nor the phone (a switchboard number may be on several records); rows about the person are found by id.
        var records = sources.Select(s => s.Record).ToList();
        var strings = records.SelectMany(r => new[] { r.Email }.Concat(r.ProfileUrls).Concat(r.Certifications.SelectMany(c => new[] { c.Url, c.BadgeEmail })))
            .Append(normalized)
            .OfType<string>()
            .Where(s => s.Length >= 5)
            .Distinct(StringComparer.OrdinalIgnoreCase)
            .ToList();
        var keys = records.SelectMany(r => IdentityKeys.Secondary(r).Select(k => k.Key).Append(IdentityKeys.Email(r.Email).Key));
        return (profile, sources, new PersonTraces(id, strings.Concat(keys).ToList()));
    }

    /// <summary>Whether a row is about the person: keyed by their id or a key of theirs, or holding their id or one of their strings.</summary>
    private static bool Mentions(TableEntity entity, PersonTraces traces)
    {
        if (entity.PartitionKey == traces.CandidateId || entity.RowKey == traces.CandidateId || traces.Strings.Contains(entity.PartitionKey, StringComparer.Ordinal))
        {
            return true;
        }

        return entity.Properties.Values.Any(value => value is string text && traces.Mentions(text));
    }

    /// <summary>
    /// A row that must stay but can lose the person: a shortlist version (the member becomes a placeholder), a
    /// decision (kept, anonymous, without the words behind it) or an audit entry (the event stays, without who it was
    /// about or from). Null: delete the row.
    /// </summary>
    private static TableEntity? Redact(string table, TableEntity entity, PersonTraces traces, string tombstone)
    {
        var id = traces.CandidateId;
        if (table == Tables.Audit && entity.PartitionKey != traces.CandidateId && !traces.Strings.Contains(entity.PartitionKey, StringComparer.Ordinal))
        {
            var copy = Copy(entity);
            foreach (var (name, value) in entity.Properties)
            {
                if (value is string text && traces.Mentions(text))
                {
                    copy[name] = "(erased)";
                }
            }

            return copy;
        }

        if (table == Tables.Shortlists && entity.GetString("Shortlist") is { } json)
        {
            var shortlist = JsonSerializer.Deserialize<Shortlist>(json, DomainJson.Options)!;
            var members = shortlist.Members.Select(m => m.CandidateId != id ? m : m with
            {
                CandidateId = tombstone, Requirements = [], Card = new CandidateCard(null, null, null, [], [], []),
            }).ToList();
            var copy = Copy(entity);
            copy["Shortlist"] = JsonSerializer.Serialize(shortlist with { Members = members }, DomainJson.Options);
            return copy;
        }

        if (table == Tables.Decisions && entity.GetString("CandidateId") == id)
        {
            var copy = Copy(entity);
            copy["CandidateId"] = tombstone;
            copy["Evidence"] = "(erased)";
            return copy;
        }

        return null;
    }

    private static TableEntity Copy(TableEntity entity)
    {
        var copy = new TableEntity(entity.PartitionKey, entity.RowKey);
        foreach (var (name, value) in entity.Properties)
        {
            copy[name] = value;
        }

        return copy;
    }

    private static Dictionary<string, object?> Plain(TableEntity entity)
    {
        var row = new Dictionary<string, object?>(StringComparer.Ordinal) { ["partitionKey"] = entity.PartitionKey, ["rowKey"] = entity.RowKey };
        foreach (var (name, value) in entity.Properties)
        {
            row[name] = value;
        }

        return row;
    }
}
