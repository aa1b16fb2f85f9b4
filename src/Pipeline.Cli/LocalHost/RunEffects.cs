using Pipeline.Core;
using Pipeline.Core.Effects;
using Pipeline.Storage;

namespace Pipeline.Cli.LocalHost;

/// <summary>
/// Counts the side effects a run performed from the effect ledger (<see cref="EffectLedger"/>), not from the
/// invocations that succeeded: an email sent by an invocation that then failed on its Teams step, or that was cut off,
/// was still sent. Read through <see cref="ITableStore"/>, so it counts the same on SQLite and on Azure tables.
/// </summary>
public static class RunEffects
{
    /// <summary>Effects recorded as done at or after <paramref name="since"/>, by kind ("email", "teams", …).</summary>
    public static async Task<IReadOnlyDictionary<string, long>> CountAsync(ITableStore store, DateTimeOffset since, CancellationToken cancellationToken)
    {
        var query = new TableQuery
        {
            Filter = TableFilter.Equal("Status", "done") & TableFilter.GreaterThanOrEqual("DoneAt", since),
            Select = ["Kind"],
        };
        var counts = new Dictionary<string, long>(StringComparer.Ordinal);
        await foreach (var effect in store.GetTable(Tables.Effects).QueryAsync(query, cancellationToken))
        {
            if (effect.GetString("Kind") is { } kind)
            {
                counts[kind] = counts.GetValueOrDefault(kind) + 1;
            }
        }

        return counts;
    }
}
