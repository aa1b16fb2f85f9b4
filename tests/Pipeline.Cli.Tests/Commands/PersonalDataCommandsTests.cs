using System.Text;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Pipeline.Cli.Commands;
using Pipeline.Cli.LocalHost;
using Pipeline.Domain.Candidates;

namespace Pipeline.Cli.Tests.Commands;

/// <summary>
/// <c>pipeline erase</c> against the files it leaves: nothing in the bytes of the store, its WAL or the local queues
/// says who was erased, and no queued message can bring the person back.
/// </summary>
public sealed class PersonalDataCommandsTests : IDisposable
{
    private const string Email = "zephyrine.quillfeather7@students.northfield.example";
    private const string Name = "Quillfeather";
    private readonly string _root = Path.Combine(Path.GetTempPath(), "pipeline-tests", Guid.NewGuid().ToString("N"));

    private DirectoryInfo Data => new(Path.Combine(_root, "data"));

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    [Fact]
    public async Task Erase_WhileAnotherProcessHoldsTheDatabases_LeavesTheEmailAndNameInNoByteOfTheStoreWalOrQueues_AndScrubsQueuedMessages()
    {
        // As under `pipeline run`: connections stay open in another process, so neither the run's closing nor the
        // erasure's checkpoints the WAL away, and what the run wrote about her is still in it.
        var config = CopySamples();
        await RunOnceAsync(config);
        await using var storeHolder = await HoldAsync("pipeline.db");
        await using var queueHolder = await HoldAsync("host-queues.db");

        // She arrives: accepted once and rejected once (a date that is not one), so quarantined with her email too.
        var feed = Path.Combine(config.FullName, "feeds", "northfield-university.csv");
        File.AppendAllText(feed,
            $"{Email},Zephyrine {Name},+1 617 555 1997,\"Boston, MA, US\",Northfield University,\"MSc, Computer Science\",2026-05,PyTorch; Kubeflow; Kubernetes; MLflow; Docker; Python,AWS Certified Machine Learning Engineer – Associate,https://www.linkedin.com/in/zephyrine-q-7\r\n" +
            $"{Email.ToUpperInvariant()},Zephyrine {Name},,,,,someday,,,\r\n");
        File.SetLastWriteTimeUtc(feed, File.GetLastWriteTimeUtc(feed).AddMinutes(1));
        await RunOnceAsync(config);
        SqliteConnection.ClearAllPools();
        Assert.Contains(Email, ReadAll("pipeline.db-wal"), StringComparison.OrdinalIgnoreCase);
        Assert.Contains(Name, ReadAll("pipeline.db-wal"), StringComparison.Ordinal);

        // A page of candidates read just before the erasure, not yet screened, and a dead-lettered check of her links.
        var id = CandidateId.FromEmail(Email);
        var queues = new LocalQueueStore(CliOptions.QueueDatabase(Data), TimeProvider.System);
        var page = $$"""
            {"feedId":"northfield-university","feedKind":"university","source":"Northfield University Careers Office","runStarted":"2026-12-01T00:00:00+00:00","pageNumber":9,
             "candidates":[{"email":"kept.person@students.northfield.example","name":"Kept Person"},{"email":"{{Email}}","name":"Zephyrine {{Name}}"}],"positions":[70,71]}
            """;
        await queues.EnqueueAsync("candidates", [page], default);
        await queues.EnqueueAsync("verifications", [$$"""{"candidateIds":["{{id}}"],"reason":"screened"}"""], default);
        var letter = await queues.ReceiveAsync(["verifications"], TimeSpan.FromMinutes(1), default);
        Assert.True(await queues.AbandonAsync(letter!, "failed", maxDeliveryCount: 1, default));

        var (exit, stdout, stderr) = await CliProcess.RunAsync("erase", "--email", Email, "--config", config.FullName, "--data", Data.FullName);
        Assert.True(exit == 0, stdout + stderr);

        foreach (var file in new[] { "pipeline.db", "pipeline.db-wal", "pipeline.db-shm", "host-queues.db", "host-queues.db-wal", "host-queues.db-shm" })
        {
            var bytes = ReadAll(file);
            Assert.False(bytes.Contains(Email, StringComparison.OrdinalIgnoreCase), $"{file} still holds the email");
            Assert.False(bytes.Contains(Name, StringComparison.OrdinalIgnoreCase), $"{file} still holds the name");
            Assert.False(bytes.Contains(id, StringComparison.Ordinal), $"{file} still holds the candidate id");
        }

        var pending = await queues.ReceiveAsync(["candidates"], TimeSpan.FromMinutes(1), default);
        using var kept = JsonDocument.Parse(pending!.Body);
        Assert.Equal(["kept.person@students.northfield.example"], kept.RootElement.GetProperty("candidates").EnumerateArray().Select(c => c.GetProperty("email").GetString()));
        Assert.Equal([70L], kept.RootElement.GetProperty("positions").EnumerateArray().Select(p => p.GetInt64()));
        Assert.Empty(await queues.DeadLettersAsync(default));
    }

    private async Task RunOnceAsync(DirectoryInfo config)
    {
        var error = new StringWriter();
        Assert.True(await RunCommand.RunAsync(config, Data, once: true, 10, verbose: false, json: true, new StringWriter(), error, CancellationToken.None) == 0, error.ToString());
    }

    /// <summary>A connection that has read the database, so that it shares its WAL; as another process's would.</summary>
    private async Task<SqliteConnection> HoldAsync(string file)
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = Path.Combine(Data.FullName, file), Pooling = false }.ToString());
        await connection.OpenAsync();
        await using var read = connection.CreateCommand();
        read.CommandText = "SELECT count(*) FROM sqlite_master";
        await read.ExecuteScalarAsync();
        return connection;
    }

    /// <summary>The file's bytes as Latin-1, so that any UTF-8 text in it can be searched for; empty when it does not exist.</summary>
    private string ReadAll(string file)
    {
        var path = Path.Combine(Data.FullName, file);
        if (!File.Exists(path))
        {
            return string.Empty;
        }

        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return Encoding.Latin1.GetString(copy.ToArray());
    }

    private DirectoryInfo CopySamples()
    {
        var samples = Path.Combine(AppContext.BaseDirectory, "samples");
        var target = Path.Combine(_root, "config");
        foreach (var file in Directory.EnumerateFiles(samples, "*", SearchOption.AllDirectories))
        {
            var path = Path.Combine(target, Path.GetRelativePath(samples, file));
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.Copy(file, path);
        }

        return new DirectoryInfo(target);
    }
}
