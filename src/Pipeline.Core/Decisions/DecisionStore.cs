using System.Globalization;
using Azure;
using Pipeline.Domain.Replies;
using Pipeline.Storage;

namespace Pipeline.Core.Decisions;

/// <summary>A recorded decision, with where it came from (a reply or a link), who made it and the words behind it.</summary>
public sealed record RecordedDecision(
    string RequisitionId, int Version, int Candidate, string CandidateId, Decision Decision, string Source, string By, DateTimeOffset At, string Evidence)
{
    /// <summary>The reply (its Internet message id) the decision was read from; null for a link.</summary>
    public string? MessageId { get; init; }

    /// <summary>The nonce of the decision link that recorded it; null for a reply.</summary>
    public string? LinkNonce { get; init; }
}

/// <summary>A decision link found a decision already standing for its candidate and shortlist version.</summary>
public sealed class DecisionStandsException(RecordedDecision standing)
    : Exception("A decision already stands for this candidate and shortlist version.")
{
    public RecordedDecision Standing { get; } = standing;
}

/// <summary>
/// Decisions per requisition (partition), shortlist version and candidate: one row each. A reply's decision replaces
/// whatever stood (a reply is how a manager changes a decision); a link's is written only where none stands, so links
/// make one decision per candidate and version and never overwrite a reply's.
/// </summary>
public sealed class DecisionStore(ITableStore store)
{
    private readonly ITable _table = store.GetTable(Tables.Decisions);

    public Task RecordAsync(RecordedDecision decision, CancellationToken cancellationToken) =>
        _table.UpsertAsync(ToEntity(decision), TableUpdateMode.Replace, cancellationToken);

    /// <summary>
    /// Records a link's decision if none stands for its candidate and version (a conditional insert). When one does,
    /// throws <see cref="DecisionStandsException"/>, unless it is this very link's (<paramref name="retry"/>: an
    /// earlier attempt got it through before it could say so).
    /// </summary>
    public async Task RecordFromLinkAsync(RecordedDecision decision, bool retry, CancellationToken cancellationToken)
    {
        try
        {
            await _table.AddAsync(ToEntity(decision), cancellationToken);
        }
        catch (RequestFailedException e) when (e.IsConflict())
        {
            var standing = await GetAsync(decision.RequisitionId, decision.Version, decision.Candidate, cancellationToken);
            if (standing is null || !(retry && standing.Source == "link" && standing.LinkNonce == decision.LinkNonce))
            {
                throw new DecisionStandsException(standing ?? decision);
            }
        }
    }

    /// <summary>The decision that stands for one candidate of one shortlist version, if any.</summary>
    public async Task<RecordedDecision?> GetAsync(string requisitionId, int version, int candidate, CancellationToken cancellationToken) =>
        await _table.GetAsync(requisitionId, RowKey(version, candidate), cancellationToken) is { } e ? FromEntity(requisitionId, e) : null;

    public async IAsyncEnumerable<RecordedDecision> ListAsync(string requisitionId, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var e in _table.QueryAsync(TableQuery.InPartition(requisitionId), cancellationToken))
        {
            yield return FromEntity(requisitionId, e);
        }
    }

    private static TableEntity ToEntity(RecordedDecision decision) =>
        new(decision.RequisitionId, RowKey(decision.Version, decision.Candidate))
        {
            ["Version"] = decision.Version,
            ["Candidate"] = decision.Candidate,
            ["CandidateId"] = decision.CandidateId,
            ["Decision"] = decision.Decision.ToString(),
            ["Source"] = decision.Source,
            ["By"] = decision.By,
            ["At"] = decision.At,
            ["Evidence"] = decision.Evidence,
            ["MessageId"] = decision.MessageId,
            ["LinkNonce"] = decision.LinkNonce,
        };

    private static RecordedDecision FromEntity(string requisitionId, TableEntity e) =>
        new(requisitionId, (int)e.GetInt64("Version")!, (int)e.GetInt64("Candidate")!, e.GetString("CandidateId")!, Enum.Parse<Decision>(e.GetString("Decision")!),
            e.GetString("Source")!, e.GetString("By")!, e.GetDateTimeOffset("At")!.Value, e.GetString("Evidence")!)
        {
            MessageId = e.GetString("MessageId"),
            LinkNonce = e.GetString("LinkNonce"),
        };

    private static string RowKey(int version, int candidate) =>
        string.Create(CultureInfo.InvariantCulture, $"v{version:D6}-c{candidate:D3}");
}
