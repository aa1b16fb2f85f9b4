using Azure;
using Microsoft.Extensions.Options;
using Pipeline.Core.Configuration;
using Pipeline.Storage;

namespace Pipeline.Core.Effects;

/// <summary>What <see cref="EffectLedger.TryRunAsync"/> did.</summary>
public enum EffectOutcome
{
    /// <summary>This attempt claimed the effect and ran it.</summary>
    Ran,

    /// <summary>The effect was already done; nothing ran.</summary>
    AlreadyDone,

    /// <summary>Another attempt holds a fresh claim and has not finished; nothing ran. Try again later.</summary>
    InProgress,
}

/// <summary>
/// Another invocation is sending the same effect right now. Thrown so the message is redelivered later, when that
/// invocation has finished (or its claim has gone stale); the host answers 503.
/// </summary>
public sealed class EffectInProgressException(string scope, string key)
    : RetryLaterException($"Effect {key} of {scope} is in progress in another invocation; retry later.")
{
    public string Scope { get; } = scope;

    public string Key { get; } = key;
}

/// <summary>
/// Makes external side effects (an email, a Teams notification, a decision) happen once per key even when a message
/// is delivered several times at once or the process dies halfway. An attempt claims the effect by writing its intent
/// with a conditional insert, so of concurrent attempts exactly one runs it; completion is written after it. While the
/// effect runs, its attempt renews the claim (<c>RenewedAt</c>) every third of <see cref="PipelineOptions.EffectLease"/>,
/// so a slow effect keeps it however long it takes, and a crashed attempt's claim goes stale within one lease. An
/// intent that a failed attempt released, or that was not renewed for a lease (its attempt crashed), is taken over
/// with an ETag condition, again by one attempt only, which runs the effect with <c>retry</c> set: the channel then
/// makes the resend harmless (the outbox overwrites the same file; Graph is checked against Sent Items). A delivery
/// that finds a claim held waits for it to end (up to <see cref="LeaseEndWait"/>), so the delivery after a crash takes
/// it over instead of failing. A claim whose holder is known to have ended (<see cref="IEffectHolders"/>) is taken
/// over without waiting. Rows keep <c>Kind</c>, <c>Status</c> ("intent", "done"), <c>Holder</c>, <c>IntentAt</c>,
/// <c>RenewedAt</c>, <c>DoneAt</c> and <c>Attempts</c>, which the run summary reads.
/// </summary>
public sealed class EffectLedger(ITableStore store, TimeProvider time, IOptions<PipelineOptions> options, IEffectHolders holders, ILogger<EffectLedger> logger)
{
    private readonly ITable _table = store.GetTable(Tables.Effects);

