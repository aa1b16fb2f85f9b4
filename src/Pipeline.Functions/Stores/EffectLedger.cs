using Pipeline.Storage;

namespace Pipeline.Functions.Stores;

/// <summary>
/// Makes external side effects (an email, a Teams notification) happen once per key even when a message is
/// delivered twice or the process dies halfway: the intent is recorded before the effect and completion after it.
/// An intent without completion means an earlier attempt may or may not have sent; the effect's channel must then
/// make the resend harmless (the outbox overwrites the same file; Graph is checked against Sent Items).
/// </summary>
public sealed class EffectLedger(ITableStore store, TimeProvider time)
{
    private readonly ITable _table = store.GetTable(Tables.Effects);

    /// <summary>Runs <paramref name="effect"/> unless the effect is already recorded as done. Returns whether it ran.</summary>
    public async Task<bool> RunOnceAsync(string scope, string key, string kind, Func<bool, CancellationToken, Task> effect, CancellationToken cancellationToken)
    {
        var record = await _table.GetAsync(scope, key, cancellationToken);
        if (record?.GetString("Status") == "done")
        {
            return false;
        }

        var attempts = (record?.GetInt32("Attempts") ?? 0) + 1;
        var intent = new TableEntity(scope, key)
        {
            ["Kind"] = kind,
            ["Status"] = "intent",
            ["Attempts"] = attempts,
            ["IntentAt"] = time.GetUtcNow(),
        };
        await _table.UpsertAsync(intent, TableUpdateMode.Replace, cancellationToken);

        // A second attempt tells the channel to check whether the first one got through.
        await effect(attempts > 1, cancellationToken);

        intent["Status"] = "done";
        intent["DoneAt"] = time.GetUtcNow();
        await _table.UpsertAsync(intent, TableUpdateMode.Replace, cancellationToken);
        return true;
    }

    public async Task<bool> IsDoneAsync(string scope, string key, CancellationToken cancellationToken) =>
        (await _table.GetAsync(scope, key, cancellationToken))?.GetString("Status") == "done";
}
