using System.Text.RegularExpressions;

namespace Pipeline.Storage;

/// <summary>The naming rules of Azure Table storage, enforced the same way for every implementation.</summary>
public static partial class TableKeys
{
    /// <summary>Keys may be up to 1 KiB; we count UTF-16 code units as the service does.</summary>
    public const int MaxKeyLength = 1024;

    public static void Validate(string key, string what)
    {
        ArgumentNullException.ThrowIfNull(key, what);
        if (key.Length > MaxKeyLength)
        {
            throw new ArgumentException($"The {what} is {key.Length} characters long; the limit is {MaxKeyLength}.", what);
        }

        foreach (var c in key)
        {
            if (c is '/' or '\\' or '#' or '?' || c <= '\u001F' || c is >= '\u007F' and <= '\u009F')
            {
                throw new ArgumentException(
                    $"The {what} contains the character U+{(int)c:X4}, which table keys may not hold (/ \\ # ? and control characters).", what);
            }
        }
    }

    public static void ValidateTableName(string name)
    {
        if (!TableNamePattern().IsMatch(name) || string.Equals(name, "tables", StringComparison.OrdinalIgnoreCase))
        {
            throw new ArgumentException(
                $"'{name}' is not a valid table name: 3 to 63 letters and digits, starting with a letter, and not 'tables'.", nameof(name));
        }
    }

    public static void ValidatePropertyName(string name)
    {
        if (!PropertyNamePattern().IsMatch(name) || name is "PartitionKey" or "RowKey" or "Timestamp" or "odata")
        {
            throw new ArgumentException(
                $"'{name}' is not a valid property name: an identifier of at most 255 characters, other than the system properties.", nameof(name));
        }
    }

    [GeneratedRegex("^[A-Za-z][A-Za-z0-9]{2,62}$")]
    private static partial Regex TableNamePattern();

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]{0,254}$")]
    private static partial Regex PropertyNamePattern();
}
