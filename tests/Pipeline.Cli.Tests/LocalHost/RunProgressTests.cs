using System.Text;
using Pipeline.Cli.LocalHost;
using Microsoft.Extensions.Time.Testing;

namespace Pipeline.Cli.Tests.LocalHost;

public class RunProgressTests
{
    [Theory]
    [InlineData(false, false, true)]
    [InlineData(true, false, false)]
    [InlineData(false, true, false)]
    [InlineData(true, true, false)]
    public void Shown_OnlyOnATerminal_AndNotWithJson(bool json, bool errorRedirected, bool shown)
    {
        Assert.Equal(shown, RunProgress.ShouldShow(json, errorRedirected));
    }

    [Fact]
    public void Line_SaysWhatIsRunning_FeedsPagesCandidatesAndRate()
    {
        var summary = Summary();

        var line = RunProgress.Render(summary, TimeSpan.FromSeconds(70));

        Assert.Equal("1:10  ReadFeed, ScreenCandidates ×2 · feeds read 1 · pages 3 · candidates 140 (2/s) · quarantined 5", line);
        summary.Ended("ReadFeed");
        summary.Ended("ScreenCandidates");
        summary.Ended("ScreenCandidates");
        Assert.StartsWith("1:10  waiting · ", RunProgress.Render(summary, TimeSpan.FromSeconds(70)), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Line_IsRewrittenInPlace_AtMostEveryInterval_LogLinesGoAboveIt_AndItIsClearedAtTheEnd()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 12, 2, 6, 0, 0, TimeSpan.Zero));
        var writer = new StringWriter();
        var progress = new RunProgress(Summary(), writer, clock);

        clock.Advance(TimeSpan.FromSeconds(2));
        progress.Tick();
        var first = writer.ToString();
        Assert.StartsWith("\r0:02  ReadFeed", first, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', first);

        clock.Advance(RunProgress.Interval / 2);
        progress.Tick();
        Assert.Equal(first, writer.ToString()); // too soon to draw again

        clock.Advance(RunProgress.Interval);
        progress.Tick();
        // 140 candidates in 2.375 s: one line on the screen, the latest.
        Assert.Equal("0:02  ReadFeed, ScreenCandidates ×2 · feeds read 1 · pages 3 · candidates 140 (59/s) · quarantined 5", Assert.Single(Screen(writer.ToString())).TrimEnd());

        progress.WriteLine("ReadFeed failed: the feed answered 500");
        progress.Tick(); // drawn again at once below the log line
        await progress.DisposeAsync();

        var screen = Screen(writer.ToString());
        Assert.Equal("ReadFeed failed: the feed answered 500", screen[0].TrimEnd());
        Assert.Equal(string.Empty, screen[1].Trim());
    }

    [Fact]
    public async Task RunAsAProcess_WithStandardErrorRedirected_PrintsNoProgress()
    {
        var data = Directory.CreateTempSubdirectory("pipeline-progress-");
        try
        {
            var (exit, stdout, stderr) = await CliProcess.RunAsync("run", "--once", "--data", data.FullName);

            Assert.True(exit == 0, stderr);
            Assert.Contains("Candidates", stdout, StringComparison.Ordinal);
            Assert.DoesNotContain('\r', stderr);
            Assert.DoesNotContain("pages ", stderr, StringComparison.Ordinal);
        }
        finally
        {
            data.Delete(recursive: true);
        }
    }

    private static RunSummary Summary()
    {
        var summary = new RunSummary();
        summary.Add("ReadFeed", new Dictionary<string, long> { ["feeds"] = 1, ["quarantined"] = 5 });
        summary.Add("ScreenCandidates", new Dictionary<string, long> { ["new"] = 120, ["unchanged"] = 20 });
        for (var i = 0; i < 3; i++)
        {
            summary.Time("ScreenCandidates", TimeSpan.FromSeconds(1));
        }

        summary.Started("ReadFeed");
        summary.Started("ScreenCandidates");
        summary.Started("ScreenCandidates");
        return summary;
    }

    /// <summary>What a terminal shows for this output: <c>\r</c> returns to the start of the line and overwrites it.</summary>
    private static List<string> Screen(string output)
    {
        var lines = new List<string> { string.Empty };
        var column = 0;
        foreach (var c in output)
        {
            switch (c)
            {
                case '\r':
                    column = 0;
                    break;
                case '\n':
                    lines.Add(string.Empty);
                    column = 0;
                    break;
                default:
                    var line = new StringBuilder(lines[^1].PadRight(column + 1));
                    line[column++] = c;
                    lines[^1] = line.ToString();
                    break;
            }
        }

        return lines;
    }
}
