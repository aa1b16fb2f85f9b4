using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Pipeline.Core.Configuration;
using Pipeline.Core.Effects;
using Pipeline.Core;
using Pipeline.Storage;
using Pipeline.Storage.AzureTables;
using Pipeline.Storage.Sqlite;
using Pipeline.Testing;
using Pipeline.Core.Tests.Support;

namespace Pipeline.Core.Tests.Effects;

/// <summary>The effect ledger's claims, on each store: held, stale, released and done intents, and racing attempts.</summary>
public abstract class EffectLedgerTests : IAsyncLifetime
{
    private const string Scope = "shortlist-mle-v1";
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 12, 2, 9, 0, 0, TimeSpan.Zero));
    private ITableStore _store = null!;
    private ITable _effects = null!;

    protected abstract Task<ITableStore> CreateStoreAsync();

    public async ValueTask InitializeAsync()
    {
        _store = await CreateStoreAsync();
        _effects = _store.GetTable(Tables.Effects);
        await _effects.CreateIfNotExistsAsync();
    }

    public virtual async ValueTask DisposeAsync()
    {
        if (_store is IAsyncDisposable disposable)
        {
            await disposable.DisposeAsync();
        }
    }

    private EffectLedger CreateSut(TimeSpan? wait = null, IEffectHolders? holders = null, TimeSpan? lease = null) =>
        new(_store, _clock, Options.Create(new PipelineOptions { EffectLease = lease ?? TimeSpan.FromMinutes(6) }), holders ?? new ProcessEffectHolders(), NullLogger<EffectLedger>.Instance)
        {
            InProgressWait = wait ?? TimeSpan.Zero,
            LeaseEndWait = TimeSpan.FromSeconds(5),
        };

    private Task IntentAsync(string key, DateTimeOffset at, int attempts = 1, string? holder = null) => _effects.AddAsync(new TableEntity(Scope, key)
    {
        ["Kind"] = "email", ["Status"] = "intent", ["Attempts"] = attempts, ["IntentAt"] = at, ["Holder"] = holder,
    });

    /// <summary>Holders as the local host knows them: <paramref name="self"/>, and which others have ended.</summary>
    private sealed class KnownHolders(string self, params string[] ended) : IEffectHolders
    {
        public string Self => self;

        public bool HasEnded(string holder) => ended.Contains(holder);
    }

    /// <summary>
    /// Moves the fake clock in small steps until <paramref name="work"/> ends, so the ledger's waits (and effects that
    /// take time on the same clock) fire in order without the test sleeping through them.
    /// </summary>
    private async Task<T> AdvanceUntilDoneAsync<T>(Task<T> work)
    {
        while (!work.IsCompleted)
        {
            _clock.Advance(TimeSpan.FromMilliseconds(50));
            await Task.WhenAny(work, Task.Delay(TimeSpan.FromMilliseconds(20)));
        }

        return await work;
    }

    /// <summary>
    /// Moves the fake clock five seconds at a time (at most 100 steps) until <paramref name="done"/>, doing
    /// <paramref name="midway"/> once after step <paramref name="atStep"/>: for effects that take minutes of clock time.
    /// </summary>
    private async Task AdvanceInStepsAsync(Func<bool> done, int atStep, Func<Task> midway)
    {
        for (var step = 0; step < 100 && !done(); step++)
        {
            await Task.Delay(20);
            _clock.Advance(TimeSpan.FromSeconds(5));
            if (step == atStep)
            {
                await midway();
            }
        }
    }

    /// <summary>An effect that counts its runs and the retry flags it was given; it takes <paramref name="takes"/> on <paramref name="time"/>.</summary>
    private sealed class Effect(TimeSpan? takes = null, TimeProvider? time = null)
    {
        private int _runs;

        public int Runs => _runs;

        public List<bool> Retries { get; } = [];

        public async Task RunAsync(bool retry, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _runs);
            lock (Retries)
            {
                Retries.Add(retry);
            }

            if (takes is { } delay)
            {
                await Task.Delay(delay, time ?? TimeProvider.System, cancellationToken);
            }
        }
    }

    [Fact]
    public async Task TryRun_FreshIntentHeldByAnotherAttempt_NeitherRunsNorReportsIt()
    {
        await IntentAsync("email-a", _clock.GetUtcNow() - TimeSpan.FromMinutes(1));
        var effect = new Effect();

        var outcome = await CreateSut().TryRunAsync(Scope, "email-a", "email", effect.RunAsync, default);
        var thrown = await Assert.ThrowsAsync<EffectInProgressException>(() => CreateSut().RunOnceAsync(Scope, "email-a", "email", effect.RunAsync, default));

        Assert.Equal(EffectOutcome.InProgress, outcome);
        Assert.Contains("in progress", thrown.Message, StringComparison.Ordinal);
        Assert.Equal(0, effect.Runs);
        var row = await _effects.GetAsync(Scope, "email-a");
        Assert.Equal(("intent", 1), (row!.GetString("Status"), row.GetInt32("Attempts")));
    }

    [Fact]
    public async Task TryRun_StaleIntent_IsTakenOverOnce_WithRetry()
    {
        await IntentAsync("email-b", _clock.GetUtcNow() - TimeSpan.FromMinutes(7));
        var effect = new Effect(TimeSpan.FromMilliseconds(200));

        var outcomes = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => Task.Run(() => CreateSut().TryRunAsync(Scope, "email-b", "email", effect.RunAsync, default))));

        Assert.Equal(1, outcomes.Count(o => o == EffectOutcome.Ran));
        Assert.Equal([true], effect.Retries);
        var row = await _effects.GetAsync(Scope, "email-b");
        Assert.Equal(("done", 2, "email"), (row!.GetString("Status"), row.GetInt32("Attempts"), row.GetString("Kind")));
        Assert.NotNull(row.GetDateTimeOffset("DoneAt"));
    }

    [Fact]
    public async Task TryRun_IntentWhoseLeaseEndsSoon_IsWaitedFor_AndTakenOverWithRetry()
    {
        // As after a crash: the message lock ends (and the message comes again) a little before the claim's lease.
        await IntentAsync("email-f", _clock.GetUtcNow() - TimeSpan.FromMinutes(6) + TimeSpan.FromSeconds(2));
        var effect = new Effect();

        var attempt = CreateSut().TryRunAsync(Scope, "email-f", "email", effect.RunAsync, default);

        // The ledger's waits run on the fake clock: while it stands still, the attempt waits instead of giving up.
        await Task.WhenAny(attempt, Task.Delay(TimeSpan.FromMilliseconds(300)));
        Assert.False(attempt.IsCompleted);

        Assert.Equal(EffectOutcome.Ran, await AdvanceUntilDoneAsync(attempt));
        Assert.Equal([true], effect.Retries);
    }

    [Fact]
    public async Task TryRun_FreshIntentOfAHolderKnownToHaveEnded_IsTakenOverAtOnce_WithRetry()
    {
        // A local run killed a moment ago: its claim is fresh, but the run that made it is gone.
        await IntentAsync("email-g", _clock.GetUtcNow() - TimeSpan.FromSeconds(1), holder: "killed-run");
        var effect = new Effect();

        var outcome = await CreateSut(holders: new KnownHolders("this-run", "killed-run")).TryRunAsync(Scope, "email-g", "email", effect.RunAsync, default);

        Assert.Equal(EffectOutcome.Ran, outcome);
        Assert.Equal([true], effect.Retries);
        var row = await _effects.GetAsync(Scope, "email-g");
        Assert.Equal(("done", 2, "this-run"), (row!.GetString("Status"), row.GetInt32("Attempts"), row.GetString("Holder")));
    }

    [Theory]
    [InlineData("live-run")] // another run that is still alive
    [InlineData("this-run")] // another invocation of this run, which asks about no run but others
    [InlineData(null)] // a claim written before claims named their holder
    public async Task TryRun_FreshIntentOfAHolderNotKnownToHaveEnded_IsLeftToIt(string? holder)
    {
        await IntentAsync("email-h", _clock.GetUtcNow() - TimeSpan.FromSeconds(1), holder: holder);
        var effect = new Effect();

        var outcome = await CreateSut(holders: new KnownHolders("this-run", "killed-run", "this-run")).TryRunAsync(Scope, "email-h", "email", effect.RunAsync, default);

        Assert.Equal(EffectOutcome.InProgress, outcome);
        Assert.Equal(0, effect.Runs);
    }

    [Fact]
    public async Task TryRun_AnEffectThatOutlastsTheLease_KeepsItsClaimByRenewingIt_AndRunsOnce()
    {
        // A send that takes three minutes (Graph throttling, retries) under a one-minute lease.
        var effect = new Effect(TimeSpan.FromMinutes(3), _clock);
        var first = CreateSut(lease: TimeSpan.FromMinutes(1)).TryRunAsync(Scope, "email-i", "email", effect.RunAsync, default);

        var second = default(Task<EffectOutcome>);
        await AdvanceInStepsAsync(() => first.IsCompleted && second is { IsCompleted: true }, atStep: 24, () =>
        {
            // Two minutes in, a redelivery of the same message comes.
            second = CreateSut(lease: TimeSpan.FromMinutes(1)).TryRunAsync(Scope, "email-i", "email", effect.RunAsync, default);
            return Task.CompletedTask;
        });

        Assert.True(first.IsCompleted && second!.IsCompleted);
        Assert.Equal(EffectOutcome.Ran, await first);
        Assert.Equal(EffectOutcome.InProgress, await second);
        Assert.Equal(1, effect.Runs);
        var row = await _effects.GetAsync(Scope, "email-i");
        Assert.Equal(("done", 1), (row!.GetString("Status"), row.GetInt32("Attempts")));
        Assert.NotNull(row.GetDateTimeOffset("RenewedAt"));
    }

    [Theory]
    [InlineData(true)] // the effect stops when told: the attempt answers "in progress elsewhere", to be redelivered
    [InlineData(false)] // the effect cannot stop (it was past its point of no return): it ends, and is not recorded
    public async Task TryRun_AStalledAttemptWhoseClaimWasTakenOver_IsStopped_AndNeverOverwritesTheNewClaim(bool stops)
    {
        var runs = 0;
        Task Effect(bool retry, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref runs);
            return Task.Delay(TimeSpan.FromMinutes(2), _clock, stops ? cancellationToken : CancellationToken.None);
        }

        var stalled = CreateSut(lease: TimeSpan.FromMinutes(1)).TryRunAsync(Scope, "email-k", "email", Effect, default);
        await AdvanceInStepsAsync(() => stalled.IsCompleted, atStep: 3, async () =>
        {
            // As if the process had stalled past its lease: another attempt took the claim over.
            var row = await _effects.GetAsync(Scope, "email-k");
            row!["Holder"] = "other-instance";
            row["Claim"] = "other-attempt";
            row["Attempts"] = 2;
            await _effects.UpdateAsync(row, row.ETag, TableUpdateMode.Replace);
        });

        if (stops)
        {
            await Assert.ThrowsAsync<EffectInProgressException>(() => stalled);
        }
        else
        {
            Assert.Equal(EffectOutcome.Ran, await stalled);
        }

        Assert.Equal(1, runs);
        var after = await _effects.GetAsync(Scope, "email-k");
        Assert.Equal(("intent", "other-instance", 2), (after!.GetString("Status"), after.GetString("Holder"), after.GetInt32("Attempts")));
        Assert.Null(after.GetDateTimeOffset("ReleasedAt"));
    }

    [Fact]
    public async Task TryRun_ARenewalOfItsOwnThatLandedUnseen_DoesNotLoseTheClaim_AndCompletionIsRecorded()
    {
        var effect = new Effect(TimeSpan.FromMinutes(2), _clock);
        var attempt = CreateSut(lease: TimeSpan.FromMinutes(1)).TryRunAsync(Scope, "email-l", "email", effect.RunAsync, default);
        await AdvanceInStepsAsync(() => attempt.IsCompleted, atStep: 5, async () =>
        {
            // A renewal reached the store but its answer was lost: the row moved on, and is still this claim.
            var row = await _effects.GetAsync(Scope, "email-l");
            row!["RenewedAt"] = _clock.GetUtcNow();
            await _effects.UpdateAsync(row, row.ETag, TableUpdateMode.Replace);
        });

        Assert.Equal(EffectOutcome.Ran, await attempt);
        var after = await _effects.GetAsync(Scope, "email-l");
        Assert.Equal(("done", 1), (after!.GetString("Status"), after.GetInt32("Attempts")));
    }

    [Fact]
    public async Task TryRun_InvocationStoppedAsTheEffectReturns_StillRecordsCompletion()
    {
        using var stop = new CancellationTokenSource();

        var outcome = await CreateSut().TryRunAsync(Scope, "email-m", "email", (_, _) => stop.CancelAsync(), stop.Token);

        Assert.Equal(EffectOutcome.Ran, outcome);
        Assert.Equal("done", (await _effects.GetAsync(Scope, "email-m"))!.GetString("Status"));
    }

    [Fact]
    public async Task TryRun_AStaleIntentWithoutAnAttemptCount_IsTakenOverWithRetry()
    {
        await _effects.AddAsync(new TableEntity(Scope, "email-n") { ["Kind"] = "email", ["Status"] = "intent", ["IntentAt"] = _clock.GetUtcNow() - TimeSpan.FromMinutes(7) });
        var effect = new Effect();

        Assert.Equal(EffectOutcome.Ran, await CreateSut().TryRunAsync(Scope, "email-n", "email", effect.RunAsync, default));
        Assert.Equal([true], effect.Retries);
        Assert.Equal(2, (await _effects.GetAsync(Scope, "email-n"))!.GetInt32("Attempts"));
    }

    [Fact]
    public async Task TryRun_WithTheDefaults_TheDeliveryRightAfterACrash_WaitsOutTheClaim_AndTakesItOver()
    {
        // The process died a second after claiming; the host redelivers at once (its lock was about to be renewed).
        // Failing now would spend the message's deliveries in seconds, and dead-letter it, while the claim is fresh.
        await IntentAsync("email-j", _clock.GetUtcNow() - TimeSpan.FromSeconds(1), holder: "crashed-instance");
        var effect = new Effect();
        var ledger = new EffectLedger(_store, _clock, Options.Create(new PipelineOptions()), new ProcessEffectHolders(), NullLogger<EffectLedger>.Instance);

        var attempt = ledger.TryRunAsync(Scope, "email-j", "email", effect.RunAsync, default);
        while (!attempt.IsCompleted)
        {
            _clock.Advance(TimeSpan.FromSeconds(1));
            await Task.WhenAny(attempt, Task.Delay(TimeSpan.FromMilliseconds(10)));
        }

        Assert.Equal(EffectOutcome.Ran, await attempt);
        Assert.Equal([true], effect.Retries);
    }

    [Fact]
    public async Task TryRun_Done_DoesNotRun()
    {
        await _effects.AddAsync(new TableEntity(Scope, "email-c") { ["Kind"] = "email", ["Status"] = "done", ["Attempts"] = 1, ["IntentAt"] = _clock.GetUtcNow(), ["DoneAt"] = _clock.GetUtcNow() });
        var effect = new Effect();

        var outcome = await CreateSut().TryRunAsync(Scope, "email-c", "email", effect.RunAsync, default);

        Assert.Equal(EffectOutcome.AlreadyDone, outcome);
        Assert.Equal(0, effect.Runs);
    }

    [Fact]
    public async Task TryRun_TenAttemptsAtOnce_RunItOnce_AndThoseThatWaitSeeItDone()
    {
        var effect = new Effect(TimeSpan.FromMilliseconds(300), _clock);

        var outcomes = await AdvanceUntilDoneAsync(Task.WhenAll(Enumerable.Range(0, 10).Select(_ => Task.Run(() => CreateSut(wait: TimeSpan.FromSeconds(5)).TryRunAsync(Scope, "email-d", "email", effect.RunAsync, default)))));

        Assert.Equal(1, effect.Runs);
        Assert.Equal([false], effect.Retries);
        Assert.Equal(1, outcomes.Count(o => o == EffectOutcome.Ran));
        Assert.Equal(9, outcomes.Count(o => o == EffectOutcome.AlreadyDone));
        var row = await _effects.GetAsync(Scope, "email-d");
        Assert.Equal(("done", 1), (row!.GetString("Status"), row.GetInt32("Attempts")));
    }

    [Fact]
    public async Task TryRun_AfterTheEffectFailed_TheNextAttemptRunsAtOnce_WithRetry()
    {
        var sut = CreateSut();
        await Assert.ThrowsAsync<HttpRequestException>(() => sut.TryRunAsync(Scope, "email-e", "email", (_, _) => throw new HttpRequestException("503"), default));
        var effect = new Effect();

        var outcome = await sut.TryRunAsync(Scope, "email-e", "email", effect.RunAsync, default);

        Assert.Equal(EffectOutcome.Ran, outcome);
        Assert.Equal([true], effect.Retries);
        Assert.Equal(2, (await _effects.GetAsync(Scope, "email-e"))!.GetInt32("Attempts"));
    }
}

