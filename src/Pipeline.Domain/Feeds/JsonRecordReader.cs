using System.Collections.Frozen;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Pipeline.Domain.Candidates;

namespace Pipeline.Domain.Feeds;

/// <summary>
/// Maps one JSON record to our fields in a single pass of <see cref="Utf8JsonReader"/>, without building a
/// <see cref="JsonDocument"/>: the feed's paths are compiled into a tree once per document, the walk keeps only the
/// values at those paths (strings decoded, containers as byte ranges read again on demand) and skips everything else.
/// It means what <see cref="JsonElement.TryGetProperty(string, out JsonElement)"/> path lookups meant: the last of
/// duplicate properties wins, a numeric segment indexes an array or names a property, the whole record must be valid JSON.
/// </summary>
/// <remarks>One instance reads one document's records in turn; it is not thread-safe and its values are valid until the next record.</remarks>
internal sealed class JsonRecordReader : IFieldSource
{
    private readonly PathNode _root;
    private readonly FrozenDictionary<string, Field> _fields;
    private readonly Value[] _values;
    private ReadOnlyMemory<byte> _record;

    public JsonRecordReader(FeedDefinition feed)
    {
        _root = new PathNode(string.Empty);
        var fields = new Dictionary<string, Field>(StringComparer.Ordinal);
        foreach (var name in CandidateFields.All)
        {
            // Every path of a field that joins or falls back over several is walked in the same pass.
            var mapping = feed.MappingOf(name);
            fields[name] = new Field(mapping, [.. mapping.Sources.Select(path => new Source(path, _root.Add(path.Split('.'))))]);
        }

        _fields = fields.ToFrozenDictionary(StringComparer.Ordinal);
        _values = new Value[_root.Number(0)];
    }

    /// <summary>
    /// Reads <paramref name="record"/> (kept, not copied, until the next call) and returns why it cannot be mapped:
    /// null when it is a valid JSON object, else the reason (not valid JSON, or not an object).
    /// </summary>
    public string? Read(ReadOnlyMemory<byte> record)
    {
        _record = record;
        Array.Clear(_values);
        var reader = new Utf8JsonReader(record.Span);
        try
        {
            reader.Read();
            var kind = reader.TokenType;
            if (kind == JsonTokenType.StartObject)
            {
                ReadObject(ref reader, _root);
            }
            else
            {
                reader.Skip();
            }

            // The rest must be whitespace: the reader throws on a second value.
            while (reader.Read())
            {
            }

            return kind == JsonTokenType.StartObject ? null : $"expected a JSON object, found a JSON {KindName(kind)}";
        }
        catch (JsonException e)
        {
            return $"not valid JSON at byte {e.BytePositionInLine}";
        }
    }

    /// <summary>The record's text, for a quarantined row's excerpt.</summary>
    public string Excerpt() => Encoding.UTF8.GetString(_record.Span.Trim(" \t\r\n"u8));

    public string? Text(string field)
    {
        var (mapping, sources) = _fields[field];
        return mapping.Kind == FieldMappingKind.Single ? TextAt(field, sources[0]) : mapping.Text(i => TextAt(field, sources[i]));
    }

    public IReadOnlyList<string>? List(string field)
    {
        var (mapping, sources) = _fields[field];
        if (mapping.Kind == FieldMappingKind.Join)
        {
            // Each path's list (an array, or text split as a CSV cell is), one after another.
            if (!CandidateFields.IsList(field))
            {
                return null;
            }

            var joined = new List<string>();
            foreach (var source in sources)
            {
                joined.AddRange(ListAt(source) ?? CandidateFields.Split(field, TextAt(field, source)));
            }

            return joined;
        }

        return Chosen(mapping, sources) is { } chosen ? ListAt(chosen) : null;
    }

