using System.Text.Json;

namespace Pipeline.Domain;

/// <summary>The JSON settings of messages and stored documents: web defaults (camelCase), compact.</summary>
public static class DomainJson
{
    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = false,

        // JSON for messages and storage, not for HTML (the email is encoded by its composer): no \u escapes for '+', '<' or non-ASCII.
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };
}
