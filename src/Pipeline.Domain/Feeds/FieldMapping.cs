using System.Text.Json;
using System.Text.Json.Serialization;

namespace Pipeline.Domain.Feeds;

[JsonConverter(typeof(JsonStringEnumConverter<FieldMappingKind>))]
public enum FieldMappingKind
{
    /// <summary>One column or path: <c>"name": "Full Name"</c>.</summary>
    Single,

    /// <summary>Several, joined: <c>"name": ["First Name", "Last Name"]</c>; text with a space between the non-empty parts, lists one after another.</summary>
    Join,

    /// <summary>The first of several that has a value: <c>"phone": { "firstOf": ["Mobile", "Home Phone"] }</c>.</summary>
    FirstOf,
}

/// <summary>
/// Where one of our fields comes from in a feed: a CSV column header or a dotted JSON path, several joined (a JSON
/// list), or the first non-empty of several (<c>{ "firstOf": [...] }</c>). A plain text reads and writes as before, so
/// a feed's fingerprint does not change for a mapping that was already valid.
/// </summary>
[JsonConverter(typeof(FieldMappingConverter))]
public sealed class FieldMapping
{
    private FieldMapping(FieldMappingKind kind, IReadOnlyList<string> sources) => (Kind, Sources) = (kind, sources);

    public FieldMappingKind Kind { get; }

    /// <summary>The column headers or paths, in order; validation refuses an empty list.</summary>
    public IReadOnlyList<string> Sources { get; }

    public static FieldMapping Single(string source) => new(FieldMappingKind.Single, [source]);

    public static FieldMapping Join(params IReadOnlyList<string> sources) => new(FieldMappingKind.Join, [.. sources]);

    public static FieldMapping FirstOf(params IReadOnlyList<string> sources) => new(FieldMappingKind.FirstOf, [.. sources]);

    public static implicit operator FieldMapping(string source) => Single(source);

    /// <summary>
    /// The text for a field, given the text at each source by its index in <see cref="Sources"/> (null when absent):
    /// a single source's as is, the first non-blank for <see cref="FieldMappingKind.FirstOf"/>, the non-blank parts
    /// joined with a space for <see cref="FieldMappingKind.Join"/> (null when all are blank).
    /// </summary>
    public string? Text(Func<int, string?> textAt)
    {
        if (Kind == FieldMappingKind.Single)
        {
            return textAt(0);
        }

        List<string>? parts = null;
        for (var i = 0; i < Sources.Count; i++)
        {
            var text = textAt(i);
            if (string.IsNullOrWhiteSpace(text))
            {
                continue;
            }

            if (Kind == FieldMappingKind.FirstOf)
            {
                return text;
            }

            (parts ??= []).Add(text.Trim());
        }

        return parts is null ? null : string.Join(' ', parts);
    }

    /// <summary>How a person reads it: <c>'First Name' + 'Last Name'</c>, <c>first of 'Mobile', 'Phone'</c>.</summary>
    public override string ToString() => Kind switch
    {
        FieldMappingKind.Single => Quote(Sources[0]),
        FieldMappingKind.Join => string.Join(" + ", Sources.Select(Quote)),
        _ => "first of " + string.Join(", ", Sources.Select(Quote)),
    };

    private static string Quote(string source) => $"'{source}'";
}

/// <summary>Reads and writes a <see cref="FieldMapping"/>: a text, a list of texts (join), or <c>{ "firstOf": [texts] }</c>.</summary>
public sealed class FieldMappingConverter : JsonConverter<FieldMapping>
{
    public const string Shape = "a column or path, a list of them to join, or {\"firstOf\": [...]}";

    public override FieldMapping Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.String:
                return FieldMapping.Single(reader.GetString()!);
            case JsonTokenType.StartArray:
                return FieldMapping.Join(ReadTexts(ref reader));
            case JsonTokenType.StartObject:
                reader.Read();
                if (reader.TokenType != JsonTokenType.PropertyName || reader.GetString() != "firstOf")
                {
                    throw new JsonException($"A mapping is {Shape}.");
                }

                reader.Read();
                if (reader.TokenType != JsonTokenType.StartArray)
                {
                    throw new JsonException($"A mapping is {Shape}.");
                }

                var sources = ReadTexts(ref reader);
                reader.Read();
                return reader.TokenType == JsonTokenType.EndObject ? FieldMapping.FirstOf(sources) : throw new JsonException($"A mapping is {Shape}.");
            default:
                throw new JsonException($"A mapping is {Shape}.");
        }
    }

    public override void Write(Utf8JsonWriter writer, FieldMapping value, JsonSerializerOptions options)
    {
        switch (value.Kind)
        {
            case FieldMappingKind.Single:
                writer.WriteStringValue(value.Sources[0]);
                break;
            case FieldMappingKind.Join:
                WriteTexts(writer, value.Sources);
                break;
            default:
                writer.WriteStartObject();
                writer.WritePropertyName("firstOf");
                WriteTexts(writer, value.Sources);
                writer.WriteEndObject();
                break;
        }
    }

    private static List<string> ReadTexts(ref Utf8JsonReader reader)
    {
        var texts = new List<string>();
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            texts.Add(reader.TokenType == JsonTokenType.String ? reader.GetString()! : throw new JsonException($"A mapping is {FieldMappingConverter.Shape}; its list holds only texts."));
        }

        return texts;
    }

    private static void WriteTexts(Utf8JsonWriter writer, IReadOnlyList<string> texts)
    {
        writer.WriteStartArray();
        foreach (var text in texts)
        {
            writer.WriteStringValue(text);
        }

        writer.WriteEndArray();
    }
}
