using System.Text.Json;
using Pipeline.Domain;
using Pipeline.Domain.Candidates;
using Pipeline.Domain.Shortlists;
using Pipeline.Functions.Shortlists;
using Pipeline.Functions.Stores;
using Pipeline.Storage;

namespace Pipeline.Functions.Privacy;

/// <summary>What an erasure removed, by table, and the anonymous tombstone left in its place.</summary>
public sealed record ErasureReport(string Tombstone, bool Found, IReadOnlyDictionary<string, int> Removed, IReadOnlyDictionary<string, int> Redacted);

/// <summary>
/// A person's right to see and to be forgotten: <see cref="ExportAsync"/> gathers everything held about them;
/// <see cref="EraseAsync"/> removes it from every table, leaves an anonymous tombstone (an audit entry and, where a
/// shortlist or decision referred to them, a placeholder id), and adds each of their emails, as a hash, to the
/// suppression list so that feeds do not bring them back.
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
        var person = await FindAsync(email, cancellationToken);
        if (person is null)
        {
            return null;
        }

        var (id, profile, sources, strings) = person.Value;
        var export = new Dictionary<string, object?>
        {
            ["candidateId"] = id,
            ["exportedAt"] = time.GetUtcNow(),
            ["profile"] = profile,
            ["records"] = sources,
        };
        foreach (var table in Tables.All.Where(t => t is not (Tables.Candidates or Tables.Suppressions)))
        {
            var rows = new List<Dictionary<string, object?>>();
            await foreach (var entity in store.GetTable(table).QueryAsync(cancellationToken: cancellationToken))
            {
                if (Mentions(entity, id, strings))
                {
                    rows.Add(Plain(entity));
                }
            }

            export[table] = rows;
        }

        return JsonSerializer.SerializeToDocument(export, DomainJson.Options);
    }

    /// <summary>Removes the person everywhere; suppresses the email even when nobody is known by it, so a feed cannot bring them in later.</summary>
    public async Task<ErasureReport> EraseAsync(string email, CancellationToken cancellationToken)
    {
        var normalized = Normalizer.Email(email);
        var tombstone = "erased-" + Guid.NewGuid().ToString("N")[..16];
        var removed = new Dictionary<string, int>(StringComparer.Ordinal);
        var redacted = new Dictionary<string, int>(StringComparer.Ordinal);
        var person = await FindAsync(normalized, cancellationToken);

        // Suppress first, so a feed read meanwhile cannot bring the person back between the deletions.
        var emails = person?.Strings.Where(s => s.Contains('@', StringComparison.Ordinal)).Append(normalized).Distinct(StringComparer.OrdinalIgnoreCase).ToList() ?? [normalized];
        await suppressions.AddAsync(emails, cancellationToken);
        if (person is { } p)
        {
            foreach (var table in Tables.All.Where(t => t != Tables.Suppressions))
            {
                var t = store.GetTable(table);
                var doomed = new List<TableEntity>();
                var rewritten = new List<TableEntity>();
                await foreach (var entity in t.QueryAsync(cancellationToken: cancellationToken))
                {
                    if (!Mentions(entity, p.Id, p.Strings))
                    {
                        continue;
                    }

                    if (Redact(table, entity, p.Id, tombstone) is { } kept)
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
            await pools.InvalidateAllAsync(cancellationToken);
        }

        // The tombstone: that an erasure happened and what it removed, without anything that says whom.
        await store.GetTable(Tables.Audit).UpsertAsync(new TableEntity("erasures", tombstone)
        {
            ["Kind"] = "erasure", ["At"] = time.GetUtcNow(),
            ["Removed"] = JsonSerializer.Serialize(removed, DomainJson.Options), ["Redacted"] = JsonSerializer.Serialize(redacted, DomainJson.Options),
        }, TableUpdateMode.Replace, cancellationToken);
        return new ErasureReport(tombstone, person is not null, removed, redacted);
    }

    /// <summary>The person and every string that identifies them alone (emails, profile and credential URLs, identity-key hashes).</summary>
    private async Task<(string Id, CandidateProfile Profile, IReadOnlyList<SourceRecord> Sources, IReadOnlyList<string> Strings)?> FindAsync(string email, CancellationToken cancellationToken)
    {
        var normalized = Normalizer.Email(email);
        var id = await candidates.ResolveEmailAsync(normalized, cancellationToken);
        var (profile, sources) = await candidates.GetAsync(id, cancellationToken);
        if (profile is null)
        {
            return null;
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
        return (id, profile, sources, strings.Concat(keys).ToList());
    }

    /// <summary>Whether a row is about the person: keyed by their id or a key of theirs, or holding their id or one of their strings.</summary>
    private static bool Mentions(TableEntity entity, string id, IReadOnlyList<string> strings)
    {
        if (entity.PartitionKey == id || entity.RowKey == id || strings.Contains(entity.PartitionKey, StringComparer.Ordinal))
        {
            return true;
        }

        foreach (var (_, value) in entity.Properties)
        {
            if (value is string text && (text.Contains(id, StringComparison.Ordinal) || strings.Any(s => text.Contains(s, StringComparison.OrdinalIgnoreCase))))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// A row that must stay but can lose the person: a shortlist version (the member becomes a placeholder) or a
    /// decision (kept, anonymous, without the words behind it). Null: delete the row.
    /// </summary>
    private static TableEntity? Redact(string table, TableEntity entity, string id, string tombstone)
    {
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
