using System.Globalization;
using System.Text.Json;
using Pipeline.Domain;
using Pipeline.Domain.Shortlists;
using Pipeline.Storage;

namespace Pipeline.Functions.Stores;

/// <summary>
/// Shortlist versions, one partition per requisition: a <c>head</c> row naming the latest version and one row per
/// version. A new version and the head move together in one transaction, guarded by the head's ETag.
/// </summary>
public sealed class ShortlistStore(ITableStore store, TimeProvider time)
{
    private const string HeadRow = "head";
    private readonly ITable _table = store.GetTable(Tables.Shortlists);

    /// <summary>
    /// Saves the ranked members as a new version unless they equal the latest (same people in the same order).
    /// Returns the new version, or null when nothing changed. A concurrent writer makes this throw a 409/412
    /// <see cref="Azure.RequestFailedException"/>; the message is then redelivered and decides again.
    /// </summary>
    public async Task<Shortlist?> SaveIfChangedAsync(string requisitionId, IReadOnlyList<ShortlistMember> members, CancellationToken cancellationToken)
    {
        var hash = Shortlist.MembershipHash(members.Select(m => m.CandidateId));
        var head = await _table.GetAsync(requisitionId, HeadRow, cancellationToken);
        if (head is not null && head.GetString("MembershipHash") == hash)
        {
            return null;
        }

        if (head is null && members.Count == 0)
        {
            return null;
        }

        var version = (head?.GetInt32("Version") ?? 0) + 1;
        var shortlist = new Shortlist(requisitionId, version, members);
        var now = time.GetUtcNow();
        var versionEntity = new TableEntity(requisitionId, VersionRow(version))
        {
            ["Version"] = version,
            ["MembershipHash"] = hash,
            ["Shortlist"] = JsonSerializer.Serialize(shortlist, DomainJson.Options),
            ["CreatedAt"] = now,
        };
        var headEntity = new TableEntity(requisitionId, HeadRow)
        {
            ["Version"] = version,
            ["MembershipHash"] = hash,
            ["UpdatedAt"] = now,
        };
        await _table.SubmitTransactionAsync(
            [
                TableTransactionAction.Add(versionEntity),
                head is null ? TableTransactionAction.Add(headEntity) : TableTransactionAction.Update(headEntity, head.ETag),
            ],
            cancellationToken);
        return shortlist;
    }

    public async Task<Shortlist?> GetAsync(string requisitionId, int version, CancellationToken cancellationToken)
    {
        var entity = await _table.GetAsync(requisitionId, VersionRow(version), cancellationToken);
        return entity is null ? null : JsonSerializer.Deserialize<Shortlist>(entity.GetString("Shortlist")!, DomainJson.Options);
    }

    private static string VersionRow(int version) => "v" + version.ToString("D6", CultureInfo.InvariantCulture);
}
