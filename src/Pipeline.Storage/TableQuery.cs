using System.Globalization;

namespace Pipeline.Storage;

/// <summary>A query: an optional filter, an optional projection and a page size.</summary>
public sealed record TableQuery
{
    public TableFilter? Filter { get; init; }

    /// <summary>Property names to return; null returns all. Keys, ETag and Timestamp always come back.</summary>
    public IReadOnlyList<string>? Select { get; init; }

    /// <summary>Entities per round trip (the service caps pages at 1,000).</summary>
    public int PageSize { get; init; } = 1000;

    public static TableQuery InPartition(string partitionKey) => new() { Filter = TableFilter.Equal("PartitionKey", partitionKey) };
}

public enum ComparisonOperator
{
    Equal,
    NotEqual,
    GreaterThan,
    GreaterThanOrEqual,
    LessThan,
    LessThanOrEqual,
}

/// <summary>
/// A filter built from values, never from concatenated text: <see cref="ToOData"/> quotes and escapes every literal,
/// so a value such as <c>' or PartitionKey ne '</c> stays a value.
/// </summary>
public abstract record TableFilter
{
    public static TableFilter Equal(string property, object value) => new Comparison(property, ComparisonOperator.Equal, value);

    public static TableFilter NotEqual(string property, object value) => new Comparison(property, ComparisonOperator.NotEqual, value);

    public static TableFilter GreaterThan(string property, object value) => new Comparison(property, ComparisonOperator.GreaterThan, value);

    public static TableFilter GreaterThanOrEqual(string property, object value) => new Comparison(property, ComparisonOperator.GreaterThanOrEqual, value);

    public static TableFilter LessThan(string property, object value) => new Comparison(property, ComparisonOperator.LessThan, value);

    public static TableFilter LessThanOrEqual(string property, object value) => new Comparison(property, ComparisonOperator.LessThanOrEqual, value);

    public static TableFilter operator &(TableFilter left, TableFilter right) => new And(left, right);

    public static TableFilter operator |(TableFilter left, TableFilter right) => new Or(left, right);

    public static TableFilter operator !(TableFilter operand) => new Not(operand);

    /// <summary>The OData <c>$filter</c> text the Table service understands.</summary>
    public abstract string ToOData();

    /// <summary>Evaluates the filter on an entity, with the service's semantics (values of different types never match).</summary>
    public abstract bool Matches(TableEntity entity);

    /// <summary>The partition this filter is confined to, if it says so at the top level.</summary>
    public virtual string? ExactPartitionKey => null;

    public sealed record Comparison : TableFilter
    {
        public Comparison(string property, ComparisonOperator op, object value)
        {
            if (property is not ("PartitionKey" or "RowKey" or "Timestamp"))
            {
                TableKeys.ValidatePropertyName(property);
            }

            Property = property;
            Operator = op;
            Value = value switch
            {
                string or int or long or double or bool or Guid => value,
                DateTimeOffset d => d.ToUniversalTime(),
                _ => throw new ArgumentException($"Filters compare strings, numbers, bools, dates and GUIDs, not {value.GetType().Name}.", nameof(value)),
            };
        }

        public string Property { get; }

        public ComparisonOperator Operator { get; }

        public object Value { get; }

        public override string? ExactPartitionKey =>
            Property == "PartitionKey" && Operator == ComparisonOperator.Equal ? (string)Value : null;

        public override string ToOData() => $"{Property} {OperatorText(Operator)} {Literal(Value)}";

        public override bool Matches(TableEntity entity)
        {
            object? actual = Property switch
            {
                "PartitionKey" => entity.PartitionKey,
                "RowKey" => entity.RowKey,
                "Timestamp" => entity.Timestamp,
                _ => entity[Property],
            };
            var order = Compare(actual, Value);
            return order is int c && Operator switch
            {
                ComparisonOperator.Equal => c == 0,
                ComparisonOperator.NotEqual => c != 0,
                ComparisonOperator.GreaterThan => c > 0,
                ComparisonOperator.GreaterThanOrEqual => c >= 0,
                ComparisonOperator.LessThan => c < 0,
                _ => c <= 0,
            };
        }

        private static int? Compare(object? actual, object expected) => (actual, expected) switch
        {
            (string a, string e) => string.CompareOrdinal(a, e),
            (bool a, bool e) => a.CompareTo(e),
            (Guid a, Guid e) => a.CompareTo(e),
            (DateTimeOffset a, DateTimeOffset e) => a.CompareTo(e),
            (int or long or double, int or long or double) => Convert.ToDouble(actual, CultureInfo.InvariantCulture)
                .CompareTo(Convert.ToDouble(expected, CultureInfo.InvariantCulture)),
            _ => null,
        };

        private static string OperatorText(ComparisonOperator op) => op switch
        {
            ComparisonOperator.Equal => "eq",
            ComparisonOperator.NotEqual => "ne",
            ComparisonOperator.GreaterThan => "gt",
            ComparisonOperator.GreaterThanOrEqual => "ge",
            ComparisonOperator.LessThan => "lt",
            _ => "le",
        };

        private static string Literal(object value) => value switch
        {
            string s => "'" + s.Replace("'", "''", StringComparison.Ordinal) + "'",
            int i => i.ToString(CultureInfo.InvariantCulture),
            long l => l.ToString(CultureInfo.InvariantCulture) + "L",
            double d => d.ToString("0.0###############", CultureInfo.InvariantCulture),
            bool b => b ? "true" : "false",
            Guid g => $"guid'{g:D}'",
            DateTimeOffset d => $"datetime'{d.UtcDateTime:yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'}'",
            _ => throw new InvalidOperationException(),
        };
    }

    public sealed record And(TableFilter Left, TableFilter Right) : TableFilter
    {
        public override string? ExactPartitionKey => Left.ExactPartitionKey ?? Right.ExactPartitionKey;

        public override string ToOData() => $"({Left.ToOData()}) and ({Right.ToOData()})";

        public override bool Matches(TableEntity entity) => Left.Matches(entity) && Right.Matches(entity);
    }

    public sealed record Or(TableFilter Left, TableFilter Right) : TableFilter
    {
        public override string ToOData() => $"({Left.ToOData()}) or ({Right.ToOData()})";

        public override bool Matches(TableEntity entity) => Left.Matches(entity) || Right.Matches(entity);
    }

    public sealed record Not(TableFilter Operand) : TableFilter
    {
        public override string ToOData() => $"not ({Operand.ToOData()})";

        public override bool Matches(TableEntity entity) => !Operand.Matches(entity);
    }
}
