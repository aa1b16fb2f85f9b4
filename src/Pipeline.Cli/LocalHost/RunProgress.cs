using System.Globalization;

namespace Pipeline.Cli.LocalHost;

/// <summary>
/// One status line on a terminal while <c>pipeline run</c> works, rewritten in place (<c>\r</c>) at most every
/// <see cref="Interval"/>: what is running now, feeds read, pages screened, candidates and their rate. Log lines are
/// written above it. Counts only: no candidate data, like every other status output.
/// </summary>
internal sealed class RunProgress : IAsyncDisposable
{
    public static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(250);

    private readonly RunSummary _summary;
    private readonly TextWriter _error;
    private readonly TimeProvider _time;
    private readonly DateTimeOffset _started;
    private readonly object _gate = new();
    private readonly CancellationTokenSource _stop = new();
    private Task _loop = Task.CompletedTask;
    private DateTimeOffset _lastDrawn = DateTimeOffset.MinValue;
    private int _shownLength;

    internal RunProgress(RunSummary summary, TextWriter error, TimeProvider time)
    {
        (_summary, _error, _time) = (summary, error, time);
        _started = time.GetUtcNow();
    }

    /// <summary>Only for a person watching: not with <c>--json</c> (a program reads the output) and not when standard error goes to a file or a pipe.</summary>
    public static bool ShouldShow(bool json, bool errorRedirected) => !json && !errorRedirected;

    /// <summary>Starts redrawing the line in the background until disposed.</summary>
    public static RunProgress Start(RunSummary summary, TextWriter error, TimeProvider time)
    {
        var progress = new RunProgress(summary, error, time);
        progress._loop = progress.LoopAsync();
        return progress;
    }

    /// <summary>Draws the line if <see cref="Interval"/> has passed since it was last drawn.</summary>
    public void Tick()
    {
        lock (_gate)
        {
            var now = _time.GetUtcNow();
            if (now - _lastDrawn < Interval)
            {
                return;
            }

            _lastDrawn = now;
            string line;
            lock (_summary)
            {
                line = Render(_summary, now - _started);
            }

            Draw(line);
        }
    }

    /// <summary>Writes a log line above the status line, which is drawn again at the next tick.</summary>
    public void WriteLine(string text)
    {
        lock (_gate)
        {
            Clear();
            _error.WriteLine(text);
            _lastDrawn = DateTimeOffset.MinValue;
        }
    }

    /// <summary>The status line for a run's counts so far.</summary>
    internal static string Render(RunSummary summary, TimeSpan elapsed)
    {
        var running = summary.Running.Where(r => r.Value > 0).OrderBy(r => r.Key, StringComparer.Ordinal)
            .Select(r => r.Value > 1 ? $"{r.Key} ×{r.Value}" : r.Key).ToList();
        var phase = running.Count > 0 ? string.Join(", ", running) : "waiting";
        var c = summary.Candidates;
        var candidates = c.New + c.Updated + c.Unchanged;
        var rate = elapsed.TotalSeconds >= 1 ? candidates / elapsed.TotalSeconds : 0;
        var pages = summary.Functions.GetValueOrDefault("ScreenCandidates")?.Invocations ?? 0;
        return string.Create(
            CultureInfo.InvariantCulture,
            $"{(int)elapsed.TotalMinutes}:{elapsed.Seconds:D2}  {phase} · feeds read {summary.Feeds} · pages {pages:N0} · candidates {candidates:N0} ({rate:N0}/s) · quarantined {summary.Quarantined:N0}");
    }

    public async ValueTask DisposeAsync()
    {
        if (_stop.IsCancellationRequested)
        {
            return;
        }

        await _stop.CancelAsync().ConfigureAwait(false);
        await _loop.ConfigureAwait(false);
        lock (_gate)
        {
            Clear();
        }
    }

    private async Task LoopAsync()
    {
        using var timer = new PeriodicTimer(Interval, _time);
        try
        {
            while (await timer.WaitForNextTickAsync(_stop.Token).ConfigureAwait(false))
            {
                Tick();
            }
        }
        catch (OperationCanceledException)
        {
            // Disposed: the run is over.
        }
    }

    private void Draw(string line)
    {
        // Pad over what the last line left; the terminal's width is not ours to know when the output is not a console.
        _error.Write("\r" + line.PadRight(_shownLength));
        _error.Flush();
        _shownLength = line.Length;
    }

    private void Clear()
    {
        if (_shownLength > 0)
        {
            _error.Write("\r" + new string(' ', _shownLength) + "\r");
            _error.Flush();
            _shownLength = 0;
        }
    }
}
