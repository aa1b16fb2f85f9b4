using System.Text.Json.Serialization;

namespace Pipeline.Cli.LocalHost;

/// <summary>
/// What a run did, added up from the invocations' counts and the queues; emails and Teams notifications from the
/// effects actually performed (<see cref="SetEffects"/>) where the caller knows them.
/// </summary>
public sealed class RunSummary
{
    private readonly Dictionary<string, Dictionary<string, long>> _metrics = new(StringComparer.Ordinal);

    [JsonPropertyName("feeds")]
    public long Feeds => Metric("ReadFeed", "feeds");

    /// <summary>Feeds whose source said nothing changed since the last run, so nothing was read.</summary>
    [JsonPropertyName("feedsNotModified")]
    public long FeedsNotModified => Metric("ReadFeed", "feedsNotModified");

    [JsonPropertyName("feedsFailed")]
    public long FeedsFailed => Metric("ReadFeed", "feedsFailed");

    [JsonPropertyName("candidates")]
    public CandidateCounts Candidates => new(Metric("ScreenCandidates", "new"), Metric("ScreenCandidates", "updated"), Metric("ScreenCandidates", "unchanged"));

    [JsonPropertyName("quarantined")]
    public long Quarantined => Metric("ReadFeed", "quarantined") + Metric("ScreenCandidates", "duplicates");

    [JsonPropertyName("shortlists")]
    public long Shortlists => Metric("BuildShortlist", "shortlists");

    private IReadOnlyDictionary<string, long>? _effects;

    /// <summary>Emails sent in this run: shortlists, reply confirmations and clarifications, reminders.</summary>
    [JsonPropertyName("emails")]
    public long Emails => _effects is { } e ? e.GetValueOrDefault("email") : Metric("NotifyShortlist", "emails");

    /// <summary>Decisions recorded from hiring managers' replies.</summary>
    [JsonPropertyName("decisions")]
    public long Decisions => Metric("ProcessReply", "decisions");

    [JsonPropertyName("clarifications")]
    public long Clarifications => Metric("ProcessReply", "clarifications");

    /// <summary>Teams notifications sent in this run: shortlists, recorded decisions, escalations.</summary>
    [JsonPropertyName("notifications")]
    public long Notifications => _effects is { } e ? e.GetValueOrDefault("teams") : Metric("NotifyShortlist", "notifications");

    /// <summary>
    /// The effects performed during the run, by kind ("email", "teams"), as the effect ledger recorded them: counted
    /// whichever invocation performed them, also one that failed afterwards or was cut off by a stop.
    /// </summary>
    public void SetEffects(IReadOnlyDictionary<string, long> byKind) => _effects = byKind;

    /// <summary>Messages dead-lettered during this run.</summary>
    [JsonPropertyName("deadLetters")]
    public long DeadLetters { get; set; }

    /// <summary>Messages in dead-letter queues now, from this run and earlier ones.</summary>
    [JsonPropertyName("deadLettersTotal")]
    public long DeadLettersTotal { get; set; }

    [JsonPropertyName("invocations")]
    public long Invocations { get; set; }

    /// <summary>Per function: how many invocations and how long they took in all, to see where a run's time went.</summary>
    [JsonPropertyName("functions")]
    public SortedDictionary<string, FunctionTime> Functions { get; } = new(StringComparer.Ordinal);

    public void Time(string function, TimeSpan elapsed)
    {
        var current = Functions.GetValueOrDefault(function) ?? new FunctionTime(0, 0);
        Functions[function] = new FunctionTime(current.Invocations + 1, Math.Round(current.Seconds + elapsed.TotalSeconds, 3));
    }

    public sealed record FunctionTime(
        [property: JsonPropertyName("invocations")] long Invocations,
        [property: JsonPropertyName("seconds")] double Seconds);

