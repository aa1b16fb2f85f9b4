using Pipeline.Domain.Candidates;
using Pipeline.Storage;

namespace Pipeline.Core.Privacy;

/// <summary>
/// Emails of people who asked to be erased, kept only as their identity-key hashes, so that feeds do not bring them
/// back: ScreenCandidates drops their records.
/// </summary>
public sealed class SuppressionStore(ITableStore store, TimeProvider time)
{
    private readonly ITable _table = store.GetTable(Tables.Suppressions);

    public async Task AddAsync(IEnumerable<string> normalizedEmails, CancellationToken cancellationToken)
    {
        foreach (var email in normalizedEmails)
        {
            await _table.UpsertAsync(new TableEntity(IdentityKeys.Email(email).Key, string.Empty) { ["SuppressedAt"] = time.GetUtcNow() }, TableUpdateMode.Replace, cancellationToken);
        }
    }

    /// <summary>Which of these emails are suppressed (one query for a page of candidates).</summary>
    public async Task<IReadOnlySet<string>> FindAsync(IReadOnlyCollection<string> normalizedEmails, CancellationToken cancellationToken)
    {
        var byKey = normalizedEmails.Distinct(StringComparer.Ordinal).ToDictionary(e => IdentityKeys.Email(e).Key, StringComparer.Ordinal);
        var found = new HashSet<string>(StringComparer.Ordinal);
        if (byKey.Count == 0)
        {
            return found;
        }

        await foreach (var entity in _table.QueryPartitionsAsync(byKey.Keys, cancellationToken))
        {
            found.Add(byKey[entity.PartitionKey]);
        }

        return found;
    }
}
