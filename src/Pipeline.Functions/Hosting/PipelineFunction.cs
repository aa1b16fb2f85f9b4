using System.Text.Json;
using Pipeline.Core.Messages;
using Pipeline.Domain;

namespace Pipeline.Functions.Hosting;

/// <summary>A function of the app. Its name is its class name, which is also its folder and route.</summary>
public interface IPipelineFunction
{
    string Name { get; }

    /// <summary>The trigger type its function.json must declare.</summary>
    string TriggerType { get; }

    Task<FunctionResult> InvokeAsync(InvocationContext context, CancellationToken cancellationToken);
}

public sealed record InvocationContext(
    FunctionMetadata Function,
    string InvocationId,
    JsonElement TriggerData,
    IReadOnlyDictionary<string, JsonElement> Metadata);

/// <summary>The trigger data or message body is not what the function takes; the host will retry, then dead-letter.</summary>
public sealed class InvalidInvocationException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>What an invocation produced: queue messages, an HTTP response, counts and log lines for the host.</summary>
public sealed class FunctionResult
{
    private readonly Dictionary<string, List<object>> _messages = new(StringComparer.Ordinal);

    public IReadOnlyDictionary<string, List<object>> Messages => _messages;

    public Dictionary<string, long> Metrics { get; } = new(StringComparer.Ordinal);

    /// <summary>Lines for the host's log. Never personal data: use candidate ids, never names or emails.</summary>
    public List<string> Logs { get; } = [];

    public HttpOutput? Http { get; set; }

    /// <summary>Queues a message for the queue of that name (the function.json must declare an output for it).</summary>
    public void Send(string queueName, object message)
    {
        if (!_messages.TryGetValue(queueName, out var list))
        {
            _messages[queueName] = list = [];
        }

        list.Add(message);
    }

    public void Count(string metric, long amount = 1) => Metrics[metric] = Metrics.GetValueOrDefault(metric) + amount;
}

public abstract class TimerFunction : IPipelineFunction
{
    public string Name => GetType().Name;

    public string TriggerType => FunctionMetadata.TimerTrigger;

    public Task<FunctionResult> InvokeAsync(InvocationContext context, CancellationToken cancellationToken)
    {
        var timer = TriggerPayload.Deserialize<TimerInfo>(context.TriggerData, "timer trigger data");
        return RunAsync(timer, cancellationToken);
    }

    protected abstract Task<FunctionResult> RunAsync(TimerInfo timer, CancellationToken cancellationToken);
}

/// <summary>A Service Bus queue-triggered function taking JSON messages of type <typeparamref name="TMessage"/>.</summary>
public abstract class QueueFunction<TMessage> : IPipelineFunction
    where TMessage : class
{
    public string Name => GetType().Name;

    public string TriggerType => FunctionMetadata.ServiceBusTrigger;

    public Task<FunctionResult> InvokeAsync(InvocationContext context, CancellationToken cancellationToken)
    {
        var message = TriggerPayload.Deserialize<TMessage>(context.TriggerData, "message body");
        PipelineTelemetry.Describe(message);
        var info = new ServiceBusMessageInfo(
            MetadataValues.GetString(context.Metadata, "MessageId"),
            MetadataValues.GetInt32(context.Metadata, "DeliveryCount") ?? 1,
            MetadataValues.GetDateTimeOffset(context.Metadata, "EnqueuedTimeUtc"));
        return RunAsync(message, info, cancellationToken);
    }

    protected abstract Task<FunctionResult> RunAsync(TMessage message, ServiceBusMessageInfo info, CancellationToken cancellationToken);
}

public abstract class HttpFunction : IPipelineFunction
{
    public string Name => GetType().Name;

    public string TriggerType => FunctionMetadata.HttpTrigger;

    public Task<FunctionResult> InvokeAsync(InvocationContext context, CancellationToken cancellationToken)
    {
        var request = TriggerPayload.Deserialize<HttpTriggerRequest>(context.TriggerData, "HTTP request");
        return RunAsync(request, cancellationToken);
    }

    protected abstract Task<FunctionResult> RunAsync(HttpTriggerRequest request, CancellationToken cancellationToken);
}

internal static class TriggerPayload
{
    /// <summary>
    /// Trigger data may arrive as a JSON value or as a string holding JSON (Service Bus bodies do); both are accepted.
    /// </summary>
    public static T Deserialize<T>(JsonElement data, string what)
        where T : class
    {
        try
        {
            var value = data.ValueKind == JsonValueKind.String
                ? JsonSerializer.Deserialize<T>(data.GetString()!, DomainJson.Options)
                : JsonSerializer.Deserialize<T>(data, DomainJson.Options);
            return value ?? throw new InvalidInvocationException($"The {what} is null.");
        }
        catch (JsonException e)
        {
            throw new InvalidInvocationException($"The {what} is not a valid {typeof(T).Name}: {e.Message}", e);
        }
    }
}

/// <summary>Reads host metadata, whose scalars arrive as strings, some of them JSON-quoted (<c>"\"abc\""</c>).</summary>
public static class MetadataValues
{
    public static string? GetString(IReadOnlyDictionary<string, JsonElement> metadata, string name)
    {
        if (!metadata.TryGetValue(name, out var value))
        {
            return null;
        }

        var text = value.ValueKind switch
        {
            JsonValueKind.String => value.GetString(),
            JsonValueKind.Null or JsonValueKind.Undefined => null,
            _ => value.GetRawText(),
        };
        if (text is ['"', .., '"'] && text.Length >= 2)
        {
            try
            {
                return JsonSerializer.Deserialize<string>(text);
            }
            catch (JsonException)
            {
                return text[1..^1];
            }
        }

        return text;
    }

    public static int? GetInt32(IReadOnlyDictionary<string, JsonElement> metadata, string name) =>
        metadata.TryGetValue(name, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var n)
            ? n
            : int.TryParse(GetString(metadata, name), System.Globalization.CultureInfo.InvariantCulture, out var parsed) ? parsed : null;

    public static DateTimeOffset? GetDateTimeOffset(IReadOnlyDictionary<string, JsonElement> metadata, string name) =>
        DateTimeOffset.TryParse(GetString(metadata, name), System.Globalization.CultureInfo.InvariantCulture,
            System.Globalization.DateTimeStyles.AssumeUniversal, out var value)
            ? value.ToUniversalTime()
            : null;
}