    public IReadOnlyList<ClaimedCertification>? Certifications()
    {
        var (mapping, sources) = _fields[CandidateFields.Certifications];
        var objects = 0;
        var list = new List<ClaimedCertification>();
        foreach (var source in mapping.Kind == FieldMappingKind.FirstOf ? (Chosen(mapping, sources) is { } chosen ? [chosen] : []) : sources)
        {
            var value = _values[source.Node.Id];
            if (value.Type != JsonTokenType.StartArray)
            {
                continue;
            }

            var reader = Reader(value);
            while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
            {
                if (reader.TokenType != JsonTokenType.StartObject)
                {
                    reader.Skip();
                    continue;
                }

                objects++;
                var p = StringProperties(ref reader, CertificationProperties);
                if (p[0] is not { } name)
                {
                    continue;
                }

                list.Add(new ClaimedCertification(
                    Normalizer.Text(name, CandidateFields.Certifications)!,
                    Normalizer.Text(p[1], CandidateFields.Certifications),
                    Normalizer.Url(p[2] ?? p[3], CandidateFields.Certifications),
                    Normalizer.Date(p[4], CandidateFields.Certifications))
                {
                    CredentialId = Normalizer.Text(p[5], CandidateFields.Certifications, 200),
                    BadgeEmail = Normalizer.OptionalEmail(p[6], CandidateFields.Certifications),
                });
            }
        }

        return objects == 0 ? null : list;
    }

    private string? TextAt(string field, Source source)
    {
        var value = _values[source.Node.Id];
        return value.Type switch
        {
            JsonTokenType.None or JsonTokenType.Null => null,
            JsonTokenType.String or JsonTokenType.Number or JsonTokenType.True or JsonTokenType.False => value.Text,
            var type => throw new FieldException(field, $"expected text at '{source.Path}', found a JSON {KindName(type)}"),
        };
    }

    private List<string>? ListAt(Source source)
    {
        var value = _values[source.Node.Id];
        if (value.Type != JsonTokenType.StartArray)
        {
            return null;
        }

        var list = new List<string>();
        var reader = Reader(value);
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            switch (reader.TokenType)
            {
                case JsonTokenType.String:
                    list.Add(reader.GetString()!);
                    break;
                case JsonTokenType.StartObject:
                    if (StringProperties(ref reader, NameOnly)[0] is { } name)
                    {
                        list.Add(name);
                    }

                    break;
                default:
                    reader.Skip();
                    break;
            }
        }