    /// <summary>How long an attempt that finds a fresh claim waits for it to finish before giving up for now.</summary>
    public TimeSpan InProgressWait { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How long an attempt waits for a claim whose lease ends within this time, to take it over then. A crashed
    /// attempt's claim ends within one lease (at most <see cref="PipelineOptions.MaxEffectLease"/>); failing the
    /// redelivery instead would spend its deliveries (and dead-letter it) before the claim could be taken over.
    /// </summary>
    public TimeSpan LeaseEndWait { get; init; } = PipelineOptions.MaxEffectLease + TimeSpan.FromSeconds(30); // slack for clocks and polling

    /// <summary>
    /// Runs <paramref name="effect"/> unless it is done. Returns whether it ran here; throws
    /// <see cref="EffectInProgressException"/> while another attempt has it in hand, so a queue message is redelivered.
    /// </summary>
    public async Task<bool> RunOnceAsync(string scope, string key, string kind, Func<bool, CancellationToken, Task> effect, CancellationToken cancellationToken) =>
        await TryRunAsync(scope, key, kind, effect, cancellationToken) switch
        {
            EffectOutcome.Ran => true,
            EffectOutcome.AlreadyDone => false,
            _ => throw new EffectInProgressException(scope, key),
        };

    /// <summary>Runs <paramref name="effect"/> if this attempt wins its claim; see <see cref="EffectOutcome"/>.</summary>
    public async Task<EffectOutcome> TryRunAsync(string scope, string key, string kind, Func<bool, CancellationToken, Task> effect, CancellationToken cancellationToken)
    {
        // This attempt's mark on the claim it writes: a write of its own that landed although its answer was lost (and
        // the client's retry then failed its condition) is recognised as its own, not as another attempt's claim.
        var mark = Guid.NewGuid().ToString("N");
        var waited = TimeSpan.Zero;
        var delay = TimeSpan.FromMilliseconds(50);
        while (true)
        {
            var claim = await ClaimAsync(scope, key, kind, mark, cancellationToken);
            var patience = claim.LeaseLeft <= LeaseEndWait ? TimeSpan.FromTicks(Math.Max(InProgressWait.Ticks, LeaseEndWait.Ticks)) : InProgressWait;
            if (claim.Outcome != EffectOutcome.InProgress || waited >= patience)
            {
                if (claim.Outcome != EffectOutcome.Ran)
                {
                    return claim.Outcome;
                }

                await RunClaimedAsync(claim.Intent!, claim.ETag, effect, cancellationToken);
                return EffectOutcome.Ran;
            }

            // Most effects take a second or less: a short wait usually sees it done, saving a redelivery.
            await Task.Delay(delay, time, cancellationToken);
            waited += delay;
            delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, TimeSpan.FromSeconds(1).Ticks));
        }
    }

    public async Task<bool> IsDoneAsync(string scope, string key, CancellationToken cancellationToken) =>
        (await _table.GetAsync(scope, key, cancellationToken))?.GetString("Status") == "done";

    private async Task<(EffectOutcome Outcome, TableEntity? Intent, ETag ETag, TimeSpan LeaseLeft)> ClaimAsync(string scope, string key, string kind, string mark, CancellationToken cancellationToken)
    {
        // A lost race re-reads: the winner's row then answers. Three rounds cover insert-then-takeover races.
        for (var round = 0; round < 3; round++)
        {
            var record = await _table.GetAsync(scope, key, cancellationToken);
            if (record?.GetString("Status") == "done")
            {
                return (EffectOutcome.AlreadyDone, null, default, TimeSpan.MaxValue);
            }

            if (record is not null && IsOwn(record, mark))
            {
                return (EffectOutcome.Ran, record, record.ETag, TimeSpan.MaxValue);
            }

            var now = time.GetUtcNow();
            if (record is not null && record.GetDateTimeOffset("ReleasedAt") is null &&
                (record.GetDateTimeOffset("RenewedAt") ?? record.GetDateTimeOffset("IntentAt")) is { } heldAt &&
                now - heldAt < options.Value.EffectLease && !HolderEnded(record))
            {
                return (EffectOutcome.InProgress, null, default, options.Value.EffectLease - (now - heldAt));
            }

            var intent = new TableEntity(scope, key)
            {
                ["Kind"] = kind,
                ["Status"] = "intent",
                ["Holder"] = holders.Self,
                ["Claim"] = mark,
                // A row without a count (written by hand, or before counts) is an earlier attempt all the same.
                ["Attempts"] = record is null ? 1 : (record.GetInt32("Attempts") ?? 1) + 1,
                ["IntentAt"] = now,
            };
            try
            {
                var etag = record is null
                    ? await _table.AddAsync(intent, cancellationToken)
                    : await _table.UpdateAsync(intent, record.ETag, TableUpdateMode.Replace, cancellationToken);
                if (record is not null)
                {
                    logger.LogInformation("Effect {Scope}/{Key} taken over from an earlier attempt (attempt {Attempt})", scope, key, intent["Attempts"]);
                }

                return (EffectOutcome.Ran, intent, etag, TimeSpan.MaxValue);
            }
            catch (RequestFailedException e) when (e.IsConflict() || e.IsPreconditionFailed() || e.IsNotFound())
            {
                // Another attempt claimed it between the read and the write.
            }
        }

        return (EffectOutcome.InProgress, null, default, options.Value.EffectLease);
    }

    /// <summary>Whether <paramref name="record"/> is the intent this attempt wrote (and has not released).</summary>
    private static bool IsOwn(TableEntity record, string mark) =>
        record.GetString("Status") == "intent" && record.GetString("Claim") == mark && record.GetDateTimeOffset("ReleasedAt") is null;

    /// <summary>
    /// After a write of the claim failed its ETag condition: whether the row is still this attempt's own (a write of
    /// its own landed unseen), in which case the claim takes the row's ETag and goes on.
    /// </summary>
    private async Task<bool> StillOwnAsync(HeldClaim claim)
    {
        var row = await _table.GetAsync(claim.Intent.PartitionKey, claim.Intent.RowKey, CancellationToken.None);
        if (row is null || !IsOwn(row, claim.Intent.GetString("Claim")!))
        {
            return false;
        }

        claim.ETag = row.ETag;
        return true;
    }

    /// <summary>Whether the claim's holder is another process known to have ended (a killed local run).</summary>
    private bool HolderEnded(TableEntity record) =>
        record.GetString("Holder") is { Length: > 0 } holder && holder != holders.Self && holders.HasEnded(holder);

    private async Task RunClaimedAsync(TableEntity intent, ETag etag, Func<bool, CancellationToken, Task> effect, CancellationToken cancellationToken)
    {
        // Losing the claim (a renewal finds another attempt took it over) stops the effect: that attempt runs it now.
        using var lost = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var claim = new HeldClaim(intent, etag, lost);
        using var stopRenewing = new CancellationTokenSource();
        var renewing = RenewAsync(claim, stopRenewing.Token);
        try
        {
            // A second attempt tells the channel to check whether an earlier one got through.
            await effect(intent.GetInt32("Attempts") > 1, lost.Token);
        }
        catch (OperationCanceledException) when (claim.Lost && !cancellationToken.IsCancellationRequested)
        {
            await StopAsync(stopRenewing, renewing);
            logger.LogWarning("Effect {Scope}/{Key} was stopped: its claim was taken over by another attempt, which runs it", intent.PartitionKey, intent.RowKey);
            throw new EffectInProgressException(intent.PartitionKey, intent.RowKey);
        }
        catch
        {
            await StopAsync(stopRenewing, renewing);
            // Released, so the redelivery can take it over at once (with retry) instead of waiting out the lease.
            await ReleaseAsync(claim);
            throw;
        }

        await StopAsync(stopRenewing, renewing);
        intent["Status"] = "done";
        intent["DoneAt"] = time.GetUtcNow();
        // Not the invocation's token: the effect has happened, and stopping now must not leave it unrecorded. A claim a
        // renewal found taken over fails the condition too: its ETag is the one the takeover replaced.
        if (!claim.Lost && (await TryWriteOwnAsync(claim) || await StillOwnAsync(claim) && await TryWriteOwnAsync(claim)))
        {
            return;
        }

        // This attempt outlived its lease (a stalled process) and another took the claim over; that one records completion.
        logger.LogWarning("Effect {Scope}/{Key} ran after its claim was taken over; the other attempt was told to check", intent.PartitionKey, intent.RowKey);
    }

    /// <summary>Writes the claim's row as it stands under the claim's ETag; false when the condition fails.</summary>
    private async Task<bool> TryWriteOwnAsync(HeldClaim claim)
    {
        try
        {
            claim.ETag = await _table.UpdateAsync(claim.Intent, claim.ETag, TableUpdateMode.Replace, CancellationToken.None);
            return true;
        }
        catch (RequestFailedException e) when (e.IsPreconditionFailed() || e.IsNotFound())
        {
            return false;
        }
    }

    /// <summary>The claim an attempt holds while its effect runs: the row as last written and its ETag, which renewals move on.</summary>
    private sealed class HeldClaim(TableEntity intent, ETag etag, CancellationTokenSource onLoss)
    {
        public TableEntity Intent { get; } = intent;

        public ETag ETag { get; set; } = etag;

        /// <summary>A renewal found the claim taken over by another attempt, so there is nothing to release.</summary>
        public bool Lost { get; private set; }

        /// <summary>Marks the claim lost and stops the effect it guards.</summary>
        public Task LoseAsync()
        {
            Lost = true;
            return onLoss.CancelAsync();
        }
    }

    /// <summary>
    /// Renews the claim every third of the lease until <paramref name="stop"/>. A renewal in flight is finished, not
    /// cut off, so the ETag the attempt writes completion with is always the row's own.
    /// </summary>
    private async Task RenewAsync(HeldClaim claim, CancellationToken stop)
    {
        var every = options.Value.EffectLease / 3;
        while (true)
        {
            try
            {
                await Task.Delay(every, time, stop);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            claim.Intent["RenewedAt"] = time.GetUtcNow();
            bool kept;
            try
            {
                // Not the invocation's token: a renewal cut off in flight may still land, leaving this attempt an ETag
                // that is no longer the row's. A stopped invocation stops renewing at the next round. A failed
                // condition is a takeover, unless the row is still this claim's (its own renewal landed unseen).
                kept = await TryWriteOwnAsync(claim) || await StillOwnAsync(claim);
            }
            catch (Exception e)
            {
                // Renewing is best effort: whatever fails it (the service, the embedded store being busy) must not fail
                // the effect. The next round tries again; a lease has three renewals in it.
                logger.LogWarning("Effect {Scope}/{Key}: its claim could not be renewed ({Error}); trying again", claim.Intent.PartitionKey, claim.Intent.RowKey, e.GetType().Name);
                continue;
            }

            if (!kept)
            {
                await claim.LoseAsync();
                return;
            }
        }
    }

    private static async Task StopAsync(CancellationTokenSource stopRenewing, Task renewing)
    {
        await stopRenewing.CancelAsync();
        await renewing;
    }

    private async Task ReleaseAsync(HeldClaim claim)
    {
        if (claim.Lost)
        {
            return; // another attempt holds it now
        }

        var intent = claim.Intent;
        intent["ReleasedAt"] = time.GetUtcNow();
        try
        {
            // Not the invocation's token: a cancelled attempt must still let go of its claim.
            await _table.UpdateAsync(intent, claim.ETag, TableUpdateMode.Replace, CancellationToken.None);
        }
        catch (Exception e)
        {
            // The lease still frees it later; the effect's own failure is what the caller sees, not this one.
            logger.LogWarning("Effect {Scope}/{Key} could not be released ({Error}); it is taken over when its lease ends", intent.PartitionKey, intent.RowKey, e.GetType().Name);
        }
    }
}
