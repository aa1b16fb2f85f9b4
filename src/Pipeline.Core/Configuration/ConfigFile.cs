using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization.Metadata;
using Pipeline.Domain;
using Pipeline.Domain.Certifications;
using Pipeline.Domain.Feeds;
using Pipeline.Domain.Requisitions;

namespace Pipeline.Core.Configuration;

/// <summary>
/// Reads a configuration document (feeds.json, requisitions.json, the certification catalogue) strictly: numbers
/// must be JSON numbers, true/false must be booleans, every key must be known. Every problem is listed, each naming
/// the file, the entry (<c>feed 'lakeshore-csv'</c>) and the setting in words, never a .NET type. What is wrong is
/// left out of the document that is then read, so its other problems can be found too.
/// </summary>
public static class ConfigFile
{
    /// <summary>
    /// The JSON settings and contracts of configuration documents (<see cref="ConfigJsonContext"/>): comments and
    /// trailing commas allowed, numbers never from text. Only the documents named there can be read.
    /// </summary>
    public static JsonSerializerOptions Options => ConfigJsonContext.Default.Options;

    /// <summary>The document, or null when it cannot be read at all; its problems are added to <paramref name="errors"/>.</summary>
    public static T? Read<T>(string path, string label, List<string> errors)
        where T : class
    {
        // A document with nothing wrong in it is read without the serializer's contracts (see ConfigFastReader).
        if (ReadFast<T>(path) is { } document)
        {
            if (VerifyFastReader)
            {
                var problems = new List<string>();
                Verify(document, ReadStrictly<T>(path, label, problems), label, problems);
            }

            return document;
        }

        return ReadStrictly<T>(path, label, errors);
    }

    /// <summary>
    /// Set in the test projects: every document the fast reader reads is read strictly as well, and any difference
    /// (a problem only the strict reader finds, or another result) fails the read.
    /// </summary>
    private static bool VerifyFastReader => AppContext.TryGetSwitch("Pipeline.Configuration.VerifyFastReader", out var on) && on;

    private static T? ReadFast<T>(string path)
        where T : class
    {
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null; // the strict reader says why
        }