    /// <summary>
    /// Per queue: messages sent to it, deliveries (receives), and how deliveries ended (completed, abandoned,
    /// dead-lettered), from which a run's Service Bus operations follow.
    /// </summary>
    [JsonPropertyName("queues")]
    public SortedDictionary<string, QueueTraffic> Queues { get; } = new(StringComparer.Ordinal);

    /// <summary>Messages sent to <paramref name="queue"/> by a timer or an invocation's outputs.</summary>
    public void Sent(string queue, IReadOnlyCollection<string> bodies)
    {
        // Service Bus bills a message per started 64 KB, so the largest body tells whether any costs more than one.
        var largest = bodies.Count == 0 ? 0 : bodies.Max(b => (long)System.Text.Encoding.UTF8.GetByteCount(b));
        Update(queue, q => q with { Sent = q.Sent + bodies.Count, LargestBytes = Math.Max(q.LargestBytes, largest) });
    }

    /// <summary>A message delivered from <paramref name="queue"/> and how its delivery ended.</summary>
    public void Delivered(string queue, DeliveryEnd end) => Update(queue, q => end switch
    {
        DeliveryEnd.Completed => q with { Deliveries = q.Deliveries + 1, Completed = q.Completed + 1 },
        DeliveryEnd.Abandoned => q with { Deliveries = q.Deliveries + 1, Abandoned = q.Abandoned + 1 },
        _ => q with { Deliveries = q.Deliveries + 1, DeadLettered = q.DeadLettered + 1 },
    });

    private void Update(string queue, Func<QueueTraffic, QueueTraffic> change) =>
        Queues[queue] = change(Queues.GetValueOrDefault(queue) ?? new QueueTraffic(0, 0, 0, 0, 0, 0));

    public enum DeliveryEnd
    {
        Completed,
        Abandoned,
        DeadLettered,
    }

    public sealed record QueueTraffic(
        [property: JsonPropertyName("sent")] long Sent,
        [property: JsonPropertyName("deliveries")] long Deliveries,
        [property: JsonPropertyName("completed")] long Completed,
        [property: JsonPropertyName("abandoned")] long Abandoned,
        [property: JsonPropertyName("deadLettered")] long DeadLettered,
        [property: JsonPropertyName("largestBytes")] long LargestBytes);

    [JsonPropertyName("failedInvocations")]
    public long FailedInvocations { get; set; }

    /// <summary>Where emails and notifications went: the outbox folder or Microsoft Graph.</summary>
    [JsonPropertyName("delivery")]
    public string? Delivery { get; set; }

    [JsonPropertyName("outbox")]
    public string? Outbox { get; set; }

    [JsonPropertyName("dataDirectory")]
    public string? DataDirectory { get; set; }

    public void Add(string function, IReadOnlyDictionary<string, long>? metrics)
    {
        if (metrics is null)
        {
            return;
        }

        if (!_metrics.TryGetValue(function, out var totals))
        {
            _metrics[function] = totals = new Dictionary<string, long>(StringComparer.Ordinal);
        }

        foreach (var (name, value) in metrics)
        {
            totals[name] = totals.GetValueOrDefault(name) + value;
        }
    }

    private readonly Dictionary<string, int> _running = new(StringComparer.Ordinal);

    /// <summary>Invocations in flight now, by function: the run's current phase, for the progress line.</summary>
    [JsonIgnore]
    public IReadOnlyDictionary<string, int> Running => _running;

    public void Started(string function) => _running[function] = _running.GetValueOrDefault(function) + 1;

    public void Ended(string function) => _running[function] = _running.GetValueOrDefault(function) - 1;

    private long Metric(string function, string name) => _metrics.GetValueOrDefault(function)?.GetValueOrDefault(name) ?? 0;

    public sealed record CandidateCounts(
        [property: JsonPropertyName("new")] long New,
        [property: JsonPropertyName("updated")] long Updated,
        [property: JsonPropertyName("unchanged")] long Unchanged);
}
