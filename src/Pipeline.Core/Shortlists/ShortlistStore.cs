using System.Globalization;
using System.Text.Json;
using Pipeline.Domain;
using Pipeline.Domain.Shortlists;
using Pipeline.Storage;

namespace Pipeline.Core.Shortlists;

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

    /// <summary>
    /// Records how the shortlist email is known in the mailbox, under its reference token, so that a reply can be
    /// traced back to the shortlist by the token in its subject or by its conversation.
    /// </summary>
    public async Task RecordDeliveryAsync(Shortlist shortlist, string? conversationId, string? internetMessageId, CancellationToken cancellationToken)
    {
        await _table.UpsertAsync(
            new TableEntity(ReferencePartition(shortlist.ReferenceToken), DeliveryRow)
            {
                ["RequisitionId"] = shortlist.RequisitionId,
                ["Version"] = shortlist.Version,
                ["ConversationId"] = conversationId,
                ["InternetMessageId"] = internetMessageId,
                ["SentAt"] = time.GetUtcNow(),
            },
            TableUpdateMode.Replace,
            cancellationToken);

        // Found again by conversation or by Message-ID, for a reply whose subject lost the reference.
        foreach (var key in new[] { conversationId, internetMessageId }.OfType<string>())
        {
            await _table.UpsertAsync(new TableEntity(ReplyIndexPartition(key), DeliveryRow) { ["Reference"] = shortlist.ReferenceToken }, TableUpdateMode.Replace, cancellationToken);
        }
    }

    /// <summary>The shortlist whose email has this Message-ID (a reply's In-Reply-To).</summary>
    public Task<ShortlistDelivery?> FindByMessageIdAsync(string internetMessageId, CancellationToken cancellationToken) =>
        FindByConversationAsync(internetMessageId, cancellationToken);

    /// <summary>The shortlist whose email started the conversation a reply belongs to.</summary>
    public async Task<ShortlistDelivery?> FindByConversationAsync(string conversationId, CancellationToken cancellationToken) =>
        await _table.GetAsync(ReplyIndexPartition(conversationId), DeliveryRow, cancellationToken) is { } entity
            ? await FindByReferenceAsync(entity.GetString("Reference")!, cancellationToken)
            : null;

    /// <summary>The shortlist a reference token (e.g. <c>SL-7Q2FJ3</c>) was sent for, with the mail ids recorded then.</summary>
    public async Task<ShortlistDelivery?> FindByReferenceAsync(string referenceToken, CancellationToken cancellationToken)
    {
        var entity = await _table.GetAsync(ReferencePartition(referenceToken), DeliveryRow, cancellationToken);
        return entity is null
            ? null
            : new ShortlistDelivery(referenceToken, entity.GetString("RequisitionId")!, entity.GetInt32("Version")!.Value,
                entity.GetString("ConversationId"), entity.GetString("InternetMessageId"))
            {
                SentAt = entity.GetDateTimeOffset("SentAt"),
            };
    }

    /// <summary>The latest shortlist version of a requisition, or null before its first.</summary>
    public async Task<int?> GetLatestVersionAsync(string requisitionId, CancellationToken cancellationToken) =>
        (await _table.GetAsync(requisitionId, HeadRow, cancellationToken))?.GetInt32("Version");

    /// <summary>Marks the requisition's shortlist as out of date: candidates changed at <paramref name="changedAt"/>.</summary>
    public Task MarkDirtyAsync(string requisitionId, DateTimeOffset changedAt, CancellationToken cancellationToken) =>
        _table.UpsertAsync(new TableEntity(requisitionId, DirtyRow) { ["ChangedAt"] = changedAt }, TableUpdateMode.Replace, cancellationToken);

    /// <summary>Marks the shortlists of every open requisition as out of date: the candidate pool changed.</summary>
    public async Task MarkOpenDirtyAsync(IEnumerable<Domain.Requisitions.Requisition> requisitions, DateTimeOffset changedAt, CancellationToken cancellationToken)
    {
        foreach (var requisition in requisitions.Where(r => r.IsOpen))
        {
            await MarkDirtyAsync(requisition.Id, changedAt, cancellationToken);
        }
    }

    /// <summary>When the candidates last changed, if the shortlist has not been rebuilt since; with the ETag to clear it by.</summary>
    public async Task<(DateTimeOffset ChangedAt, Azure.ETag ETag)?> GetDirtyAsync(string requisitionId, CancellationToken cancellationToken) =>
        await _table.GetAsync(requisitionId, DirtyRow, cancellationToken) is { } e ? (e.GetDateTimeOffset("ChangedAt")!.Value, e.ETag) : null;

    /// <summary>Clears the mark unless candidates changed again after it was read (then it stays, for the next build).</summary>
    public async Task ClearDirtyAsync(string requisitionId, Azure.ETag etag, CancellationToken cancellationToken)
    {
        try
        {
            await _table.DeleteAsync(requisitionId, DirtyRow, etag, cancellationToken);
        }
        catch (Azure.RequestFailedException e) when (e.IsPreconditionFailed())
        {
            // Marked again while building: the next sweep builds once more.
        }
    }

    private const string DirtyRow = "dirty";
    private const string DeliveryRow = "delivery";

    // Requisition ids are lower-case, so an upper-case "REF-" partition can never collide with one.
    private static string ReferencePartition(string referenceToken) => "REF-" + referenceToken.ToUpperInvariant();

    // Conversation ids and Message-IDs are long and may hold characters keys refuse: hashed (one index serves both).
    private static string ReplyIndexPartition(string conversationId) =>
        "CONV-" + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(conversationId)))[..32];

    private static string VersionRow(int version) => "v" + version.ToString("D6", CultureInfo.InvariantCulture);
}

public sealed record ShortlistDelivery(string ReferenceToken, string RequisitionId, int Version, string? ConversationId, string? InternetMessageId)
{
    public DateTimeOffset? SentAt { get; init; }
}