public sealed class SqliteEffectLedgerTests : EffectLedgerTests
{
    private readonly string _path = Path.Combine(Path.GetTempPath(), "pipeline-tests", Guid.NewGuid().ToString("N") + ".db");

    protected override Task<ITableStore> CreateStoreAsync()
    {
        Directory.CreateDirectory(Path.GetDirectoryName(_path)!);
        return Task.FromResult<ITableStore>(new SqliteTableStore(_path, TimeProvider.System));
    }

    [Theory]
    [InlineData("00:00:10")] // renewed every 3 seconds
    [InlineData("00:06:00")] // the old default: a crashed attempt's claim outlasted what a redelivery waits
    public void Start_EffectLeaseOutsideHalfAMinuteToNinetySeconds_IsRefusedNamingTheSetting(string lease)
    {
        var settings = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Pipeline:ConfigDirectory"] = Path.GetDirectoryName(_path), ["Pipeline:DataDirectory"] = Path.GetDirectoryName(_path), ["Pipeline:EffectLease"] = lease,
        }).Build();
        using var services = new ServiceCollection().AddLogging().AddPipelineCore(settings).BuildServiceProvider();

        var e = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IStartupValidator>().Validate());

        Assert.Contains($"Pipeline:EffectLease is {lease}; use a duration from 00:00:30 to 00:01:30", e.Message, StringComparison.Ordinal);
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        foreach (var file in Directory.GetFiles(Path.GetDirectoryName(_path)!, Path.GetFileName(_path) + "*"))
        {
            File.Delete(file);
        }
    }
}

[Trait("Category", "Azurite")]
[Collection(AzuriteCollection.Name)]
public sealed class AzuriteEffectLedgerTests(AzuriteFixture azurite) : EffectLedgerTests
{
    protected override Task<ITableStore> CreateStoreAsync() =>
        Task.FromResult<ITableStore>(new PrefixedTableStore(new AzureTableStore(azurite.Require()), "ledger" + Guid.NewGuid().ToString("N")[..10]));
}
