using Microsoft.Extensions.Time.Testing;
using Pipeline.Cli.LocalHost;

namespace Pipeline.Cli.Tests.LocalHost;

public sealed class LocalQueueStoreTests : IDisposable
{
    private readonly string _path = Path.Combine(Path.GetTempPath(), "pipeline-tests", Guid.NewGuid().ToString("N"), "queues.db");
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 22, 12, 0, 0, TimeSpan.Zero));

    private LocalQueueStore CreateSut() => new(_path, _time);

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(Path.GetDirectoryName(_path)!, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    [Fact]
    public async Task Receive_TakesQueuesInTheGivenOrder_AndMessagesOldestFirst()
    {
        var sut = CreateSut();
        await sut.EnqueueAsync("later", ["l1"], default);
        await sut.EnqueueAsync("first", ["f1", "f2"], default);

        var order = new List<string>();
        while (await sut.ReceiveAsync(["first", "later"], TimeSpan.FromMinutes(1), default) is { } m)
        {
            order.Add(m.Body);
            await sut.CompleteAsync(m, [], default);
        }

        Assert.Equal(["f1", "f2", "l1"], order);
    }

    [Fact]
    public async Task Abandon_RedeliversWithAHigherCount_ThenDeadLettersAtTheMax()
    {
        var sut = CreateSut();
        await sut.EnqueueAsync("q", ["poison"], default);

        var counts = new List<int>();
        var deadLettered = false;
        while (!deadLettered && await sut.ReceiveAsync(["q"], TimeSpan.FromMinutes(1), default) is { } m)
        {
            counts.Add(m.DeliveryCount);
            deadLettered = await sut.AbandonAsync(m, "boom", maxDeliveryCount: 3, default);
        }

        Assert.Equal([1, 2, 3], counts);
        Assert.True(deadLettered);
        Assert.Null(await sut.ReceiveAsync(["q"], TimeSpan.FromMinutes(1), default));
        var letter = Assert.Single(await sut.DeadLettersAsync(default));
        Assert.Equal(("q", "poison", 3, "MaxDeliveryCountExceeded", "boom"), (letter.Queue, letter.Body, letter.DeliveryCount, letter.Reason, letter.Description));
        Assert.Equal(new QueueCounts("q", 0, 1), Assert.Single(await sut.CountsAsync(default)));
    }

    [Fact]
    public async Task ReplayDeadLetters_PutsThemBackWithAFreshCount_OnlyForTheQueueAsked()
    {
        var sut = CreateSut();
        await sut.EnqueueAsync("a", ["poison-a"], default);
        await sut.EnqueueAsync("b", ["poison-b"], default);
        foreach (var queue in new[] { "a", "b" })
        {
            var m = await sut.ReceiveAsync([queue], TimeSpan.FromMinutes(1), default);
            Assert.True(await sut.AbandonAsync(m!, "boom", maxDeliveryCount: 1, default));
        }

        Assert.Equal(1, await sut.ReplayDeadLettersAsync("a", default));

        var again = await sut.ReceiveAsync(["a", "b"], TimeSpan.FromMinutes(1), default);
        Assert.Equal(("a", "poison-a", 1), (again!.Queue, again.Body, again.DeliveryCount));
        Assert.Equal("b", Assert.Single(await sut.DeadLettersAsync(default)).Queue);
        Assert.Equal(1, await sut.ReplayDeadLettersAsync(null, default));
        Assert.Empty(await sut.DeadLettersAsync(default));
    }

    [Fact]
    public async Task LockExpiry_AfterACrash_RedeliversTheMessage()
    {
        var sut = CreateSut();
        await sut.EnqueueAsync("q", ["work"], default);

        var first = await sut.ReceiveAsync(["q"], TimeSpan.FromMinutes(5), default);
        Assert.NotNull(first);
        Assert.Null(await sut.ReceiveAsync(["q"], TimeSpan.FromMinutes(5), default));

        // Nobody completes it (the process died); once the lock runs out it comes back.
        _time.Advance(TimeSpan.FromMinutes(6));
        var second = await CreateSut().ReceiveAsync(["q"], TimeSpan.FromMinutes(5), default);
        Assert.NotNull(second);
        Assert.Equal(2, second.DeliveryCount);

        // The stale holder can no longer complete it.
        await Assert.ThrowsAsync<InvalidOperationException>(() => sut.CompleteAsync(first, [], default));
    }

    [Fact]
    public async Task ReleaseLocks_OfARunThatEnded_MakesItsMessagesVisibleAtOnce_AndKeepsTheDeliveryCounted()
    {
        var dead = new LocalQueueStore(_path, _time) { LockOwner = "dead-run" };
        await dead.EnqueueAsync("q", ["a", "b"], default);
        Assert.NotNull(await dead.ReceiveAsync(["q"], TimeSpan.FromMinutes(5), default));
        var next = new LocalQueueStore(_path, _time) { LockOwner = "next-run" };
        Assert.Equal(["dead-run"], await next.OtherLockOwnersAsync(default));

        Assert.Equal(1, await next.ReleaseLocksAsync("dead-run", countDelivery: true, default));

        // No lock duration to wait out; the crashed delivery counts towards the max delivery count.
        var again = await next.ReceiveAsync(["q"], TimeSpan.FromMinutes(5), default);
        Assert.Equal(("a", 2), (again!.Body, again.DeliveryCount));
        Assert.Empty(await next.OtherLockOwnersAsync(default));
    }

    [Fact]
    public async Task ReleaseLocks_OfAStoppedRun_TakesBackTheDelivery_AndLeavesOtherRunsLocksAlone()
    {
        var stopped = new LocalQueueStore(_path, _time) { LockOwner = "stopped-run" };
        var other = new LocalQueueStore(_path, _time) { LockOwner = "other-run" };
        await stopped.EnqueueAsync("q", ["a", "b"], default);
        await stopped.ReceiveAsync(["q"], TimeSpan.FromMinutes(5), default);
        var held = await other.ReceiveAsync(["q"], TimeSpan.FromMinutes(5), default);

        Assert.Equal(1, await stopped.ReleaseLocksAsync("stopped-run", countDelivery: false, default));

        var again = await stopped.ReceiveAsync(["q"], TimeSpan.FromMinutes(5), default);
        Assert.Equal(("a", 1), (again!.Body, again.DeliveryCount));
        Assert.Null(await stopped.ReceiveAsync(["q"], TimeSpan.FromMinutes(5), default));
        await other.CompleteAsync(held!, [], default);
    }

    [Fact]
    public async Task Open_AQueueFileFromBeforeLocksHadOwners_AddsTheColumnAndKeepsTheMessages()
    {
        Directory.CreateDirectory(Path.GetDirectoryName(_path)!);
        await using (var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={_path};Pooling=False"))
        {
            await connection.OpenAsync();
            await using var create = connection.CreateCommand();
            create.CommandText = """
                CREATE TABLE messages (seq INTEGER PRIMARY KEY AUTOINCREMENT, queue TEXT NOT NULL, message_id TEXT NOT NULL, body TEXT NOT NULL,
                    enqueued_at TEXT NOT NULL, visible_at TEXT NOT NULL, delivery_count INTEGER NOT NULL DEFAULT 0, lock_token TEXT NULL,
                    last_error TEXT NULL, dead_lettered_at TEXT NULL, dead_letter_reason TEXT NULL, dead_letter_description TEXT NULL);
                INSERT INTO messages (queue, message_id, body, enqueued_at, visible_at) VALUES ('q', 'm1', 'old', '2026-11-22T11:00:00.0000000Z', '2026-11-22T11:00:00.0000000Z');
                """;
            await create.ExecuteNonQueryAsync();
        }

        var sut = new LocalQueueStore(_path, _time) { LockOwner = "run" };

        Assert.Equal("old", (await sut.ReceiveAsync(["q"], TimeSpan.FromMinutes(5), default))!.Body);
        Assert.Equal(1, await sut.ReleaseLocksAsync("run", countDelivery: false, default));
    }

    [Fact]
    public void RunLease_IsAliveWhileHeld_AndEndedOnceReleasedOrLeftBehindByADeadProcess()
    {
        var folder = Path.Combine(Path.GetDirectoryName(_path)!, "runs");
        using var self = RunLease.Acquire(folder);
        var other = RunLease.Acquire(folder);

        Assert.False(self.HasEnded(other.Owner));
        Assert.False(self.HasEnded(self.Owner));

        other.Dispose();
        Assert.True(self.HasEnded(other.Owner));

        // A killed process leaves its file, but no longer holds its lock: ended, and the file is cleared away.
        var leftBehind = Path.Combine(folder, "0123456789abcdef0123456789abcdef.lock");
        File.WriteAllText(leftBehind, "pid 1");
        Assert.True(self.HasEnded("0123456789abcdef0123456789abcdef"));
        Assert.False(File.Exists(leftBehind));
    }

    [Fact]
    public async Task Complete_EnqueuesOutputsAndRemovesTheInputTogether()
    {
        var sut = CreateSut();
        await sut.EnqueueAsync("in", ["x"], default);
        var m = (await sut.ReceiveAsync(["in"], TimeSpan.FromMinutes(1), default))!;

        await sut.CompleteAsync(m, [("out", "a"), ("out", "b")], default);

        Assert.Equal(new QueueCounts("out", 2, 0), Assert.Single(await sut.CountsAsync(default)));
    }

    [Fact]
    public async Task TimerLastRun_IsRemembered()
    {
        var at = new DateTimeOffset(2026, 11, 22, 6, 0, 0, TimeSpan.Zero);
        await CreateSut().SetTimerLastRunAsync("PollFeeds", at, default);
        Assert.Equal(at, await CreateSut().GetTimerLastRunAsync("PollFeeds", default));
        Assert.Null(await CreateSut().GetTimerLastRunAsync("Other", default));
    }
}
