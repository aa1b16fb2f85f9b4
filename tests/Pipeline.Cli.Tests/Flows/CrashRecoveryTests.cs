using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Pipeline.Cli.Commands;
using Pipeline.Cli.LocalHost;
using Pipeline.Storage;
using Pipeline.Storage.Sqlite;

namespace Pipeline.Cli.Tests.Flows;

/// <summary>
/// The real <c>pipeline</c> CLI as a separate process, killed (SIGKILL) or stopped (Ctrl+C) partway through a run over a
/// seeded generated feed and run again at once: the store and the outbox end as after a run that was never interrupted,
/// with nothing left locked or dead-lettered.
/// </summary>
public sealed class CrashRecoveryTests : IDisposable
{
    private const int Seed = 1616;
    private const int Rows = 2500;
    private static readonly TimeSpan RunTimeout = TimeSpan.FromSeconds(90);

    private readonly string _root = Path.Combine(Path.GetTempPath(), "pipeline-tests", Guid.NewGuid().ToString("N"));

    private static DirectoryInfo Samples => new(Path.Combine(AppContext.BaseDirectory, "samples"));

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    [Fact]
    public async Task RunOnce_RightAfterARunIsKilledWhileScreening_FinishesWhatTheDeadRunHeldLocked()
    {
        var config = GeneratedConfig();
        var data = new DirectoryInfo(Path.Combine(_root, "crashed"));

        // Killed as soon as candidate pages are being screened: the dead run holds some of them locked.
        Assert.True(await RunAndKillAsync(config, data, async () => (await ActiveAsync(data, "candidates")) > 0), "the run ended before it could be killed");
        var rerun = await RunToEndAsync(config, data);

        Assert.Equal(0, (await QueueCountsAsync(data)).Sum(c => c.Active));
        Assert.Equal(2, rerun.GetProperty("emails").GetInt32());
        Assert.Equal(2, rerun.GetProperty("notifications").GetInt32());
        Assert.Equal(2, Directory.GetFiles(Path.Combine(data.FullName, "outbox", "mail"), "*.eml").Length);
    }

    [Fact]
    public async Task RunOnce_KilledAtSeveralPointsAndRerunAtOnceEachTime_EndsEqualToAnUninterruptedRun()
    {
        var config = GeneratedConfig();
        var clean = new DirectoryInfo(Path.Combine(_root, "clean"));
        var crashed = new DirectoryInfo(Path.Combine(_root, "crashed"));
        var random = new Random(Seed);

        await RunToEndAsync(config, clean);

        // While the feed is being read (its first pages waiting to be screened).
        Assert.True(await RunAndKillAsync(config, crashed, async () => (await ActiveAsync(crashed, "candidates")) > 0), "not killed while reading");
        // While candidates are screened: a seeded moment after screening has begun again.
        var screeningFor = TimeSpan.FromMilliseconds(random.Next(300, 1500));
        var screening = default(long?);
        var killedWhileScreening = await RunAndKillAsync(config, crashed, async () =>
        {
            if (screening is null && await ActiveAsync(crashed, "candidates") > 0)
            {
                screening = Stopwatch.GetTimestamp();
            }

            return screening is { } s && Stopwatch.GetElapsedTime(s) >= screeningFor;
        });
        Assert.True(killedWhileScreening, "not killed while screening");
        // While shortlists are delivered: as soon as the first email is in the outbox.
        Assert.True(await RunAndKillAsync(config, crashed, () => Task.FromResult(Directory.Exists(Path.Combine(crashed.FullName, "outbox", "mail"))
            && Directory.GetFiles(Path.Combine(crashed.FullName, "outbox", "mail"), "*.eml").Length > 0)), "not killed while delivering");
        await RunToEndAsync(config, crashed);

        // The hiring manager replies to both; killed as soon as the confirmation email is written.
        await ReplyAsync(clean);
        await RunToEndAsync(config, clean);
        await ReplyAsync(crashed);
        Assert.True(await RunAndKillAsync(config, crashed, () => Task.FromResult(
            Directory.GetFiles(Path.Combine(crashed.FullName, "outbox", "mail"), "*.eml").Length > 2)), "not killed while handling the reply");
        var last = await RunToEndAsync(config, crashed);

        // The run straight after the last kill finished everything: nothing locked, nothing dead-lettered.
        var counts = await QueueCountsAsync(crashed);
        Assert.Equal(0, counts.Sum(c => c.Active));
        Assert.Equal(0, counts.Sum(c => c.DeadLettered));
        Assert.Equal(0, last.GetProperty("deadLettersTotal").GetInt32());
        Assert.True(Outbox(clean).SequenceEqual(Outbox(crashed)), $"clean:\n{string.Join("\n", Outbox(clean))}\ncrashed:\n{string.Join("\n", Outbox(crashed))}");
        Assert.Equal(2, (await TableAsync(clean, "decisions")).Count);
        foreach (var table in new[] { "candidates", "identities", "quarantine", "shortlists", "pools", "decisions" })
        {
            Assert.Equal(await TableAsync(clean, table), await TableAsync(crashed, table));
        }
    }

