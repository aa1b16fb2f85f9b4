using Azure;

namespace Pipeline.Storage;

/// <summary>
/// One row of a table: partition key, row key, ETag, timestamp and typed properties.
/// Property values are limited to the types Azure Table storage knows: string, int, long, double, bool,
/// DateTimeOffset (stored in UTC), Guid and byte[].
/// </summary>
public sealed class TableEntity
{
    private readonly Dictionary<string, object> _properties = new(StringComparer.Ordinal);

    public TableEntity(string partitionKey, string rowKey)
    {
        TableKeys.Validate(partitionKey, nameof(partitionKey));
        TableKeys.Validate(rowKey, nameof(rowKey));
        PartitionKey = partitionKey;
        RowKey = rowKey;
    }

    public string PartitionKey { get; }

    public string RowKey { get; }

    /// <summary>Set by the store on read and write; echo it back for optimistic concurrency.</summary>
    public ETag ETag { get; set; }

    /// <summary>Set by the store; ignored on write.</summary>
    public DateTimeOffset? Timestamp { get; set; }

    public IReadOnlyDictionary<string, object> Properties => _properties;

    /// <summary>Gets or sets a property; setting null removes it.</summary>
    public object? this[string name]
    {
        get => _properties.GetValueOrDefault(name);
        set
        {
            TableKeys.ValidatePropertyName(name);
            if (value is null)
            {
                _properties.Remove(name);
                return;
            }

            _properties[name] = Normalize(name, value);
        }
    }

    public string? GetString(string name) => Get<string>(name);

    public int? GetInt32(string name) => _properties.GetValueOrDefault(name) switch
    {
        int i => i,
        long l when l is >= int.MinValue and <= int.MaxValue => (int)l,
        null => null,
        var other => throw WrongType(name, other, typeof(int)),
    };

    public long? GetInt64(string name) => _properties.GetValueOrDefault(name) switch
    {
        long l => l,
        int i => i,
        null => null,
        var other => throw WrongType(name, other, typeof(long)),
    };

    public double? GetDouble(string name) => _properties.GetValueOrDefault(name) switch
    {
        double d => d,
        int i => i,
        long l => l,
        null => null,
        var other => throw WrongType(name, other, typeof(double)),
    };

    public bool? GetBoolean(string name) => _properties.GetValueOrDefault(name) is bool b ? b : NullOrThrow<bool>(name);

    public DateTimeOffset? GetDateTimeOffset(string name) =>
        _properties.GetValueOrDefault(name) is DateTimeOffset d ? d : NullOrThrow<DateTimeOffset>(name);

    public Guid? GetGuid(string name) => _properties.GetValueOrDefault(name) is Guid g ? g : NullOrThrow<Guid>(name);

    public byte[]? GetBinary(string name) => Get<byte[]>(name);

    private T? Get<T>(string name) where T : class => _properties.GetValueOrDefault(name) switch
    {
        T t => t,
        null => null,
        var other => throw WrongType(name, other, typeof(T)),
    };

    private T? NullOrThrow<T>(string name) where T : struct =>
        _properties.TryGetValue(name, out var v) ? throw WrongType(name, v, typeof(T)) : null;

    private static InvalidCastException WrongType(string name, object value, Type wanted) =>
        new($"Property '{name}' holds a {value.GetType().Name}, not a {wanted.Name}.");

    private static object Normalize(string name, object value) => value switch
    {
        string or int or long or double or bool or Guid or byte[] => value,
        DateTimeOffset d => d.ToUniversalTime(),
        DateTime d => new DateTimeOffset(d.Kind == DateTimeKind.Unspecified ? DateTime.SpecifyKind(d, DateTimeKind.Utc) : d).ToUniversalTime(),
        float f => (double)f,
        _ => throw new ArgumentException(
            $"Property '{name}' has type {value.GetType().Name}; tables hold string, int, long, double, bool, DateTimeOffset, Guid or byte[].",
            nameof(value)),
    };
}
