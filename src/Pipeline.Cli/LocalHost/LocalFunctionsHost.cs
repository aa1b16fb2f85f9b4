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
    private readonly Action<string>? _log;
    private readonly Action<string>? _trace;

    /// <param name="log">Receives what an operator should see: dead letters, failed timers, past-due runs.</param>
    /// <param name="trace">Receives the handler's log lines.</param>
    public LocalFunctionsHost(
        HttpClient http,
        IReadOnlyList<FunctionMetadata> functions,
        LocalQueueStore queues,
        TimeProvider time,
        LocalHostOptions options,
        Action<string>? log = null,
        Action<string>? trace = null)
    {
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
        foreach (var timer in _timers.OrderByDescending(Period).ThenBy(t => t.Name, StringComparer.Ordinal))
        {
            await FireTimerAsync(timer, isPastDue: false, summary, cancellationToken);
            await DrainAsync(summary, cancellationToken);
        }

        return summary;
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
            if (!await DrainAsync(summary, cancellationToken, _options.IdleDelay))
            {
                try
                {
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
        }
    }

    /// <summary>
    /// Delivers messages, up to <see cref="LocalHostOptions.MaxConcurrentCalls"/> at a time, until no queue has one
    /// ready and none is in hand; false when there was none to deliver. While the last pages of a feed's part are being
    /// screened, the part that follows can already be read: the stages overlap as they do in Azure.
    /// </summary>
    private async Task<bool> DrainAsync(RunSummary summary, CancellationToken cancellationToken, TimeSpan? budget = null)
    {
        var started = _time.GetTimestamp();
        var running = new List<Task>();
        var delivered = false;
        try
        {
            while (true)
            {
                while (running.Count < Math.Max(1, _options.MaxConcurrentCalls)
                    && (budget is null || _time.GetElapsedTime(started) < budget)
                    && await _queues.ReceiveAsync(_queueOrder, _options.LockDuration, cancellationToken) is { } message)
                {
                    running.Add(DeliverAsync(message, summary, cancellationToken));
                    delivered = true;
                }

                if (running.Count == 0)
                {
                    return delivered;
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
        if (outcome.Error is null)
        {
            await _queues.CompleteAsync(message, outcome.Outputs.SelectMany(o => o.Bodies.Select(b => (o.Queue, b))).ToList(), cancellationToken);
            return;
        }

        if (await _queues.AbandonAsync(message, outcome.Error, _options.MaxDeliveryCount, cancellationToken))
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
