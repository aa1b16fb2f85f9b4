using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Pipeline.Domain;
using Pipeline.Domain.Certifications;
using Pipeline.Storage;

namespace Pipeline.Core.Certifications;

/// <summary>
/// One credential's check: the result that stands (<see cref="Result"/>: the last definite one, or the last attempt
/// when there never was a definite one), the last attempt, and when it is due to be checked again.
/// </summary>
public sealed record StoredCheck(
    string Url,
    string ClaimName,
    VerificationResult Result,
    DateTimeOffset LastAttemptAt,
    VerificationOutcome LastOutcome,
    DateTimeOffset DueAt,
    string EmailsHash);

/// <summary>
/// Credential checks, one partition per person (the candidate id), one row per credential URL (a hash of it), so a
/// person's checks are read together and the timer can find those that are due.
/// </summary>
public sealed class VerificationStore(ITableStore store)
{
    private readonly ITable _table = store.GetTable(Tables.Verifications);

    public async Task<IReadOnlyList<StoredCheck>> GetAsync(string candidateId, CancellationToken cancellationToken)
    {
        var checks = new List<StoredCheck>();
        await foreach (var entity in _table.QueryAsync(TableQuery.InPartition(candidateId), cancellationToken))
        {
            checks.Add(Read(entity));
        }

        return checks;
    }

    /// <summary>The checks of several people at once, by candidate id and then credential URL (people without checks are left out).</summary>
    public async Task<Dictionary<string, Dictionary<string, StoredCheck>>> GetManyAsync(IReadOnlyCollection<string> candidateIds, CancellationToken cancellationToken)
    {
        var many = new Dictionary<string, Dictionary<string, StoredCheck>>(StringComparer.Ordinal);
        if (candidateIds.Count == 0)
        {
            return many;
        }

        await foreach (var entity in _table.QueryPartitionsAsync(candidateIds, cancellationToken))
        {
            if (!many.TryGetValue(entity.PartitionKey, out var byUrl))
            {
                many[entity.PartitionKey] = byUrl = new Dictionary<string, StoredCheck>(StringComparer.Ordinal);
            }

            var check = Read(entity);
            byUrl[check.Url] = check;
        }

        return many;
    }

    /// <summary>Every person's checks, by candidate id and then credential URL: what scoring a whole pool needs.</summary>
    public async Task<Dictionary<string, Dictionary<string, StoredCheck>>> GetAllAsync(CancellationToken cancellationToken)
    {
        var all = new Dictionary<string, Dictionary<string, StoredCheck>>(StringComparer.Ordinal);
        await foreach (var entity in _table.QueryAsync(cancellationToken: cancellationToken))
        {
            if (!all.TryGetValue(entity.PartitionKey, out var byUrl))
            {
                all[entity.PartitionKey] = byUrl = new Dictionary<string, StoredCheck>(StringComparer.Ordinal);
            }

            var check = Read(entity);
            byUrl[check.Url] = check;
        }

        return all;
    }

    /// <summary>The standing results of one person's checks, by credential URL, as scoring takes them.</summary>
    public static IReadOnlyDictionary<string, VerificationResult> Results(IReadOnlyDictionary<string, StoredCheck>? checks) =>
        checks?.ToDictionary(c => c.Key, c => c.Value.Result, StringComparer.Ordinal) ?? new Dictionary<string, VerificationResult>();

    /// <summary>The people with at least one check due by <paramref name="now"/>, each once, in key order.</summary>
    public async IAsyncEnumerable<string> DueAsync(DateTimeOffset now, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        string? last = null;
        var query = new TableQuery { Filter = TableFilter.LessThanOrEqual("DueAt", now), Select = ["DueAt"] };
        await foreach (var entity in _table.QueryAsync(query, cancellationToken))
        {
            if (entity.PartitionKey != last)
            {
                last = entity.PartitionKey;
                yield return last;
            }
        }
    }

    public Task SaveAsync(string candidateId, StoredCheck check, CancellationToken cancellationToken) =>
        _table.UpsertAsync(new TableEntity(candidateId, RowKey(check.Url))
        {
            ["Url"] = check.Url,
            ["ClaimName"] = check.ClaimName,
            ["Result"] = JsonSerializer.Serialize(check.Result, DomainJson.Options),
            ["LastAttemptAt"] = check.LastAttemptAt,
            ["LastOutcome"] = check.LastOutcome.ToString(),
            ["DueAt"] = check.DueAt,
            ["EmailsHash"] = check.EmailsHash,
        }, TableUpdateMode.Replace, cancellationToken);

    public Task DeleteAsync(string candidateId, string url, CancellationToken cancellationToken) =>
        _table.DeleteAsync(candidateId, RowKey(url), Azure.ETag.All, cancellationToken);

    /// <summary>Row keys are a hash: URLs hold characters row keys may not (<c>/</c>, <c>?</c>, <c>#</c>).</summary>
    private static string RowKey(string url) => "u" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(url)))[..40];

    private static StoredCheck Read(TableEntity entity) => new(
        entity.GetString("Url")!,
        entity.GetString("ClaimName") ?? "",
        JsonSerializer.Deserialize<VerificationResult>(entity.GetString("Result")!, DomainJson.Options)!,
        entity.GetDateTimeOffset("LastAttemptAt") ?? DateTimeOffset.MinValue,
        Enum.TryParse<VerificationOutcome>(entity.GetString("LastOutcome"), out var outcome) ? outcome : VerificationOutcome.Unreachable,
        entity.GetDateTimeOffset("DueAt") ?? DateTimeOffset.MinValue,
        entity.GetString("EmailsHash") ?? "");
}