    /// <summary>Dana answers the ML platform shortlist, as `pipeline replies submit` puts it in the replies queue.</summary>
    private async Task ReplyAsync(DirectoryInfo data)
    {
        var subject = OutboxCommand.List(Path.Combine(data.FullName, "outbox"))
            .Single(i => i.Kind == "email" && i.Subject!.Contains("Machine Learning Engineer", StringComparison.Ordinal)).Subject!;
        var reply = Path.Combine(_root, "reply.txt");
        File.WriteAllText(reply, "Let's interview 1 and pass on 2.");
        Assert.Equal(0, await RepliesCommand.SubmitAsync(new FileInfo(reply), "dana.whitfield@contoso.example", "RE: " + subject, data, new StringWriter(), new StringWriter(), CancellationToken.None));
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
    }

    [Fact]
    public async Task RunOnce_StoppedWithCtrlC_ReportsWhatItDid_AndTheNextRunContinuesAtOnce()
    {
        var config = GeneratedConfig();
        var data = new DirectoryInfo(Path.Combine(_root, "stopped"));
        var settings = new Dictionary<string, string?> { ["Pipeline:FeedPagesPerInvocation"] = "1" };
        using var stop = new CancellationTokenSource();
        var output = new StringWriter();
        var error = new StringWriter();

        var run = RunCommand.RunAsync(config, data, once: true, maxDeliveries: 10, verbose: false, json: true, output, error, stop.Token, settings);
        // Stop once screening is under way (people stored, pages still waiting), as a user presses Ctrl+C. What the
        // run has done decides the moment, not a fixed delay: a faster run once finished inside that delay.
        var deadline = Stopwatch.StartNew();
        while (!run.IsCompleted && deadline.Elapsed < RunTimeout && (await ActiveAsync(data, "candidates") < 2 || await PeopleAsync(data) == 0))
        {
            await Task.Delay(10);
        }

        await stop.CancelAsync();
        var exit = await run;

        Assert.Equal(130, exit);
        using var stopped = JsonDocument.Parse(output.ToString());
        var storedWhenStopped = await PeopleAsync(data);
        var reportedNew = stopped.RootElement.GetProperty("candidates").GetProperty("new").GetInt64();
        Assert.True(reportedNew > 0, output.ToString());
        Assert.Equal(storedWhenStopped, reportedNew);
        Assert.Equal(0, stopped.RootElement.GetProperty("emails").GetInt32());

        var next = await RunCommandAsync(config, data, settings);

        Assert.Equal(0, (await QueueCountsAsync(data)).Sum(c => c.Active));
        Assert.Equal(await PeopleAsync(data), reportedNew + next.GetProperty("candidates").GetProperty("new").GetInt64());
        Assert.Equal(2, next.GetProperty("emails").GetInt32());
    }

