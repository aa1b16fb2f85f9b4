using System.Globalization;
using System.Text.Json;

namespace Pipeline.Storage;

/// <summary>
/// Reads and writes entities in the Table service's JSON payload format, with <c>@odata.type</c> annotations for
/// the types JSON cannot carry on its own (Int64, Double, DateTime, Guid, Binary). The REST client and the SQLite
/// store share it, so a value round-trips the same way through both.
/// </summary>
public static class EntityJson
{
    /// <summary>The service limit on one entity, all properties included.</summary>
    public const int MaxEntityBytes = 1024 * 1024;

    /// <summary>252 custom properties plus PartitionKey, RowKey and Timestamp.</summary>
    public const int MaxCustomProperties = 252;

    /// <summary>Edm.String and Edm.Binary values may be up to 64 KiB.</summary>
    public const int MaxValueBytes = 64 * 1024;

    private const string TypeSuffix = "@odata.type";

    public static byte[] Serialize(TableEntity entity, bool includeKeys)
    {
        Validate(entity);
        using var buffer = new MemoryStream();
        // Stored and sent as JSON, never embedded in HTML: escaping only what JSON requires keeps nested documents
        // (a profile serialised into a string property) from tripling in size with \u0022 escapes.
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            Write(writer, entity, includeKeys);
        }

        return buffer.ToArray();
    }

    public static void Write(Utf8JsonWriter writer, TableEntity entity, bool includeKeys)
    {
        writer.WriteStartObject();
        if (includeKeys)
        {
            writer.WriteString("PartitionKey", entity.PartitionKey);
            writer.WriteString("RowKey", entity.RowKey);
        }

        foreach (var (name, value) in entity.Properties)
        {
            switch (value)
            {
                case string s:
                    writer.WriteString(name, s);
                    break;
                case int i:
                    writer.WriteNumber(name, i);
                    break;
                case bool b:
                    writer.WriteBoolean(name, b);
                    break;
                case long l:
                    writer.WriteString(name + TypeSuffix, "Edm.Int64");
                    writer.WriteString(name, l.ToString(CultureInfo.InvariantCulture));
                    break;
                case double d:
                    writer.WriteString(name + TypeSuffix, "Edm.Double");
                    if (double.IsFinite(d))
                    {
                        writer.WriteNumber(name, d);
                    }
                    else
                    {
                        writer.WriteString(name, double.IsNaN(d) ? "NaN" : d > 0 ? "Infinity" : "-Infinity");
                    }

                    break;
                case DateTimeOffset dt:
                    writer.WriteString(name + TypeSuffix, "Edm.DateTime");
                    writer.WriteString(name, dt.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture));
                    break;
                case Guid g:
                    writer.WriteString(name + TypeSuffix, "Edm.Guid");
                    writer.WriteString(name, g.ToString("D"));
                    break;
                case byte[] bytes:
                    writer.WriteString(name + TypeSuffix, "Edm.Binary");
                    writer.WriteBase64String(name, bytes);
                    break;
                default:
                    throw new InvalidOperationException($"Property '{name}' has unsupported type {value.GetType().Name}.");
            }
        }

        writer.WriteEndObject();
    }

    /// <summary>Reads an entity; keys come from the payload unless given (a point read may omit them).</summary>
    public static TableEntity Read(JsonElement json, string? partitionKey = null, string? rowKey = null)
    {
        partitionKey ??= json.GetProperty("PartitionKey").GetString()!;
        rowKey ??= json.GetProperty("RowKey").GetString()!;
        var entity = new TableEntity(partitionKey, rowKey);
        foreach (var property in json.EnumerateObject())
        {
            var name = property.Name;
            if (name is "PartitionKey" or "RowKey" || name.Contains('@', StringComparison.Ordinal) || name.StartsWith("odata.", StringComparison.Ordinal))
            {
                if (name == "odata.etag")
                {
                    entity.ETag = new Azure.ETag(property.Value.GetString()!);
                }

                continue;
            }

            if (name == "Timestamp")
            {
                entity.Timestamp = DateTimeOffset.Parse(property.Value.GetString()!, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);
                continue;
            }

            var type = json.TryGetProperty(name + TypeSuffix, out var t) ? t.GetString() : null;
            entity[name] = ReadValue(property.Value, type, name);
        }

        return entity;
    }

    private static object? ReadValue(JsonElement value, string? edmType, string name) => edmType switch
    {
        null => value.ValueKind switch
        {
            JsonValueKind.String => value.GetString(),
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            JsonValueKind.Number when value.TryGetInt32(out var i) => i,
            JsonValueKind.Number => value.GetDouble(),
            JsonValueKind.Null => null,
            _ => throw new FormatException($"Property '{name}' holds a JSON {value.ValueKind}, which tables do not store."),
        },
        "Edm.String" => value.GetString(),
        "Edm.Int32" => value.GetInt32(),
        "Edm.Int64" => long.Parse(value.GetString()!, NumberStyles.Integer, CultureInfo.InvariantCulture),
        "Edm.Double" => value.ValueKind == JsonValueKind.String
            ? double.Parse(value.GetString()!, NumberStyles.Float, CultureInfo.InvariantCulture)
            : value.GetDouble(),
        "Edm.Boolean" => value.GetBoolean(),
        "Edm.DateTime" => DateTimeOffset.Parse(value.GetString()!, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal).ToUniversalTime(),
        "Edm.Guid" => Guid.Parse(value.GetString()!),
        "Edm.Binary" => value.GetBytesFromBase64(),
        _ => throw new FormatException($"Property '{name}' has unknown type annotation '{edmType}'."),
    };

    /// <summary>
    /// The entity's size by the Table service's formula: 4 + 2 × (key lengths) + Σ (8 + 2 × name length + value size),
    /// strings counted as UTF-16 plus 4, binary as its length plus 4.
    /// </summary>
    public static long ServiceSize(TableEntity entity)
    {
        long size = 4 + (2L * (entity.PartitionKey.Length + entity.RowKey.Length));
        foreach (var (name, value) in entity.Properties)
        {
            size += 8 + (2L * name.Length) + value switch
            {
                string s => 4 + (2L * s.Length),
                byte[] b => 4 + b.Length,
                int => 4,
                bool => 1,
                Guid => 16,
                _ => 8,
            };
        }

        return size;
    }

    /// <summary>The service's limits on one entity (properties, size, value size), checked before anything is sent.</summary>
    internal static void Validate(TableEntity entity)
    {
        if (entity.Properties.Count > MaxCustomProperties)
        {
            throw new ArgumentException(
                $"Entity ({entity.PartitionKey}, {entity.RowKey}) has {entity.Properties.Count} properties; the limit is {MaxCustomProperties}.", nameof(entity));
        }

        var size = ServiceSize(entity);
        if (size > MaxEntityBytes)
        {
            throw new ArgumentException(
                $"Entity ({entity.PartitionKey}, {entity.RowKey}) is {size:N0} bytes as the service counts them; the limit for one entity is 1 MiB.", nameof(entity));
        }

        foreach (var (name, value) in entity.Properties)
        {
            var bytes = value switch
            {
                string s => s.Length * 2,
                byte[] b => b.Length,
                _ => 0,
            };
            if (bytes > MaxValueBytes)
            {
                throw new ArgumentException(
                    $"Property '{name}' of entity ({entity.PartitionKey}, {entity.RowKey}) is {bytes:N0} bytes; one value may be at most 64 KiB.", nameof(entity));
            }
        }
    }
}
