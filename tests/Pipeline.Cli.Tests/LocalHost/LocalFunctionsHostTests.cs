using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Pipeline.Cli.LocalHost;
using Pipeline.Functions.Hosting;
using Pipeline.Testing;

namespace Pipeline.Cli.Tests.LocalHost;

/// <summary>The local host against a real Kestrel handler on loopback that counts how many invocations it holds at once.</summary>
public sealed class LocalFunctionsHostTests : IAsyncLifetime
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "pipeline-tests", Guid.NewGuid().ToString("N"));
    private readonly object _gate = new();
    private WebApplication? _handler;
    private Uri? _address;
    private int _inFlight;
    private int _mostInFlight;
    private int _handled;
    private int _failFirst;
    private readonly System.Collections.Concurrent.ConcurrentQueue<string> _order = new();

    private static readonly IReadOnlyList<FunctionMetadata> Functions =
    [
        new("Tick", [new FunctionBinding { Type = "timerTrigger", Direction = "in", Name = "timer", Schedule = "0 0 * * * *" }]),
        new("Work", [new FunctionBinding { Type = "serviceBusTrigger", Direction = "in", Name = "message", QueueName = "work" }]),
    ];

    public async ValueTask InitializeAsync()
    {
        (_handler, _address) = await LoopbackServer.StartAsync(app =>
        {
            app.MapPost("/Tick", () => Results.Json(new { Outputs = new { }, Logs = Array.Empty<string>() }));
            // Keyed by a dictionary, so the names keep their case (the host reads "Outputs").
            app.MapPost("/Emit", () => Results.Json(new Dictionary<string, object>
            {
                ["Outputs"] = new Dictionary<string, object> { ["next"] = new[] { new { n = 1 }, new { n = 2 }, new { n = 3 } } },
                ["Logs"] = Array.Empty<string>(),
            }));
            foreach (var name in new[] { "Rare", "Frequent" })
            {
                app.MapPost("/" + name, () => Results.Json(new { Outputs = new { }, Logs = Array.Empty<string>() }));
            }

            foreach (var name in new[] { "Up", "Down" })
            {
                app.MapPost("/" + name, async () =>
                {
                    _order.Enqueue(name);
                    await Task.Delay(20);
                    return Results.Json(new { Outputs = new { }, Logs = Array.Empty<string>() });
                });
            }

            app.MapPost("/Work", async () =>
            {
                lock (_gate)
                {
                    _mostInFlight = Math.Max(_mostInFlight, ++_inFlight);
                }

                await Task.Delay(50);
                lock (_gate)
                {
                    _inFlight--;
                    if (_failFirst > 0)
                    {
                        _failFirst--;
                        return Results.Problem("boom", statusCode: 500);
                    }

                    _handled++;
                }

                return Results.Json(new { Outputs = new { }, Logs = Array.Empty<string>(), ReturnValue = new { done = 1 } });
            });
        });
    }

    public async ValueTask DisposeAsync()
    {
        if (_handler is not null)
        {
            await _handler.DisposeAsync();
        }

        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private async Task<(LocalFunctionsHost Host, LocalQueueStore Queues)> CreateAsync(int maxConcurrentCalls, int messages)
    {
        var queues = new LocalQueueStore(Path.Combine(_folder, "queues.db"), TimeProvider.System);
        await queues.EnqueueAsync("work", Enumerable.Range(0, messages).Select(i => $"{{\"n\":{i}}}"), default);
        var http = new HttpClient { BaseAddress = _address };
        return (new LocalFunctionsHost(http, Functions, queues, TimeProvider.System, new LocalHostOptions { MaxConcurrentCalls = maxConcurrentCalls }), queues);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(4)]
    public async Task RunOnce_HandlesUpToMaxConcurrentCallsAtOnce_AndEveryMessage(int maxConcurrentCalls)
    {
        var (host, queues) = await CreateAsync(maxConcurrentCalls, messages: 12);

        var summary = await host.RunOnceAsync(default);

        Assert.Equal(12, _handled);
        Assert.Equal(maxConcurrentCalls, _mostInFlight);
        Assert.Equal(13, summary.Invocations); // the timer, then every message once
        Assert.Equal(12, summary.Functions["Work"].Invocations);
        Assert.All(await queues.CountsAsync(default), c => Assert.Equal(0, c.Active + c.DeadLettered));
    }

    [Fact]
    public async Task RunOnce_MessageLockedByAnotherLiveRun_IsLeftToIt_AndTakenOnceThatRunEnds()
    {
        var runs = Path.Combine(_folder, "runs");
        var other = RunLease.Acquire(runs);
        var otherQueues = new LocalQueueStore(Path.Combine(_folder, "queues.db"), TimeProvider.System) { LockOwner = other.Owner };
        await otherQueues.EnqueueAsync("work", ["{}"], default);
        Assert.NotNull(await otherQueues.ReceiveAsync(["work"], TimeSpan.FromMinutes(5), default));
        using var lease = RunLease.Acquire(runs);
        var queues = new LocalQueueStore(Path.Combine(_folder, "queues.db"), TimeProvider.System) { LockOwner = lease.Owner };
        var host = new LocalFunctionsHost(new HttpClient { BaseAddress = _address }, Functions, queues, TimeProvider.System,
            new LocalHostOptions { MaxConcurrentCalls = 4, IdleDelay = TimeSpan.FromMilliseconds(50) }, lease: lease);

        var run = host.RunOnceAsync(default);
        await Task.Delay(500);

        // The other run is alive: its message is neither taken nor given up on.
        Assert.False(run.IsCompleted);
        Assert.Equal(0, _handled);

        other.Dispose(); // it ends without finishing the message
        await run.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(1, _handled);
        Assert.All(await queues.CountsAsync(default), c => Assert.Equal(0, c.Active + c.DeadLettered));
    }

    [Fact]
    public async Task RunOnce_MessageLeftOnALaterStagesQueue_WaitsUntilTheEarlierStagesQueuesAreEmpty()
    {
        // Rare (hourly) feeds "upstream", Frequent (every minute) feeds "downstream": a run once fires Rare first, so
        // "downstream" is served only once "upstream" is empty, even for messages an earlier run left behind.
        IReadOnlyList<FunctionMetadata> functions =
        [
            new("Rare", [new FunctionBinding { Type = "timerTrigger", Direction = "in", Name = "timer", Schedule = "0 0 * * * *" },
                new FunctionBinding { Type = "serviceBus", Direction = "out", Name = "up", QueueName = "upstream" }]),
            new("Frequent", [new FunctionBinding { Type = "timerTrigger", Direction = "in", Name = "timer", Schedule = "0 * * * * *" },
                new FunctionBinding { Type = "serviceBus", Direction = "out", Name = "down", QueueName = "downstream" }]),
            new("Up", [new FunctionBinding { Type = "serviceBusTrigger", Direction = "in", Name = "message", QueueName = "upstream" }]),
            new("Down", [new FunctionBinding { Type = "serviceBusTrigger", Direction = "in", Name = "message", QueueName = "downstream" }]),
        ];
        var queues = new LocalQueueStore(Path.Combine(_folder, "queues.db"), TimeProvider.System);
        await queues.EnqueueAsync("downstream", ["{}"], default);
        await queues.EnqueueAsync("upstream", ["{}", "{}", "{}"], default);
        var host = new LocalFunctionsHost(new HttpClient { BaseAddress = _address }, functions, queues, TimeProvider.System, new LocalHostOptions { MaxConcurrentCalls = 4 });

        await host.RunOnceAsync(default);

        Assert.Equal(["Up", "Up", "Up", "Down"], _order);
    }

    [Fact]
    public async Task RunOnce_Concurrently_RedeliversFailedMessagesUntilDone()
    {
        _failFirst = 3;
        var (host, queues) = await CreateAsync(maxConcurrentCalls: 4, messages: 6);

        var summary = await host.RunOnceAsync(default);

        Assert.Equal(6, _handled);
        Assert.Equal(3, summary.FailedInvocations);
        Assert.Equal(0, summary.DeadLetters);
        // Nine deliveries: six completed, three abandoned and delivered again.
        Assert.Equal(new RunSummary.QueueTraffic(Sent: 0, Deliveries: 9, Completed: 6, Abandoned: 3, DeadLettered: 0, LargestBytes: 0), summary.Queues["work"]);
        Assert.All(await queues.CountsAsync(default), c => Assert.Equal(0, c.Active + c.DeadLettered));
    }

    [Fact]
    public async Task RunOnce_CountsPerQueue_MessagesSentByTimers_AndDeliveriesThatEndInTheDeadLetterQueue()
    {
        _failFirst = 1;
        IReadOnlyList<FunctionMetadata> functions =
        [
            new("Emit", [new FunctionBinding { Type = "timerTrigger", Direction = "in", Name = "timer", Schedule = "0 0 * * * *" },
                new FunctionBinding { Type = "serviceBus", Direction = "out", Name = "next", QueueName = "work" }]),
            new("Work", [new FunctionBinding { Type = "serviceBusTrigger", Direction = "in", Name = "message", QueueName = "work" }]),
        ];
        var queues = new LocalQueueStore(Path.Combine(_folder, "queues.db"), TimeProvider.System);
        var host = new LocalFunctionsHost(new HttpClient { BaseAddress = _address }, functions, queues, TimeProvider.System, new LocalHostOptions { MaxDeliveryCount = 1 });

        var summary = await host.RunOnceAsync(default);

        // Three sent by the timer; the first delivery fails and, at one delivery allowed, goes to the dead-letter queue.
        Assert.Equal(new RunSummary.QueueTraffic(Sent: 3, Deliveries: 3, Completed: 2, Abandoned: 0, DeadLettered: 1, LargestBytes: 7), summary.Queues["work"]);
        Assert.Equal(1, summary.DeadLetters);
        Assert.Single(summary.Queues);
    }
}