    [Fact]
    public async Task PipelineRun_SigtermWhileScreening_Exits130ReportingWhatWasStored_AndTheNextRunFinishes()
    {
        var config = GeneratedConfig();
        var data = new DirectoryInfo(Path.Combine(_root, "terminated"));
        using var process = Process.Start(Cli(config, data))!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        var watch = Stopwatch.StartNew();
        while (!process.HasExited && watch.Elapsed < RunTimeout && await ActiveAsync(data, "candidates") < 3)
        {
            await Task.Delay(20);
        }

        // What a service manager (or Ctrl+C, SIGINT) sends: the same graceful stop.
        using (var kill = Process.Start("kill", ["-TERM", process.Id.ToString(CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync();
        }

        using var timeout = new CancellationTokenSource(RunTimeout);
        await process.WaitForExitAsync(timeout.Token);
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();

        Assert.True(process.ExitCode == 130, $"exit {process.ExitCode}: {await stderr}");
        Assert.Contains("Stopped before the queues were idle", await stderr, StringComparison.Ordinal);
        var stopped = JsonDocument.Parse(await stdout).RootElement;
        var reportedNew = stopped.GetProperty("candidates").GetProperty("new").GetInt64();
        Assert.Equal(await PeopleAsync(data), reportedNew);
        Assert.Empty(Directory.GetFiles(Path.Combine(data.FullName, "host-runs")));

        var next = await RunToEndAsync(config, data);

        Assert.Equal(0, (await QueueCountsAsync(data)).Sum(c => c.Active));
        Assert.Equal(Rows, reportedNew + next.GetProperty("candidates").GetProperty("new").GetInt64());
        Assert.Equal(2, next.GetProperty("emails").GetInt32());
    }

    /// <summary>The sample requisitions and one generated feed of <see cref="Rows"/> people, the same for a given seed.</summary>
    private DirectoryInfo GeneratedConfig()
    {
        var config = Directory.CreateDirectory(Path.Combine(_root, "config"));
        File.Copy(Path.Combine(Samples.FullName, "requisitions.json"), Path.Combine(config.FullName, "requisitions.json"), overwrite: true);
        Directory.CreateDirectory(Path.Combine(config.FullName, "feeds"));
        File.WriteAllText(Path.Combine(config.FullName, "feeds.json"), """
            { "feeds": [ { "id": "generated", "kind": "university", "source": "Generated University", "format": "csv",
                           "location": "feeds/generated.csv", "pageSize": 50 } ] }
            """);
        string[] skills = ["PyTorch", "Kubeflow", "Kubernetes", "MLflow", "Docker", "Python", "Medical Imaging", "MONAI", "DICOM", "Statistics", "SQL", "TensorFlow"];
        var random = new Random(Seed);
        var csv = new StringBuilder("email,name,phone,location,institution,program,graduationDate,skills\n");
        for (var i = 0; i < Rows; i++)
        {
            var chosen = skills.Where(_ => random.Next(3) == 0).DefaultIfEmpty("Python");
            csv.Append(CultureInfo.InvariantCulture,
                $"student{i}@generated.example,Student {i},+1 617 555 {i:D4},\"Boston, MA, US\",Generated University,\"MSc, Computer Science\",2026-0{1 + (i % 9)},{string.Join("; ", chosen)}\n");
        }

        File.WriteAllText(Path.Combine(config.FullName, "feeds", "generated.csv"), csv.ToString());
        return config;
    }

    private static ProcessStartInfo Cli(DirectoryInfo config, DirectoryInfo data)
    {
        var start = CliProcess.StartInfo("run", "--once", "--json", "--config", config.FullName, "--data", data.FullName);
        // One page per ReadFeed invocation: the feed continues through the queue, so a kill can land while it is read.
        start.Environment["Pipeline__FeedPagesPerInvocation"] = "1";
        return start;
    }

    /// <summary>Starts the CLI and kills it (SIGKILL, whole tree) once <paramref name="killWhen"/> holds, unless it ends first.</summary>
    private static async Task<bool> RunAndKillAsync(DirectoryInfo config, DirectoryInfo data, Func<Task<bool>> killWhen)
    {
        var killed = false;
        using var process = Process.Start(Cli(config, data))!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        var watch = Stopwatch.StartNew();
        while (!process.HasExited && watch.Elapsed < RunTimeout)
        {
            if (await killWhen())
            {
                process.Kill(entireProcessTree: true);
                killed = true;
                break;
            }

            await Task.Delay(15);
        }

        await process.WaitForExitAsync();
        await Task.WhenAll(stdout, stderr);
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        return killed;
    }

    private static async Task<JsonElement> RunToEndAsync(DirectoryInfo config, DirectoryInfo data)
    {
        using var process = Process.Start(Cli(config, data))!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(RunTimeout);
        await process.WaitForExitAsync(timeout.Token);
        Assert.True(process.ExitCode == 0, $"exit {process.ExitCode}: {await stderr}");
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        var printed = await stdout;
        try
        {
            return JsonDocument.Parse(printed).RootElement.Clone();
        }
        catch (JsonException e)
        {
            throw new Xunit.Sdk.XunitException($"run --once --json printed what is not JSON ({e.Message}):\n{printed[..Math.Min(printed.Length, 2000)]}");
        }
    }

    private static async Task<JsonElement> RunCommandAsync(DirectoryInfo config, DirectoryInfo data, IReadOnlyDictionary<string, string?> settings)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var exit = await RunCommand.RunAsync(config, data, once: true, maxDeliveries: 10, verbose: false, json: true, output, error, CancellationToken.None, settings);
        Assert.True(exit == 0, $"exit {exit}: {error}");
        return JsonDocument.Parse(output.ToString()).RootElement.Clone();
    }

    private static async Task<IReadOnlyList<QueueCounts>> QueueCountsAsync(DirectoryInfo data) =>
        File.Exists(CliOptions.QueueDatabase(data))
            ? await new LocalQueueStore(CliOptions.QueueDatabase(data), TimeProvider.System).CountsAsync(default)
            : [];

    private static async Task<long> ActiveAsync(DirectoryInfo data, string queue) =>
        (await QueueCountsAsync(data)).Where(c => c.Queue == queue).Sum(c => c.Active);

    /// <summary>
    /// Outbox files by name with their subject or text: what was sent, and how many of each. A reply's files are named
    /// after its Message-ID, which `replies submit` makes up afresh each time.
    /// </summary>
    private static List<string> Outbox(DirectoryInfo data) =>
        OutboxCommand.List(Path.Combine(data.FullName, "outbox"))
            .Select(i => $"{i.Kind} {i.Subject}")
            .Concat(Directory.EnumerateFiles(Path.Combine(data.FullName, "outbox"), "*", SearchOption.AllDirectories)
                .Select(f => System.Text.RegularExpressions.Regex.Replace(Path.GetRelativePath(data.FullName, f), "reply-[0-9a-f]+-", "reply-…-")))
            .Order(StringComparer.Ordinal)
            .ToList();

    /// <summary>People stored: each has one profile row in the candidates table.</summary>
    private static async Task<long> PeopleAsync(DirectoryInfo data)
    {
        var count = 0L;
        await foreach (var _ in Store(data).GetTable("candidates").QueryAsync(new TableQuery { Filter = TableFilter.Equal("RowKey", "profile") }))
        {
            count++;
        }

        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        return count;
    }

    /// <summary>
    /// A table's rows by key with their values, leaving out when things happened and the made-up Message-ID of a
    /// submitted reply (which differ between runs).
    /// </summary>
    private static async Task<List<string>> TableAsync(DirectoryInfo data, string table)
    {
        var rows = new List<string>();
        await foreach (var entity in Store(data).GetTable(table).QueryAsync())
        {
            var values = entity.Properties
                .Where(p => p.Value is not DateTimeOffset && !p.Key.EndsWith("At", StringComparison.Ordinal) && p.Key != "MessageId")
                .OrderBy(p => p.Key, StringComparer.Ordinal)
                .Select(p => $"{p.Key}={p.Value}");
            rows.Add($"{entity.PartitionKey}/{entity.RowKey}: {string.Join(", ", values)}");
        }

        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        return rows;
    }

    private static SqliteTableStore Store(DirectoryInfo data) => new(Path.Combine(data.FullName, "pipeline.db"), TimeProvider.System);
}
