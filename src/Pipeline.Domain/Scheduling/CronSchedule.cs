using NCrontab;

namespace Pipeline.Domain.Scheduling;

/// <summary>
/// An NCRONTAB schedule as Azure Functions timers use it: six fields, <c>{second} {minute} {hour} {day} {month}
/// {day-of-week}</c>, evaluated in UTC. Parsed and evaluated by NCrontab, the library the Functions host itself uses,
/// so a schedule means here exactly what it means in Azure (day-of-week is 0–6, Sunday 0).
/// </summary>
public sealed partial class CronSchedule
{
    private static readonly string[] FieldNames = ["second", "minute", "hour", "day", "month", "day-of-week"];
    private static readonly CrontabFieldKind[] FieldKinds =
        [CrontabFieldKind.Second, CrontabFieldKind.Minute, CrontabFieldKind.Hour, CrontabFieldKind.Day, CrontabFieldKind.Month, CrontabFieldKind.DayOfWeek];

    private readonly CrontabSchedule _schedule;

    private CronSchedule(string expression, CrontabSchedule schedule)
    {
        Expression = expression;
        _schedule = schedule;
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

        // Field by field first, so the message names the field in words.
        for (var i = 0; i < parts.Length; i++)
        {
            // NCrontab takes a step of 0 ("*/0") without complaint; it means nothing, so it is refused here.
            if (CrontabField.TryParse(FieldKinds[i], parts[i]) is null || ZeroStep().IsMatch(parts[i]))
            {
                throw new FormatException($"'{expression}': the {FieldNames[i]} field '{parts[i]}' is not valid.");
            }
        }

        var schedule = CrontabSchedule.TryParse(expression, new CrontabSchedule.ParseOptions { IncludingSeconds = true })
            ?? throw new FormatException($"'{expression}' is not a valid schedule.");
        return new CronSchedule(expression, schedule);
    }

    /// <summary>The first occurrence strictly after <paramref name="after"/>, in UTC; null if none within five years.</summary>
    public DateTimeOffset? Next(DateTimeOffset after)
    {
        var start = after.UtcDateTime;
        var limit = start.AddYears(5);
        var next = _schedule.GetNextOccurrence(start, limit);
        return next < limit ? new DateTimeOffset(DateTime.SpecifyKind(next, DateTimeKind.Utc)) : null;
    }

    public override string ToString() => Expression;

    [System.Text.RegularExpressions.GeneratedRegex(@"/0+(?![0-9])")]
    private static partial System.Text.RegularExpressions.Regex ZeroStep();
}
