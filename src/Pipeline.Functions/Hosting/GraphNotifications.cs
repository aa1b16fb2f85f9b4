using System.Text.Json;
using Pipeline.Functions.Hosting;

namespace Pipeline.Functions.Hosting;

/// <summary>What the two Graph webhook routes share: the validation handshake and reading notifications whose clientState is ours.</summary>
public static class GraphNotifications
{
    /// <summary>Graph's validation request: answer the token as plain text within 10 seconds, or null when this is not one.</summary>
    public static FunctionResult? Handshake(HttpTriggerRequest request) =>
        request.Query.ValueKind == JsonValueKind.Object && request.Query.TryGetProperty("validationToken", out var token) && token.ValueKind == JsonValueKind.String
            ? new FunctionResult { Http = new HttpOutput(200, token.GetString()!, new Dictionary<string, string> { ["Content-Type"] = "text/plain" }) }
            : null;

    /// <summary>
    /// The notifications in the body: (clientState, the value of <paramref name="kindField"/>: <c>changeType</c> or
    /// <c>lifecycleEvent</c>) each; nothing for a body that is not Graph's.
    /// </summary>
    public static IReadOnlyList<(string? ClientState, string? Kind)> Read(HttpTriggerRequest request, string kindField)
    {
        var body = request.Body.ValueKind == JsonValueKind.String ? TryParse(request.Body.GetString()) : request.Body;
        if (body is not { ValueKind: JsonValueKind.Object } root || !root.TryGetProperty("value", out var value) || value.ValueKind != JsonValueKind.Array)
        {
            return [];
        }

        return value.EnumerateArray()
            .Where(n => n.ValueKind == JsonValueKind.Object)
            .Select(n => (Text(n, "clientState"), Text(n, kindField)))
            .ToList();
    }

    /// <summary>Accepted: Graph wants any 2xx within 3 seconds, the work being queued.</summary>
    public static HttpOutput Accepted() => new(202, string.Empty, new Dictionary<string, string>());

    /// <summary>A body Graph would not send: 400, so the sender learns it was not taken.</summary>
    public static HttpOutput Malformed(string detail) => new(400, detail, new Dictionary<string, string> { ["Content-Type"] = "text/plain" });

    private static string? Text(JsonElement e, string name) => e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private static JsonElement? TryParse(string? text)
    {
        try
        {
            return text is null ? null : JsonDocument.Parse(text).RootElement.Clone();
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
