using System.Globalization;
using Pipeline.Domain.Replies;
using Pipeline.Storage;

namespace Pipeline.Functions.Stores;

/// <summary>A recorded decision, with where it came from (a reply or a link), who made it and the words behind it.</summary>
public sealed record RecordedDecision(
    string RequisitionId, int Version, int Candidate, string CandidateId, Decision Decision, string Source, string By, DateTimeOffset At, string Evidence)
{
    /// <summary>The reply (its Internet message id) the decision was read from; null for a link.</summary>
    public string? MessageId { get; init; }
}

/// <summary>Decisions per requisition (partition), shortlist version and candidate: the latest one per candidate stands.</summary>
public sealed class DecisionStore(ITableStore store)
{
    private readonly ITable _table = store.GetTable(Tables.Decisions);

    public Task RecordAsync(RecordedDecision decision, CancellationToken cancellationToken) =>
        _table.UpsertAsync(
            new TableEntity(decision.RequisitionId, RowKey(decision.Version, decision.Candidate))
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
            },
            TableUpdateMode.Replace,
            cancellationToken);

    public async IAsyncEnumerable<RecordedDecision> ListAsync(string requisitionId, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var e in _table.QueryAsync(TableQuery.InPartition(requisitionId), cancellationToken))
        {
            yield return new RecordedDecision(
                requisitionId, (int)e.GetInt64("Version")!, (int)e.GetInt64("Candidate")!, e.GetString("CandidateId")!, Enum.Parse<Decision>(e.GetString("Decision")!),
                e.GetString("Source")!, e.GetString("By")!, e.GetDateTimeOffset("At")!.Value, e.GetString("Evidence")!)
            {
                MessageId = e.GetString("MessageId"),
            };
        }
    }

    private static string RowKey(int version, int candidate) =>
        string.Create(CultureInfo.InvariantCulture, $"v{version:D6}-c{candidate:D3}");
}
