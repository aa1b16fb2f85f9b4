using System.Globalization;

namespace Pipeline.Domain.Scheduling;

/// <summary>
/// An NCRONTAB schedule as Azure Functions timers use it: six fields, <c>{second} {minute} {hour} {day} {month}
/// {day-of-week}</c>, evaluated in UTC. Fields take <c>*</c>, numbers, ranges <c>a-b</c>, steps <c>*/n</c> or
/// <c>a-b/n</c>, lists <c>a,b</c>, and month and day names (JAN, MON). As in NCRONTAB, day and day-of-week must
/// both match.
/// </summary>
public sealed class CronSchedule
{
    private static readonly string[] MonthNames = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"];
    private static readonly string[] DayNames = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"];

    private readonly bool[] _seconds;
    private readonly bool[] _minutes;
    private readonly bool[] _hours;
    private readonly bool[] _days;
    private readonly bool[] _months;
    private readonly bool[] _weekdays;

    private CronSchedule(string expression, bool[][] fields)
    {
        Expression = expression;
        (_seconds, _minutes, _hours, _days, _months, _weekdays) = (fields[0], fields[1], fields[2], fields[3], fields[4], fields[5]);
    }

    public string Expression { get; }

    public static CronSchedule Parse(string expression)
    {
        ArgumentNullException.ThrowIfNull(expression);
        var parts = expression.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length != 6)
        {
            throw new FormatException(
                $"'{expression}' has {parts.Length} fields; Functions timer schedules have 6: second minute hour day month day-of-week (e.g. '0 */5 * * * *').");
        }

        var fields = new[]
        {
            ParseField(parts[0], 0, 59, null, "second", expression),
            ParseField(parts[1], 0, 59, null, "minute", expression),
            ParseField(parts[2], 0, 23, null, "hour", expression),
            ParseField(parts[3], 1, 31, null, "day", expression),
            ParseField(parts[4], 1, 12, MonthNames, "month", expression),
            ParseField(parts[5], 0, 7, DayNames, "day-of-week", expression),
        };
        fields[5][0] |= fields[5][7]; // 7 is Sunday too
        return new CronSchedule(expression, fields);
    }

    /// <summary>The first occurrence strictly after <paramref name="after"/>, in UTC; null if none within five years.</summary>
    public DateTimeOffset? Next(DateTimeOffset after)
    {
        var t = after.UtcDateTime;
        t = new DateTime(t.Year, t.Month, t.Day, t.Hour, t.Minute, t.Second, DateTimeKind.Utc).AddSeconds(1);
        var limit = t.AddYears(5);
        while (t < limit)
        {
            if (!_months[t.Month])
            {
                t = new DateTime(t.Year, t.Month, 1, 0, 0, 0, DateTimeKind.Utc).AddMonths(1);
                continue;
            }

            if (!_days[t.Day] || !_weekdays[(int)t.DayOfWeek])
            {
                t = t.Date.AddDays(1);
                continue;
            }

            if (!_hours[t.Hour])
            {
                t = t.Date.AddHours(t.Hour + 1);
                continue;
            }

            if (!_minutes[t.Minute])
            {
                t = t.Date.AddHours(t.Hour).AddMinutes(t.Minute + 1);
                continue;
            }

            if (!_seconds[t.Second])
            {
                t = t.AddSeconds(1);
                continue;
            }

            return new DateTimeOffset(t);
        }

        return null;
    }

    public override string ToString() => Expression;

    private static bool[] ParseField(string text, int min, int max, string[]? names, string field, string expression)
    {
        var allowed = new bool[max + 1];
        foreach (var item in text.Split(','))
        {
            var (range, step) = item.Split('/') switch
            {
                [var r] => (r, 1),
                [var r, var s] when int.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0 => (r, n),
                _ => throw Bad(item),
            };

            int from, to;
            if (range == "*")
            {
                (from, to) = (min, max == 7 ? 6 : max);
            }
            else if (range.Split('-') is [var a, var b])
            {
                (from, to) = (Value(a), Value(b));
            }
            else
            {
                from = Value(range);
                to = step > 1 ? (max == 7 ? 6 : max) : from;
            }

            if (from > to)
            {
                throw Bad(item);
            }

            for (var v = from; v <= to; v += step)
            {
                allowed[v] = true;
            }
        }

        return allowed;

        int Value(string s)
        {
            if (int.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out var v) && v >= min && v <= max)
            {
                return v;
            }

            var index = names is null ? -1 : Array.IndexOf(names, s.ToUpperInvariant());
            return index >= 0 ? index + (names == MonthNames ? 1 : 0) : throw Bad(s);
        }

        FormatException Bad(string item) =>
            new($"'{expression}': the {field} field's '{item}' is not valid (allowed {min}-{max}{(names is null ? "" : " or names")}, '*', ranges, steps and lists).");
    }
}
