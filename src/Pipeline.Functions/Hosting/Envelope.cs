using System.Text.Json;
using System.Text.Json.Serialization;

namespace Pipeline.Functions.Hosting;

/// <summary>What the Functions host POSTs to <c>/{FunctionName}</c>: trigger and input data by binding name, plus metadata.</summary>
public sealed record InvocationRequest
{
    [JsonPropertyName("Data")]
    public Dictionary<string, JsonElement>? Data { get; init; }

    [JsonPropertyName("Metadata")]
    public Dictionary<string, JsonElement>? Metadata { get; init; }
}

/// <summary>
/// What the handler answers: output binding values by name, log lines for the host, and a return value. Output
/// values are JSON objects or arrays of objects (an array is one Service Bus message per element), never bare
/// strings, which the host would try to base64-decode.
/// </summary>
public sealed record InvocationResponse
{
    [JsonPropertyName("Outputs")]
    public Dictionary<string, JsonElement> Outputs { get; init; } = [];

    [JsonPropertyName("Logs")]
    public List<string> Logs { get; init; } = [];

    /// <summary>
    /// Counts of what the invocation did. The Azure host ignores it (no <c>$return</c> binding is declared); the
    /// local host adds them up for its run summary.
    /// </summary>
    [JsonPropertyName("ReturnValue")]
    public Dictionary<string, long>? ReturnValue { get; init; }
}

/// <summary>The timer trigger's payload.</summary>
public sealed record TimerInfo
{
    [JsonPropertyName("IsPastDue")]
    public bool IsPastDue { get; init; }

    [JsonPropertyName("ScheduleStatus")]
    public TimerScheduleStatus? ScheduleStatus { get; init; }
}

public sealed record TimerScheduleStatus
{
    [JsonPropertyName("Last")]
    public DateTimeOffset? Last { get; init; }

    [JsonPropertyName("Next")]
    public DateTimeOffset? Next { get; init; }

    [JsonPropertyName("LastUpdated")]
    public DateTimeOffset? LastUpdated { get; init; }
}

/// <summary>The HTTP trigger's payload when requests are not forwarded.</summary>
public sealed record HttpTriggerRequest
{
    [JsonPropertyName("Url")]
    public string? Url { get; init; }

    [JsonPropertyName("Method")]
    public string? Method { get; init; }

    [JsonPropertyName("Headers")]
    public Dictionary<string, JsonElement>? Headers { get; init; }

    [JsonPropertyName("Query")]
    public JsonElement Query { get; init; }

    [JsonPropertyName("Body")]
    public JsonElement Body { get; init; }
}

/// <summary>An HTTP output binding value: the host turns it into the response.</summary>
public sealed record HttpOutput(
    [property: JsonPropertyName("statusCode")] int StatusCode,
    [property: JsonPropertyName("body")] string Body,
    [property: JsonPropertyName("headers")] Dictionary<string, string> Headers);

/// <summary>Service Bus metadata the host sends with each message (scalars arrive as strings, some JSON-quoted).</summary>
public sealed record ServiceBusMessageInfo(string? MessageId, int DeliveryCount, DateTimeOffset? EnqueuedTimeUtc);
