using System.Text.Json;
using System.Text.Json.Nodes;

namespace Pipeline.Functions.Hosting;

/// <summary>One binding of a <c>function.json</c>.</summary>
public sealed record FunctionBinding
{
    public required string Type { get; init; }

    public required string Direction { get; init; }

    public required string Name { get; init; }

    public string? QueueName { get; init; }

    public string? Schedule { get; init; }

    public string? Route { get; init; }

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
public static class FunctionCatalog
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
            IReadOnlyList<FunctionBinding> bindings;
            try
            {
                using var document = JsonDocument.Parse(File.ReadAllBytes(file));
                bindings = Bindings(document.RootElement);
            }
            catch (Exception e) when (e is JsonException or FormatException)
            {
                throw new InvalidOperationException($"{file} is not valid function.json: {e.Message}", e);
            }

            if (bindings.Count(b => b.IsTrigger) != 1)
            {
                throw new InvalidOperationException($"{file} must declare exactly one trigger binding.");
            }

            functions.Add(new FunctionMetadata(name, bindings));
        }

        return functions;
    }

    /// <summary>
    /// The bindings, read from the document's tree: every start reads some twenty of these files, and a
    /// <see cref="JsonDocument"/> (which the configuration reader has warmed already) costs less at start than setting
    /// up the serializer (#20). Properties the app does not use (<c>authLevel</c>, <c>connection</c>) are left.
    /// </summary>
    private static List<FunctionBinding> Bindings(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new FormatException("the document is not an object.");
        }

        var bindings = new List<FunctionBinding>();
        if (!root.TryGetProperty("bindings", out var array) || array.ValueKind == JsonValueKind.Null)
        {
            return bindings;
        }

        if (array.ValueKind != JsonValueKind.Array)
        {
            throw new FormatException("\"bindings\" is not an array.");
        }

        foreach (var binding in array.EnumerateArray())
        {
            if (binding.ValueKind != JsonValueKind.Object)
            {
                throw new FormatException($"binding {bindings.Count + 1} is not an object.");
            }

            bindings.Add(new FunctionBinding
            {
                Type = Required(binding, "type", bindings.Count),
                Direction = Required(binding, "direction", bindings.Count),
                Name = Required(binding, "name", bindings.Count),
                QueueName = Optional(binding, "queueName", bindings.Count),
                Schedule = Optional(binding, "schedule", bindings.Count),
                Route = Optional(binding, "route", bindings.Count),
                Methods = Methods(binding, bindings.Count),
            });
        }

        return bindings;
    }

    private static List<string>? Methods(JsonElement binding, int index)
    {
        if (!binding.TryGetProperty("methods", out var methods) || methods.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        var list = new List<string>();
        if (methods.ValueKind == JsonValueKind.Array)
        {
            foreach (var method in methods.EnumerateArray())
            {
                if (method.ValueKind != JsonValueKind.String)
                {
                    break;
                }

                list.Add(method.GetString()!);
            }

            if (list.Count == methods.GetArrayLength())
            {
                return list;
            }
        }

        throw new FormatException($"binding {index + 1}: \"methods\" is not an array of strings.");
    }

    private static string Required(JsonElement binding, string property, int index) =>
        Optional(binding, property, index) ?? throw new FormatException($"binding {index + 1} has no \"{property}\".");

    private static string? Optional(JsonElement binding, string property, int index) =>
        !binding.TryGetProperty(property, out var value) || value.ValueKind == JsonValueKind.Null ? null
        : value.ValueKind == JsonValueKind.String ? value.GetString()
        : throw new FormatException($"binding {index + 1}: \"{property}\" is not a string.");
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
