using Pipeline.Domain.Scheduling;

namespace Pipeline.Domain.Tests;

public class CronScheduleTests
{
    private static DateTimeOffset At(string s) => DateTimeOffset.Parse(s, System.Globalization.CultureInfo.InvariantCulture);

    [Theory]
    [InlineData("0 */5 * * * *", "2026-11-22T10:03:27Z", "2026-11-22T10:05:00Z")]
    [InlineData("0 0 */6 * * *", "2026-11-22T10:03:27Z", "2026-11-22T12:00:00Z")]
    [InlineData("30 15 9 * * MON-FRI", "2026-11-21T10:00:00Z", "2026-11-23T09:15:30Z")]
    [InlineData("0 0 0 1 JAN *", "2026-11-22T00:00:00Z", "2027-01-01T00:00:00Z")]
    [InlineData("0 0 12 * * 0", "2026-11-22T12:00:00Z", "2026-11-29T12:00:00Z")]
    [InlineData("5,10 0 0 * * *", "2026-11-22T00:00:05Z", "2026-11-22T00:00:10Z")]
    [InlineData("0 0 0 29 2 *", "2026-03-01T00:00:00Z", "2028-02-29T00:00:00Z")]
    public void Next_ReturnsTheFollowingOccurrenceInUtc(string expression, string after, string expected)
    {
        Assert.Equal(At(expected), CronSchedule.Parse(expression).Next(At(after)));
    }

    [Theory]
    [InlineData("*/5 * * * *", "has 5 fields")]
    [InlineData("0 60 * * * *", "minute")]
    [InlineData("0 0 25 * * *", "hour")]
    [InlineData("0 0 0 * FOO *", "month")]
    [InlineData("0 0 0 * * */0", "day-of-week")]
    [InlineData("0 0 12 * * 7", "day-of-week")] // the Functions host (NCrontab) takes 0-6 only
    public void Parse_BadExpression_SaysWhichField(string expression, string expected)
    {
        var e = Assert.Throws<FormatException>(() => CronSchedule.Parse(expression));
        Assert.Contains(expected, e.Message);
    }
}