public sealed class HostJsonTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("pipeline-hostjson-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Theory]
    [InlineData("""{ "version": "2.0", "extensions": { "serviceBus": { "maxConcurrentCalls": 4 } } }""", 4)]
    [InlineData("""{ "extensions": { "serviceBus": { "messageHandlerOptions": { "maxConcurrentCalls": 16 } } } }""", 16)]
    [InlineData("""{ "version": "2.0" }""", 1)]
    [InlineData("""{ "extensions": { "serviceBus": { "maxConcurrentCalls": 0 } } }""", 1)]
    public void MaxConcurrentCalls_ComesFromTheServiceBusExtension(string json, int expected)
    {
        File.WriteAllText(Path.Combine(_folder, "host.json"), json);

        Assert.Equal(expected, HostJson.MaxConcurrentCalls(_folder));
    }

    [Fact]
    public void MaxConcurrentCalls_IsOneWithoutHostJson_AndABrokenFileSaysWhich()
    {
        Assert.Equal(1, HostJson.MaxConcurrentCalls(_folder));

        File.WriteAllText(Path.Combine(_folder, "host.json"), "{ \"extensions\": ");
        var error = Assert.Throws<InvalidOperationException>(() => HostJson.MaxConcurrentCalls(_folder));
        Assert.Contains("host.json", error.Message);
    }

    [Fact]
    public void TheAppsHostJson_HandlesFourMessagesAtOnce()
    {
        // The repository's host.json is what both Azure and `pipeline run` read.
        var root = AppContext.BaseDirectory;
        Assert.Equal(4, HostJson.MaxConcurrentCalls(root));
    }
}
