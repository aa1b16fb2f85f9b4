using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Pipeline.Domain.Scheduling;
using Pipeline.Functions.Hosting;

namespace Pipeline.Cli.LocalHost;

public sealed class LocalHostOptions
{
    /// <summary>Deliveries before a message is dead-lettered (Service Bus's default is 10).</summary>
    public int MaxDeliveryCount { get; init; } = 10;

    /// <summary>How long a delivered message stays locked; a crash mid-invocation makes it visible again after this.</summary>
    public TimeSpan LockDuration { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>How long the continuous host sleeps when nothing is due.</summary>
    public TimeSpan IdleDelay { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Messages handled at once, like the Service Bus extension's <c>maxConcurrentCalls</c> in host.json (read from
    /// there by <see cref="HostJson.MaxConcurrentCalls"/>).
    /// </summary>
    public int MaxConcurrentCalls { get; init; } = 1;

    /// <summary>
    /// When the run is stopped (Ctrl+C), how long the invocations in hand may take to finish before they are cut off and
    /// their messages released for the next run.
    /// </summary>
    public TimeSpan StopGracePeriod { get; init; } = TimeSpan.FromSeconds(30);
}

/// <summary>
/// Plays the Azure Functions host on one machine: fires timer functions, delivers queue messages (several at once, up to <see cref="LocalHostOptions.MaxConcurrentCalls"/>) with
/// at-least-once semantics, and posts each invocation to the handler as the host would (<c>POST /{FunctionName}</c>
/// with <c>Data</c> and <c>Metadata</c>), enqueuing the Service Bus outputs it answers with.
/// </summary>
public sealed class LocalFunctionsHost
{
    private readonly HttpClient _http;
    private readonly LocalQueueStore _queues;
    private readonly TimeProvider _time;
    private readonly LocalHostOptions _options;
    private readonly IReadOnlyList<FunctionMetadata> _timers;
    private readonly Dictionary<string, FunctionMetadata> _consumers;
    private readonly IReadOnlyList<string> _queueOrder;
    private readonly IReadOnlyDictionary<string, IReadOnlyList<string>> _upstream;
    private readonly RunLease? _lease;
    private readonly Action<string>? _log;
    private readonly Action<string>? _trace;

    /// <param name="log">Receives what an operator should see: dead letters, failed timers, past-due runs.</param>
    /// <param name="trace">Receives the handler's log lines.</param>
    /// <param name="lease">
    /// This run's lease, whose owner <paramref name="queues"/> records on its locks: with it, the locks of runs that
    /// have ended are released at start and this run's own are released when it stops.
    /// </param>
    public LocalFunctionsHost(
        HttpClient http,
        IReadOnlyList<FunctionMetadata> functions,
        LocalQueueStore queues,
        TimeProvider time,
        LocalHostOptions options,
        Action<string>? log = null,
        Action<string>? trace = null,
        RunLease? lease = null)
    {
        if (lease is not null && queues.LockOwner != lease.Owner)
        {
            throw new ArgumentException("The queue store must take its locks for the lease's owner.", nameof(lease));
        }

        _lease = lease;
        _trace = trace;
        _http = http;
        _queues = queues;
        _time = time;
        _options = options;
        _log = log;
        _timers = functions.Where(f => f.Trigger.Type == FunctionMetadata.TimerTrigger).ToList();
        _consumers = functions.Where(f => f.Trigger.Type == FunctionMetadata.ServiceBusTrigger)
            .ToDictionary(f => f.Trigger.QueueName ?? throw new InvalidOperationException($"{f.Name}/function.json has a serviceBusTrigger without queueName."));
        _queueOrder = QueueOrder(functions);
        _upstream = Upstream(functions, TimerOrder(_timers));
    }

    /// <summary>
    /// Queues in pipeline order, upstream first, so a run drains each stage before the next one starts; a queue that
    /// continues its own work (feedreads) after the queue it feeds.
    /// </summary>
    public IReadOnlyList<string> Queues => _queueOrder;

    /// <summary>
    /// Fires every timer once, least frequent first, delivering messages until every queue is empty or dead-lettered
    /// after each. Frequent timers sweep up what rarer ones set off (ScheduleShortlists, every minute, builds the
    /// shortlists that PollFeeds' candidates, every six hours, made due), so this order lets one run go end to end.
    /// </summary>
    public async Task<RunSummary> RunOnceAsync(CancellationToken cancellationToken)
    {
        var summary = new RunSummary();
        await RunOnceAsync(summary, cancellationToken);
        return summary;
    }

    /// <summary>
    /// As <see cref="RunOnceAsync(CancellationToken)"/>, adding to <paramref name="summary"/> as it goes, so that a
    /// stopped run still reports what it did. A stop lets the invocations in hand finish (up to
    /// <see cref="LocalHostOptions.StopGracePeriod"/>), releases this run's locks and throws
    /// <see cref="OperationCanceledException"/>.
    /// </summary>
    public async Task RunOnceAsync(RunSummary summary, CancellationToken cancellationToken)
    {
        try
        {
            await ReleaseEndedRunsAsync(cancellationToken);
            foreach (var timer in TimerOrder(_timers))
            {
                await FireTimerAsync(timer, isPastDue: false, summary, cancellationToken);
                await DrainAsync(summary, untilEmpty: true, cancellationToken);
                cancellationToken.ThrowIfCancellationRequested();
            }
        }
        finally
        {
            await ReleaseOwnLocksAsync();
        }
    }

    /// <summary>Timers least frequent first, the order in which <see cref="RunOnceAsync(CancellationToken)"/> fires them.</summary>
    private static List<FunctionMetadata> TimerOrder(IEnumerable<FunctionMetadata> timers) =>
        timers.OrderByDescending(Period).ThenBy(t => t.Name, StringComparer.Ordinal).ToList();

    /// <summary>
    /// Releases at once the messages locked by runs that have ended without finishing them (killed, crashed), instead
    /// of leaving them invisible for the rest of the lock duration. Such a delivery stays counted, as in Service Bus when
    /// a lock expires: a message that kills the process every time it is handled must still reach the dead-letter queue.
    /// </summary>
    private async Task ReleaseEndedRunsAsync(CancellationToken cancellationToken)
    {
        if (_lease is null)
        {
            return;
        }

        foreach (var owner in await _queues.OtherLockOwnersAsync(cancellationToken))
        {
            if (_lease.HasEnded(owner) && await _queues.ReleaseLocksAsync(owner, countDelivery: true, cancellationToken) is var released and > 0)
            {
                _log?.Invoke($"Released {released} messages left locked by an earlier run that did not finish them; they are delivered now.");
            }
        }
    }

    /// <summary>
    /// A stopped run gives its unfinished messages back at once, without counting the delivery: they did not fail,
    /// the run was stopped, so stopping a run repeatedly never dead-letters a healthy message.
    /// </summary>
    private async Task ReleaseOwnLocksAsync()
    {
        if (_lease is not null)
        {
            await _queues.ReleaseLocksAsync(_lease.Owner, countDelivery: false, CancellationToken.None);
        }
    }

    /// <summary>The interval between two occurrences of a timer's schedule, from a fixed instant so the order is stable.</summary>
    private static TimeSpan Period(FunctionMetadata timer)
    {
        var schedule = CronSchedule.Parse(timer.Trigger.Schedule ?? throw new InvalidOperationException($"{timer.Name} has no schedule."));
        var reference = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        return schedule.Next(reference) is { } first && schedule.Next(first) is { } second ? second - first : TimeSpan.MaxValue;
    }

    /// <summary>Fires timers on their schedules and delivers messages until cancelled.</summary>
    public async Task RunAsync(RunSummary summary, CancellationToken cancellationToken)
    {
        try
        {
            await RunContinuouslyAsync(summary, cancellationToken);
        }
        finally
        {
            await ReleaseOwnLocksAsync();
        }
    }

    private async Task RunContinuouslyAsync(RunSummary summary, CancellationToken cancellationToken)
    {
        await ReleaseEndedRunsAsync(cancellationToken);
        var schedules = _timers.ToDictionary(t => t.Name, t => CronSchedule.Parse(t.Trigger.Schedule ?? throw new InvalidOperationException($"{t.Name} has no schedule.")));
        var next = new Dictionary<string, DateTimeOffset>();
        foreach (var timer in _timers)
        {
            var now = _time.GetUtcNow();
            var last = await _queues.GetTimerLastRunAsync(timer.Name, cancellationToken);
            // Like the host's schedule monitor: one catch-up run if an occurrence was missed while stopped.
            if (last is { } l && schedules[timer.Name].Next(l) is { } missed && missed <= now)
            {
                _log?.Invoke($"{timer.Name} missed its {missed:u} occurrence; running it now as past due.");
                await FireTimerAsync(timer, isPastDue: true, summary, cancellationToken);
            }

            next[timer.Name] = schedules[timer.Name].Next(_time.GetUtcNow()) ?? DateTimeOffset.MaxValue;
            _log?.Invoke($"{timer.Name} next runs at {next[timer.Name]:u}.");
        }

        while (!cancellationToken.IsCancellationRequested)
        {
            foreach (var timer in _timers)
            {
                if (next[timer.Name] <= _time.GetUtcNow())
                {
                    await FireTimerAsync(timer, isPastDue: false, summary, cancellationToken);
                    next[timer.Name] = schedules[timer.Name].Next(_time.GetUtcNow()) ?? DateTimeOffset.MaxValue;
                }
            }

            // Timers are looked at again after about IdleDelay of deliveries, so a long backlog does not hold them up.
            if (!await DrainAsync(summary, untilEmpty: false, cancellationToken, _options.IdleDelay) && !cancellationToken.IsCancellationRequested)
            {
                try
                {
                    // Another run on the same data may have ended while holding locks: its messages are ours to finish.
                    await ReleaseEndedRunsAsync(cancellationToken);
                    await Task.Delay(_options.IdleDelay, _time, cancellationToken);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    private async Task FireTimerAsync(FunctionMetadata timer, bool isPastDue, RunSummary summary, CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        var last = await _queues.GetTimerLastRunAsync(timer.Name, cancellationToken);
        var schedule = timer.Trigger.Schedule is { } s ? CronSchedule.Parse(s) : null;
        var data = new JsonObject
        {
            ["Schedule"] = new JsonObject { ["AdjustForDST"] = true },
            ["ScheduleStatus"] = new JsonObject
            {
                ["Last"] = (last ?? DateTimeOffset.MinValue).ToString("O"),
                ["Next"] = schedule?.Next(now)?.ToString("O"),
                ["LastUpdated"] = now.ToString("O"),
            },
            ["IsPastDue"] = isPastDue,
        };
        var outcome = await InvokeAsync(timer, data, Metadata(timer), summary, cancellationToken);
        await _queues.SetTimerLastRunAsync(timer.Name, now, cancellationToken);
        if (outcome.Error is not null)
        {
            // As in Azure, a failed timer run is not retried; the next occurrence runs as usual.
            _log?.Invoke($"{timer.Name} failed: {outcome.Error}");
            return;
        }

        foreach (var (queue, bodies) in outcome.Outputs)
        {
            await _queues.EnqueueAsync(queue, bodies, cancellationToken);
            lock (summary)
            {
                summary.Sent(queue, bodies);
            }
        }
    }

    /// <summary>
    /// Delivers messages, up to <see cref="LocalHostOptions.MaxConcurrentCalls"/> at a time, until no queue has one
    /// ready and none is in hand; false when there was none to deliver. While the last pages of a feed's part are being
    /// screened, the part that follows can already be read: the stages overlap as they do in Azure.
    /// With <paramref name="untilEmpty"/> (run once), it goes on until every queue is empty or dead-lettered, waiting
    /// for messages that another live run holds locked, and a queue is served only once the queues upstream of it are
    /// empty (<see cref="Upstream"/>): shortlists are never built while a feed's pages are still unscreened.
    /// When <paramref name="cancellationToken"/> is cancelled, no new message is taken and the ones in hand finish.
    /// </summary>
    private async Task<bool> DrainAsync(RunSummary summary, bool untilEmpty, CancellationToken cancellationToken, TimeSpan? budget = null)
    {
        var started = _time.GetTimestamp();
        var running = new List<Task>();
        var delivered = false;
        // Invocations in hand are not cut off by a stop at once: what they do is then done and counted, not half done.
        using var invocations = new CancellationTokenSource(Timeout.InfiniteTimeSpan, _time);
        using var onStop = cancellationToken.Register(() => invocations.CancelAfter(_options.StopGracePeriod));
        try
        {
            while (true)
            {
                while (running.Count < Math.Max(1, _options.MaxConcurrentCalls)
                    && !cancellationToken.IsCancellationRequested
                    && (budget is null || _time.GetElapsedTime(started) < budget)
                    && await _queues.ReceiveAsync(untilEmpty ? await ReadyQueuesAsync(cancellationToken) : _queueOrder, _options.LockDuration, cancellationToken) is { } message)
                {
                    running.Add(DeliverAsync(message, summary, invocations.Token));
                    delivered = true;
                }

                if (running.Count == 0)
                {
                    if (!untilEmpty || cancellationToken.IsCancellationRequested
                        || (await _queues.CountsAsync(cancellationToken)).Sum(c => c.Active) == 0)
                    {
                        return delivered;
                    }

                    // What is left is locked by another run that is still alive (or waits behind it): wait for it to
                    // finish, or to end, in which case its messages are released to this run.
                    await ReleaseEndedRunsAsync(cancellationToken);
                    try
                    {
                        await Task.Delay(_options.IdleDelay, _time, cancellationToken);
                    }
                    catch (OperationCanceledException)
                    {
                        return delivered;
                    }

                    continue;
                }

                var finished = await Task.WhenAny(running);
                running.Remove(finished);
                await finished;
            }
        }
        finally
        {
            // On cancellation or a failure, let the deliveries in hand end before the caller goes on.
            await Task.WhenAll(running).ContinueWith(_ => { }, TaskScheduler.Default);
        }
    }

    private async Task DeliverAsync(LockedMessage message, RunSummary summary, CancellationToken cancellationToken)
    {
        var function = _consumers[message.Queue];
        var metadata = Metadata(function);
        // The host's metadata scalars are strings, some JSON-quoted; send them the same way.
        metadata["DeliveryCount"] = message.DeliveryCount.ToString(System.Globalization.CultureInfo.InvariantCulture);
        metadata["MessageId"] = JsonSerializer.Serialize(message.MessageId);
        metadata["ContentType"] = "\"application/json\"";
        metadata["EnqueuedTimeUtc"] = message.EnqueuedAt.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture);
        metadata["SequenceNumber"] = message.Sequence.ToString(System.Globalization.CultureInfo.InvariantCulture);

        // Service Bus bodies reach the handler as a JSON string holding the JSON body.
        var outcome = await InvokeAsync(function, JsonValue.Create(message.Body), metadata, summary, cancellationToken);
        // A finished invocation is settled even while the run stops, so its outputs are not left for a redelivery.
        if (outcome.Error is null)
        {
            await _queues.CompleteAsync(message, outcome.Outputs.SelectMany(o => o.Bodies.Select(b => (o.Queue, b))).ToList(), CancellationToken.None);
            lock (summary)
            {
                summary.Delivered(message.Queue, RunSummary.DeliveryEnd.Completed);
                foreach (var (queue, bodies) in outcome.Outputs)
                {
                    summary.Sent(queue, bodies);
                }
            }

            return;
        }

        var deadLettered = await _queues.AbandonAsync(message, outcome.Error, _options.MaxDeliveryCount, CancellationToken.None);
        lock (summary)
        {
            summary.Delivered(message.Queue, deadLettered ? RunSummary.DeliveryEnd.DeadLettered : RunSummary.DeliveryEnd.Abandoned);
        }

        if (deadLettered)
        {
            lock (summary)
            {
                summary.DeadLetters++;
            }

            _log?.Invoke($"Message {message.MessageId} on '{message.Queue}' was dead-lettered after {message.DeliveryCount} deliveries: {outcome.Error}");
        }
    }

    private async Task<InvocationOutcome> InvokeAsync(FunctionMetadata function, JsonNode data, JsonObject metadata, RunSummary summary, CancellationToken cancellationToken)
    {
        lock (summary)
        {
            summary.Invocations++;
            summary.Started(function.Name);
        }

        var envelope = new JsonObject
        {
            ["Data"] = new JsonObject { [function.Trigger.Name] = data },
            ["Metadata"] = metadata,
        };
        using var request = new HttpRequestMessage(HttpMethod.Post, function.Name) { Content = JsonContent.Create(envelope) };
        request.Headers.Add("X-Azure-Functions-InvocationId", Guid.NewGuid().ToString());
        request.Headers.UserAgent.ParseAdd("Pipeline-LocalHost/1.0");
        var started = _time.GetTimestamp();
        try
        {
            using var response = await _http.SendAsync(request, cancellationToken);
            var text = await response.Content.ReadAsStringAsync(cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                lock (summary)
                {
                    summary.FailedInvocations++;
                }

                return InvocationOutcome.Failed($"{function.Name} answered {(int)response.StatusCode}: {Problem(text)}");
            }

            var answer = JsonSerializer.Deserialize<InvocationResponse>(text)
                ?? throw new JsonException("The handler answered null.");
            lock (summary)
            {
                summary.Add(function.Name, answer.ReturnValue);
            }

            foreach (var line in answer.Logs)
            {
                _trace?.Invoke($"{function.Name}: {line}");
            }

            return new InvocationOutcome(null, Outputs(function, answer));
        }
        catch (Exception e) when (e is HttpRequestException or JsonException || (e is TaskCanceledException && !cancellationToken.IsCancellationRequested))
        {
            lock (summary)
            {
                summary.FailedInvocations++;
            }

            return InvocationOutcome.Failed($"{function.Name} could not be invoked: {e.Message}");
        }
        finally
        {
            lock (summary)
            {
                summary.Time(function.Name, _time.GetElapsedTime(started));
                summary.Ended(function.Name);
            }
        }
    }

    /// <summary>The Service Bus messages an answer carries: an array is one message per element, as in the host.</summary>
    private static List<(string Queue, List<string> Bodies)> Outputs(FunctionMetadata function, InvocationResponse answer)
    {
        var outputs = new List<(string, List<string>)>();
        foreach (var (name, value) in answer.Outputs)
        {
            var binding = function.Bindings.FirstOrDefault(b => b.Name == name && b.Direction == "out");
            if (binding is not { Type: "serviceBus", QueueName: { } queue })
            {
                continue;
            }

            var bodies = value.ValueKind == JsonValueKind.Array
                ? value.EnumerateArray().Select(e => e.GetRawText()).ToList()
                : [value.ValueKind == JsonValueKind.String ? value.GetString()! : value.GetRawText()];
            outputs.Add((queue, bodies));
        }

        return outputs;
    }

    private JsonObject Metadata(FunctionMetadata function) => new()
    {
        ["sys"] = new JsonObject
        {
            ["MethodName"] = function.Name,
            ["UtcNow"] = _time.GetUtcNow().ToString("O"),
            ["RandGuid"] = Guid.NewGuid().ToString(),
        },
    };

    private static string Problem(string body)
    {
        try
        {
            using var json = JsonDocument.Parse(body);
            var root = json.RootElement;
            var title = root.TryGetProperty("title", out var t) ? t.GetString() : null;
            var detail = root.TryGetProperty("detail", out var d) ? d.GetString() : null;
            return string.Join(": ", new[] { title, detail }.Where(s => !string.IsNullOrEmpty(s)));
        }
        catch (JsonException)
        {
            return body.Length > 300 ? body[..300] + "…" : body;
        }
    }

    /// <summary>The queues ready to serve in a run-once drain: those whose upstream queues are all empty.</summary>
    private async Task<IReadOnlyList<string>> ReadyQueuesAsync(CancellationToken cancellationToken)
    {
        var active = (await _queues.CountsAsync(cancellationToken)).ToDictionary(c => c.Queue, c => c.Active, StringComparer.Ordinal);
        return _queueOrder.Where(q => _upstream[q].All(u => active.GetValueOrDefault(u) == 0)).ToList();
    }

    /// <summary>
    /// For each queue, the queues that a run once must empty before serving it. A queue belongs to the stage of the
    /// last timer, in firing order, that sets it off (directly or through other functions' outputs); queues of earlier
    /// stages are upstream of it. So notifications and shortlists (ScheduleShortlists, fired last) wait for feedreads,
    /// candidates and verifications (PollFeeds), even for messages a crashed run left behind; queues no timer reaches
    /// (mailsync, fed by webhooks) come first. Known from function.json alone, like the queue order.
    /// </summary>
    private static IReadOnlyDictionary<string, IReadOnlyList<string>> Upstream(IReadOnlyList<FunctionMetadata> functions, IReadOnlyList<FunctionMetadata> timers)
    {
        static IEnumerable<string> Outputs(FunctionMetadata f) =>
            f.Bindings.Where(b => b is { Direction: "out", Type: "serviceBus", QueueName: not null }).Select(b => b.QueueName!);

        var queues = functions.Where(f => f.Trigger is { Type: FunctionMetadata.ServiceBusTrigger, QueueName: not null }).Select(f => f.Trigger.QueueName!).ToHashSet(StringComparer.Ordinal);
        var stage = queues.ToDictionary(q => q, _ => -1, StringComparer.Ordinal);
        for (var i = 0; i < timers.Count; i++)
        {
            var reached = new HashSet<string>(StringComparer.Ordinal);
            var pending = new Queue<string>(Outputs(timers[i]));
            while (pending.TryDequeue(out var queue))
            {
                if (!reached.Add(queue))
                {
                    continue;
                }

                foreach (var consumer in functions.Where(f => f.Trigger.QueueName == queue && f.Trigger.Type == FunctionMetadata.ServiceBusTrigger))
                {
                    foreach (var output in Outputs(consumer))
                    {
                        pending.Enqueue(output);
                    }
                }
            }

            foreach (var queue in reached.Where(stage.ContainsKey))
            {
                stage[queue] = i;
            }
        }

        return stage.ToDictionary(
            s => s.Key,
            s => (IReadOnlyList<string>)stage.Where(o => o.Value < s.Value).Select(o => o.Key).ToList(),
            StringComparer.Ordinal);
    }

    private static IReadOnlyList<string> QueueOrder(IReadOnlyList<FunctionMetadata> functions)
    {
        var depth = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var f in functions.Where(f => f.Trigger.Type == FunctionMetadata.TimerTrigger))
        {
            foreach (var output in f.Bindings.Where(b => b is { Direction: "out", Type: "serviceBus", QueueName: not null }))
            {
                depth[output.QueueName!] = 0;
            }
        }

        // Walk downstream; the pass limit keeps a cycle from looping forever.
        for (var pass = 0; pass < functions.Count; pass++)
        {
            foreach (var f in functions.Where(f => f.Trigger is { Type: FunctionMetadata.ServiceBusTrigger, QueueName: not null }))
            {
                if (!depth.TryGetValue(f.Trigger.QueueName!, out var d))
                {
                    continue;
                }

                // A function that continues its own work on its own queue (ReadFeed) does not push that queue downstream.
                foreach (var output in f.Bindings.Where(b => b is { Direction: "out", Type: "serviceBus", QueueName: not null } && b.QueueName != f.Trigger.QueueName))
                {
                    depth[output.QueueName!] = Math.Max(depth.GetValueOrDefault(output.QueueName!), d + 1);
                }
            }
        }

        // A queue its own function continues on (feedreads) comes after the queues it feeds, so each part of a feed
        // is screened before the next is read and the candidates queue stays short.
        var selfContinuing = functions
            .Where(f => f.Trigger.QueueName is { } q && f.Bindings.Any(b => b is { Direction: "out", Type: "serviceBus" } && b.QueueName == q))
            .Select(f => f.Trigger.QueueName!)
            .ToHashSet(StringComparer.Ordinal);
        double Rank(string queue) => selfContinuing.Contains(queue)
            ? functions.Where(f => f.Trigger.QueueName == queue)
                .SelectMany(f => f.Bindings.Where(b => b is { Direction: "out", Type: "serviceBus", QueueName: not null } && b.QueueName != queue))
                .Select(b => depth.GetValueOrDefault(b.QueueName!, int.MaxValue - 1) + 0.5)
                .DefaultIfEmpty(depth.GetValueOrDefault(queue, int.MaxValue))
                .Max()
            : depth.GetValueOrDefault(queue, int.MaxValue);

        return functions.Where(f => f.Trigger is { Type: FunctionMetadata.ServiceBusTrigger, QueueName: not null })
            .Select(f => f.Trigger.QueueName!)
            .Distinct()
            .OrderBy(Rank)
            .ThenBy(q => q, StringComparer.Ordinal)
            .ToList();
    }

    private sealed record InvocationOutcome(string? Error, List<(string Queue, List<string> Bodies)> Outputs)
    {
        public static InvocationOutcome Failed(string error) => new(error, []);
    }
}
