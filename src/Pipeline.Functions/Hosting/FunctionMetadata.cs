using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Pipeline.Functions.Hosting;

/// <summary>One binding of a <c>function.json</c>.</summary>
public sealed record FunctionBinding
{
    [JsonPropertyName("type")]
    public required string Type { get; init; }

    [JsonPropertyName("direction")]
    public required string Direction { get; init; }

    [JsonPropertyName("name")]
    public required string Name { get; init; }

    [JsonPropertyName("queueName")]
    public string? QueueName { get; init; }

    [JsonPropertyName("schedule")]
    public string? Schedule { get; init; }

    [JsonPropertyName("route")]
    public string? Route { get; init; }

    [JsonPropertyName("methods")]
    public IReadOnlyList<string>? Methods { get; init; }

    public bool IsTrigger => Direction == "in" && Type.EndsWith("Trigger", StringComparison.Ordinal);
}

/// <summary>A function as the host sees it: its folder name and the bindings of its <c>function.json</c>.</summary>
public sealed record FunctionMetadata(string Name, IReadOnlyList<FunctionBinding> Bindings)
{
    public const string TimerTrigger = "timerTrigger";
    public const string ServiceBusTrigger = "serviceBusTrigger";
    public const string HttpTrigger = "httpTrigger";

    public FunctionBinding Trigger => Bindings.Single(b => b.IsTrigger);

    /// <summary>The output binding that sends to a queue, if the function declares one.</summary>
    public FunctionBinding? QueueOutput(string queueName) =>
        Bindings.FirstOrDefault(b => b.Direction == "out" && b.Type == "serviceBus" && b.QueueName == queueName);

    public FunctionBinding? HttpOutput => Bindings.FirstOrDefault(b => b.Direction == "out" && b.Type == "http");
}

/// <summary>Reads the function declarations of an app folder: <c>{root}/{FunctionName}/function.json</c>.</summary>
public static partial class FunctionCatalog
{
    public static IReadOnlyList<FunctionMetadata> Load(string appRoot)
    {
        var functions = new List<FunctionMetadata>();
        foreach (var file in Directory.EnumerateDirectories(appRoot)
                     .Select(d => Path.Combine(d, "function.json"))
                     .Where(File.Exists)
                     .Order(StringComparer.Ordinal))
        {
            var name = Path.GetFileName(Path.GetDirectoryName(file))!;
            FunctionDocument? document;
            try
            {
                document = JsonSerializer.Deserialize(File.ReadAllBytes(file), FunctionJson.Default.FunctionDocument);
            }
            catch (JsonException e)
            {
                throw new InvalidOperationException($"{file} is not valid function.json: {e.Message}", e);
            }

            var bindings = document?.Bindings ?? [];
            if (bindings.Count(b => b.IsTrigger) != 1)
            {
                throw new InvalidOperationException($"{file} must declare exactly one trigger binding.");
            }

            functions.Add(new FunctionMetadata(name, bindings));
        }

        return functions;
    }

    internal sealed record FunctionDocument([property: JsonPropertyName("bindings")] IReadOnlyList<FunctionBinding> Bindings);

    /// <summary>Generated at build time: every start reads some twenty of these files.</summary>
    [JsonSerializable(typeof(FunctionDocument))]
    internal sealed partial class FunctionJson : JsonSerializerContext;
}

/// <summary>What the local host takes from the app's <c>host.json</c>, as the Functions host would.</summary>
public static class HostJson
{
    /// <summary>
    /// <c>extensions.serviceBus.maxConcurrentCalls</c> (also accepted under <c>messageHandlerOptions</c>, its older
    /// place): how many Service Bus messages one instance handles at once; 1 when the file does not say.
    /// </summary>
    public static int MaxConcurrentCalls(string appRoot)
    {
        var path = Path.Combine(appRoot, "host.json");
        if (!File.Exists(path))
        {
            return 1;
        }

        JsonNode? root;
        try
        {
            root = JsonNode.Parse(File.ReadAllText(path), documentOptions: new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        }
        catch (JsonException e)
        {
            throw new InvalidOperationException($"{path} is not valid JSON: {e.Message}", e);
        }

        var serviceBus = root?["extensions"]?["serviceBus"];
        var value = serviceBus?["maxConcurrentCalls"] ?? serviceBus?["messageHandlerOptions"]?["maxConcurrentCalls"];
        return value is JsonValue v && v.TryGetValue<int>(out var calls) && calls > 0 ? calls : 1;
    }
}
