using System.Text.Json;

namespace Pipeline.Domain;

/// <summary>The JSON settings of messages and stored documents: web defaults (camelCase), compact.</summary>
public static class DomainJson
{
    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = false,
    };
}