        ReadOnlySpan<byte> bom = [0xEF, 0xBB, 0xBF];
        return ConfigFastReader.TryRead<T>(bytes.AsSpan().StartsWith(bom) ? bytes.AsMemory(bom.Length) : bytes);
    }

    private static void Verify<T>(T fast, T? strict, string label, List<string> problems)
    {
        var (a, b) = (JsonSerializer.Serialize(fast, DomainJson.Options), JsonSerializer.Serialize(strict, DomainJson.Options));
        if (problems.Count > 0 || a != b)
        {
            throw new InvalidOperationException($"The fast and strict readers disagree on {label}:{Environment.NewLine}{a}{Environment.NewLine}{b}{Environment.NewLine}{string.Join(Environment.NewLine, problems)}");
        }
    }

    private static T? ReadStrictly<T>(string path, string label, List<string> errors)
        where T : class
    {
        JsonNode? root;
        try
        {
            root = JsonNode.Parse(File.ReadAllText(path), documentOptions: new JsonDocumentOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip });
        }
        catch (JsonException e)
        {
            // The parser's message quotes no content, but keep to the position alone.
            errors.Add($"{label}: not valid JSON (line {e.LineNumber + 1}, byte {e.BytePositionInLine + 1}).");
            return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            errors.Add($"{label}: cannot be read: {e.Message}");
            return null;
        }

        if (root is not JsonObject)
        {
            errors.Add($"{label}: must be a JSON object.");
            return null;
        }

        var before = errors.Count;
        new Walker(label, errors).Walk(root, typeof(T), "", label, isRoot: true);
        try
        {
            return root.Deserialize<T>(Options) ?? throw new JsonException();
        }
        catch (JsonException e)
        {
            // The path says where; the serializer's own words (.NET type names) are left out.
            errors.Add(errors.Count == before
                ? $"{label}: the value at {e.Path ?? "the top"} is not valid (a date or time not in ISO 8601 form?)."
                : $"{label}: its other settings are checked once the problems above are fixed.");

            return null;
        }
    }

    private sealed class Walker(string label, List<string> errors)
    {
        public void Walk(JsonNode? node, Type type, string path, string where, bool isRoot = false)
        {
            var nullable = Nullable.GetUnderlyingType(type);
            type = nullable ?? type;
            if (node is null)
            {
                if (type.IsValueType && nullable is null)
                {
                    Add(where, path, "must have a value, not null");
                }

                return;
            }

            var problem = Primitive(node, type);
            if (problem is not null)
            {
                Add(where, path, problem);
                Remove(node);
                return;
            }

            if (IsPrimitive(type))
            {
                return;
            }

            if (type == typeof(Domain.Requisitions.SkillRequirement))
            {
                WalkSkill(node, path, where);
                return;
            }

            if (type == typeof(Domain.Feeds.FieldMapping))
            {
                WalkFieldMapping(node, path, where);
                return;
            }

            var info = Options.GetTypeInfo(type);
            switch (info.Kind)
            {
                case JsonTypeInfoKind.Object when node is JsonObject obj:
                    WalkObject(obj, info, path, where, isRoot);
                    break;
                case JsonTypeInfoKind.Enumerable when node is JsonArray array:
                    foreach (var (item, i) in array.ToList().Select((item, i) => (item, i)))
                    {
                        Walk(item, info.ElementType!, $"{path}[{i}]", where);
                    }

                    break;
                case JsonTypeInfoKind.Dictionary when node is JsonObject map:
                    foreach (var (key, value) in map.ToList())
                    {
                        Walk(value, info.ElementType!, Join(path, key), where);
                    }

                    break;
                case JsonTypeInfoKind.Object or JsonTypeInfoKind.Dictionary:
                    Add(where, path, $"must be an object, not {Describe(node)}");
                    Remove(node);
                    break;
                case JsonTypeInfoKind.Enumerable:
                    Add(where, path, $"must be a list, not {Describe(node)}");
                    Remove(node);
                    break;
                default:
                    // A type with a converter of its own (a skill: a name or an object) is checked when it is read.
                    break;
            }
        }

        private void WalkObject(JsonObject obj, JsonTypeInfo info, string path, string where, bool isRoot)
        {
            foreach (var (key, value) in obj.ToList())
            {
                // Keys are matched exactly: "pagesize" is not taken for "pageSize" (it is named, with the suggestion).
                var property = info.Properties.FirstOrDefault(p => string.Equals(p.Name, key, StringComparison.Ordinal));
                if (property is null)
                {
                    var suggestion = info.Properties.Select(p => p.Name).OrderBy(n => Distance(n.ToLowerInvariant(), key.ToLowerInvariant())).FirstOrDefault();
                    var hint = suggestion is not null && Distance(suggestion.ToLowerInvariant(), key.ToLowerInvariant()) <= 2 ? $" (did you mean '{suggestion}'?)" : "";
                    errors.Add($"{where}: unknown setting '{Join(path, key)}'{hint}.");
                    obj.Remove(key);
                    continue;
                }

                // The entries of a document's top-level list (feeds, requisitions, certifications) are named by their id.
                if (isRoot && value is JsonArray entries && Options.GetTypeInfo(property.PropertyType) is { Kind: JsonTypeInfoKind.Enumerable } list
                    && Options.GetTypeInfo(list.ElementType!).Kind == JsonTypeInfoKind.Object)
                {
                    var word = key.EndsWith('s') ? key[..^1] : key;
                    foreach (var (item, i) in entries.ToList().Select((item, i) => (item, i)))
                    {
                        var id = item is JsonObject entry && entry.FirstOrDefault(p => string.Equals(p.Key, "id", StringComparison.OrdinalIgnoreCase)).Value is JsonValue v
                                 && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : null;
                        Walk(item, list.ElementType!, "", id is null ? $"{label}: {key}[{i}]" : $"{label}: {word} '{id}'");
                    }

                    continue;
                }

                Walk(value, property.PropertyType, Join(path, key), where);
            }

            // A missing required text is left for the document's own checks to name ("'source' is required"), and a
            // missing required object is checked as if empty, so the rest of the entry is still checked.
            foreach (var required in info.Properties.Where(p => p.IsRequired && !obj.ContainsKey(p.Name)))
            {
                if (required.PropertyType == typeof(string))
                {
                    obj[required.Name] = "";
                }
                else if (Options.GetTypeInfo(required.PropertyType).Kind == JsonTypeInfoKind.Object)
                {
                    var empty = new JsonObject();
                    obj[required.Name] = empty;
                    Walk(empty, required.PropertyType, Join(path, required.Name), where);
                }
                else
                {
                    errors.Add($"{where}: '{Join(path, required.Name)}' is required.");
                }
            }
        }

        /// <summary>A skill is a name, or <c>{ "name": …, "weight": … }</c> (read by a converter of its own).</summary>
        private void WalkSkill(JsonNode node, string path, string where)
        {
            if (node.GetValueKind() == JsonValueKind.String)
            {
                return;
            }

            if (node is not JsonObject skill)
            {
                Add(where, path, $"must be a skill name, or an object with 'name' and 'weight', not {Describe(node)}");
                Remove(node);
                return;
            }

            foreach (var key in skill.Select(p => p.Key).Where(k => k is not ("name" or "weight")).ToList())
            {
                var hint = new[] { "name", "weight" }.FirstOrDefault(n => Distance(n, key.ToLowerInvariant()) <= 2) is { } near ? $" (did you mean '{near}'?)" : "";
                errors.Add($"{where}: unknown setting '{Join(path, key)}'{hint}.");
                skill.Remove(key);
            }

            if (skill["weight"] is { } weight && weight.GetValueKind() != JsonValueKind.Number)
            {
                Add(where, Join(path, "weight"), $"must be a number, not {Describe(weight)}");
                skill.Remove("weight");
            }

            if (skill["name"] is not { } name || name.GetValueKind() != JsonValueKind.String)
            {
                Add(where, Join(path, "name"), skill["name"] is { } bad ? $"must be text, not {Describe(bad)}" : "is required");
                Remove(node);
            }
        }

        /// <summary>A field mapping is a text, a list of texts (joined), or <c>{ "firstOf": [texts] }</c>.</summary>
        private void WalkFieldMapping(JsonNode node, string path, string where)
        {
            var list = node switch
            {
                JsonArray array => array,
                JsonObject obj when obj.Count == 1 && obj["firstOf"] is JsonArray firstOf => firstOf,
                _ => null,
            };
            if (node.GetValueKind() == JsonValueKind.String
                || (list is not null && list.All(item => item is not null && item.GetValueKind() == JsonValueKind.String)))
            {
                return;
            }

            Add(where, path, $"must be {Domain.Feeds.FieldMappingConverter.Shape}, not {Describe(node)}");
            Remove(node);
        }

        private void Add(string where, string path, string problem) =>
            errors.Add(path.Length == 0 ? $"{where}: {problem}." : $"{where}: '{path}' {problem}.");

        private static void Remove(JsonNode node)
        {
            switch (node.Parent)
            {
                case JsonObject parent:
                    parent.Remove(node.GetPropertyName());
                    break;
                case JsonArray array:
                    array.Remove(node);
                    break;
            }
        }

        private static string Join(string path, string key) => path.Length == 0 ? key : $"{path}.{key}";
    }

    private static bool IsPrimitive(Type type) =>
        type.IsPrimitive || type.IsEnum || type == typeof(string) || type == typeof(decimal) || type == typeof(DateOnly) || type == typeof(DateTimeOffset)
        || type == typeof(DateTime) || type == typeof(TimeSpan) || type == typeof(Guid) || type == typeof(Uri);

    /// <summary>What is wrong with a value of a simple type, or null.</summary>
    private static string? Primitive(JsonNode node, Type type)
    {
        var kind = node.GetValueKind();
        if (type == typeof(bool))
        {
            return kind is JsonValueKind.True or JsonValueKind.False ? null : $"must be true or false, not {Describe(node)}";
        }

        if (type.IsEnum)
        {
            var names = Enum.GetNames(type);
            return kind == JsonValueKind.String && names.Contains(node.GetValue<string>(), StringComparer.OrdinalIgnoreCase)
                ? null
                : $"must be one of {string.Join(", ", names.Select(JsonNamingPolicy.CamelCase.ConvertName))}, not {Describe(node)}";
        }

        if (type == typeof(char))
        {
            return kind == JsonValueKind.String && node.GetValue<string>().Length == 1 ? null : $"must be a single character, not {Describe(node)}";
        }

        if (type.IsPrimitive || type == typeof(decimal))
        {
            return kind == JsonValueKind.Number ? null : $"must be a number, not {Describe(node)}";
        }

        if (IsPrimitive(type))
        {
            return kind == JsonValueKind.String ? null : $"must be text, not {Describe(node)}";
        }

        return null;
    }

    // Configuration values are the admin's own, so they may be quoted; a long one is cut.
    private static string Describe(JsonNode node) => node.GetValueKind() switch
    {
        JsonValueKind.String => $"the text \"{Cut(node.GetValue<string>())}\"",
        JsonValueKind.Number => $"the number {node.ToJsonString()}",
        JsonValueKind.True or JsonValueKind.False => node.ToJsonString(),
        JsonValueKind.Array => "a list",
        JsonValueKind.Object => "an object",
        _ => "null",
    };

    private static string Cut(string text) => text.Length <= 40 ? text : text[..40] + "…";

    private static int Distance(string a, string b)
    {
        var previous = Enumerable.Range(0, b.Length + 1).ToArray();
        for (var i = 1; i <= a.Length; i++)
        {
            var current = new int[b.Length + 1];
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
            }

            previous = current;
        }

        return previous[b.Length];
    }
}