        return list;
    }

    /// <summary>The one path a single or first-of field is read from: the first that has a value (null when none has).</summary>
    private Source? Chosen(FieldMapping mapping, Source[] sources)
    {
        if (mapping.Kind != FieldMappingKind.FirstOf)
        {
            return sources[0];
        }

        foreach (var source in sources)
        {
            if (HasValue(_values[source.Node.Id]))
            {
                return source;
            }
        }

        return null;
    }

    private bool HasValue(Value value)
    {
        switch (value.Type)
        {
            case JsonTokenType.None or JsonTokenType.Null:
                return false;
            case JsonTokenType.String:
                return !string.IsNullOrWhiteSpace(value.Text);
            case JsonTokenType.StartArray:
                var reader = Reader(value);
                return reader.Read() && reader.TokenType != JsonTokenType.EndArray;
            default:
                return true;
        }
    }

    private static readonly byte[][] NameOnly = ["name"u8.ToArray()];

    private static readonly byte[][] CertificationProperties =
        [.. new[] { "name", "issuer", "badgeUrl", "url", "date", "credentialId", "badgeEmail" }.Select(Encoding.UTF8.GetBytes)];

    /// <summary>The string values of <paramref name="names"/> in the object the reader is at, reading to its end; the last of duplicates wins, and a value that is not a string counts as none.</summary>
    private static string?[] StringProperties(ref Utf8JsonReader reader, byte[][] names)
    {
        var found = new string?[names.Length];
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var index = -1;
            for (var i = 0; i < names.Length; i++)
            {
                if (reader.ValueTextEquals(names[i]))
                {
                    index = i;
                    break;
                }
            }

            reader.Read();
            if (index >= 0)
            {
                found[index] = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
            }

            reader.Skip();
        }

        return found;
    }

    private Utf8JsonReader Reader(Value container)
    {
        var reader = new Utf8JsonReader(_record.Span[container.Start..container.End]);
        reader.Read();
        return reader;
    }

    private void ReadObject(ref Utf8JsonReader reader, PathNode node)
    {
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var child = node.Property(ref reader);
            reader.Read();
            if (child is null)
            {
                reader.Skip();
            }
            else
            {
                Capture(ref reader, child);
            }
        }
    }

    private void ReadArray(ref Utf8JsonReader reader, PathNode node)
    {
        var index = 0;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            var child = node.Element(index++);
            if (child is null)
            {
                reader.Skip();
            }
            else
            {
                Capture(ref reader, child);
            }
        }
    }

    private void Capture(ref Utf8JsonReader reader, PathNode node)
    {
        // A later duplicate replaces the whole value, including whatever was found inside the earlier one.
        Array.Clear(_values, node.Id, node.Size);
        var type = reader.TokenType;
        switch (type)
        {
            case JsonTokenType.String:
                _values[node.Id] = new Value(type, reader.GetString(), 0, 0);
                break;
            case JsonTokenType.Number or JsonTokenType.True or JsonTokenType.False:
                _values[node.Id] = new Value(type, Encoding.UTF8.GetString(reader.ValueSpan), 0, 0);
                break;
            case JsonTokenType.StartObject or JsonTokenType.StartArray:
                var start = (int)reader.TokenStartIndex;
                if (node.HasChildren)
                {
                    if (type == JsonTokenType.StartObject)
                    {
                        ReadObject(ref reader, node);
                    }
                    else
                    {
                        ReadArray(ref reader, node);
                    }
                }
                else
                {
                    reader.Skip();
                }

                _values[node.Id] = new Value(type, null, start, (int)reader.BytesConsumed);
                break;
            default:
                _values[node.Id] = new Value(type, null, 0, 0);
                break;
        }
    }

    /// <summary>The names <see cref="JsonValueKind"/> gives, which rejection reasons have always used.</summary>
    private static string KindName(JsonTokenType type) => type switch
    {
        JsonTokenType.StartObject => nameof(JsonValueKind.Object),
        JsonTokenType.StartArray => nameof(JsonValueKind.Array),
        JsonTokenType.String => nameof(JsonValueKind.String),
        JsonTokenType.Number => nameof(JsonValueKind.Number),
        JsonTokenType.True => nameof(JsonValueKind.True),
        JsonTokenType.False => nameof(JsonValueKind.False),
        JsonTokenType.Null => nameof(JsonValueKind.Null),
        _ => nameof(JsonValueKind.Undefined),
    };

    /// <summary>Where one of a field's values is read from: its dotted path as configured, and that path's node.</summary>
    private readonly record struct Source(string Path, PathNode Node);

    /// <summary>A field's mapping and its sources, in the mapping's order.</summary>
    private readonly record struct Field(FieldMapping Mapping, Source[] Sources);

    /// <summary>The value found at a path: a scalar's text, or a container's byte range within the record.</summary>
    private readonly record struct Value(JsonTokenType Type, string? Text, int Start, int End);

    /// <summary>One segment of the wanted paths; ids are numbered depth-first so a node's subtree is a range of them.</summary>
    private sealed class PathNode(string segment)
    {
        private readonly byte[] _name = Encoding.UTF8.GetBytes(segment);
        private readonly int _index = int.TryParse(segment, NumberStyles.None, CultureInfo.InvariantCulture, out var i) ? i : -1;
        private readonly List<PathNode> _children = [];

        public int Id { get; private set; }

        /// <summary>This node and its descendants.</summary>
        public int Size { get; private set; }

        public bool HasChildren => _children.Count > 0;

        public PathNode Add(ReadOnlySpan<string> segments)
        {
            if (segments.IsEmpty)
            {
                return this;
            }

            var segment = segments[0];
            var child = _children.Find(c => c.Is(segment));
            if (child is null)
            {
                child = new PathNode(segment);
                _children.Add(child);
            }

            return child.Add(segments[1..]);
        }

        public int Number(int id)
        {
            Id = id;
            var next = id + 1;
            foreach (var child in _children)
            {
                next = child.Number(next);
            }

            Size = next - id;
            return next;
        }

        public PathNode? Property(ref Utf8JsonReader reader)
        {
            // Names in feeds are rarely escaped: compare their bytes as they are, and let the reader unescape the rest.
            var escaped = reader.ValueIsEscaped;
            var name = reader.ValueSpan;
            foreach (var child in _children)
            {
                if (escaped ? reader.ValueTextEquals(child._name) : name.SequenceEqual(child._name))
                {
                    return child;
                }
            }

            return null;
        }

        public PathNode? Element(int index)
        {
            foreach (var child in _children)
            {
                if (child._index == index)
                {
                    return child;
                }
            }

            return null;
        }

        private bool Is(string segment) => _name.AsSpan().SequenceEqual(Encoding.UTF8.GetBytes(segment));
    }
}
