using System.CommandLine;
using Pipeline.Cli.Commands;

namespace Pipeline.Cli.Tests.Commands;

/// <summary>
/// The CLI is no way in either: <c>feeds check</c> refuses what <c>run</c> refuses, <c>certs verify --allow-test-host</c>
/// admits loopback only, and a CSV without a header never puts its first row into the output, the log or status.
/// </summary>
public sealed class FenceCommandTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "pipeline-tests", Guid.NewGuid().ToString("N"));

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

    private DirectoryInfo Config(string feeds)
    {
        var config = Directory.CreateDirectory(Path.Combine(_root, "config"));
        Directory.CreateDirectory(Path.Combine(config.FullName, "feeds"));
        File.Copy(Path.Combine(AppContext.BaseDirectory, "samples", "requisitions.json"), Path.Combine(config.FullName, "requisitions.json"));
        File.Copy(Path.Combine(AppContext.BaseDirectory, "samples", "feeds", "northfield-university.csv"), Path.Combine(config.FullName, "feeds", "northfield.csv"));
        File.WriteAllText(Path.Combine(config.FullName, "feeds.json"), feeds);
        return config;
    }

    private static async Task<(int Exit, string Output, string Error)> InvokeAsync(params string[] args)
    {
        var root = new RootCommand();
        root.Options.Add(CliOptions.Config);
        root.Options.Add(CliOptions.Data);
        root.Subcommands.Add(FeedsCommand.Create());
        root.Subcommands.Add(StatusCommand.Create(_ => throw new InvalidOperationException("These tests read the local queues, never a namespace.")));
        root.Subcommands.Add(CertsCommand.Create());
        var output = new StringWriter();
        var error = new StringWriter();
        var exit = await root.Parse(args).InvokeAsync(new InvocationConfiguration { Output = output, Error = error });
        return (exit, output.ToString(), error.ToString());
    }

    [Fact]
    public async Task FeedsCheck_DefinitionThatRunRefuses_IsRefusedListingEveryProblem()
    {
        var config = Config("""
            { "feeds": [
                { "id": "lakeshore-csv", "kind": "university", "source": "L", "format": "csv", "location": "feeds/northfield.csv", "pageSize": 0, "pagesize": 10 },
                { "id": "plain", "kind": "university", "source": "P", "format": "csv", "location": "http://127.0.0.1:1/export.csv" }
            ] }
            """);

        var (exit, output, error) = await InvokeAsync("feeds", "check", "lakeshore-csv", "--config", config.FullName);

        Assert.Equal(2, exit);
        Assert.Empty(output);
        Assert.Contains("feeds.json: feed 'lakeshore-csv': 'pageSize' must be between 1 and 500 (got 0)", error, StringComparison.Ordinal);
        Assert.Contains("feeds.json: feed 'lakeshore-csv': unknown setting 'pagesize' (did you mean 'pageSize'?)", error, StringComparison.Ordinal);
        Assert.Contains("feeds.json: feed 'plain': 'location' must be an https URL", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task FeedsCheck_MappingGivenOnTheCommandLine_IsValidatedAsFeedsJsonWouldBe()
    {
        var config = Config("""
            { "feeds": [ { "id": "northfield", "kind": "university", "source": "N", "format": "csv", "location": "feeds/northfield.csv" } ] }
            """);
        var mapping = Path.Combine(_root, "mapping.json");
        File.WriteAllText(mapping, """{ "emial": "Email", "name": 3 }""");

        var (exit, _, error) = await InvokeAsync("feeds", "check", "northfield", "--mapping", mapping, "--config", config.FullName);

        Assert.Equal(2, exit);
        Assert.Contains("mapping.json: 'name' must be a column or path, a list of them to join, or {\"firstOf\": [...]}, not the number 3", error, StringComparison.Ordinal);
        Assert.DoesNotContain("System.", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task FeedsCheck_FileFeedOutsideTheConfigFolder_IsRefusedWithoutItsContent()
    {
        var config = Config("""
            { "feeds": [ { "id": "escape", "kind": "university", "source": "E", "format": "csv", "location": "../outside.csv" } ] }
            """);
        File.WriteAllText(Path.Combine(_root, "outside.csv"), "email,name\nroot-secret@outside.example,Outside Person\n");

        var (exit, output, error) = await InvokeAsync("feeds", "check", "escape", "--config", config.FullName, "--json");

        Assert.Equal(2, exit);
        Assert.Contains("feed 'escape'", error, StringComparison.Ordinal);
        Assert.Contains("outside the configuration folder", error, StringComparison.Ordinal);
        Assert.DoesNotContain("root-secret", output + error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("10.0.0.5:80", "http://10.0.0.5/assertions/x")]
    [InlineData("169.254.169.254:80", "http://169.254.169.254/latest/meta-data/")]
    public async Task CertsVerify_TestHostThatIsNotLoopback_IsRefusedBeforeAnyFetch(string testHost, string url)
    {
        var started = System.Diagnostics.Stopwatch.StartNew();

        var (exit, output, error) = await InvokeAsync("certs", "verify", "--allow-test-host", testHost, "--url", url, "--email", "a@b.example");

        Assert.Equal(2, exit);
        Assert.Contains($"--allow-test-host {testHost}", error, StringComparison.Ordinal);
        Assert.Contains("loopback", error, StringComparison.Ordinal);
        Assert.DoesNotContain("fetched", output, StringComparison.Ordinal);
        Assert.True(started.Elapsed < TimeSpan.FromSeconds(5), "it waited as if connecting");
    }

    [Fact]
    public async Task RunFeedsListStatus_CsvWithoutAHeaderRow_NeverShowTheFirstRow()
    {
        var config = Config("""
            { "feeds": [ { "id": "headless", "kind": "university", "source": "H", "format": "csv", "location": "feeds/headless.csv" } ] }
            """);
        File.WriteAllText(Path.Combine(config.FullName, "feeds", "headless.csv"),
            "ada.lovelace@uni.example,Ada Lovelace,+44 20 7946 0958\nbob.byron@uni.example,Bob Byron,+44 20 7946 0959\n");
        var data = new DirectoryInfo(Path.Combine(_root, "data"));
        var runOutput = new StringWriter();
        var runLog = new StringWriter();

        await RunCommand.RunAsync(config, data, once: true, 10, verbose: true, json: false, runOutput, runLog, CancellationToken.None);
        var list = await InvokeAsync("feeds", "list", "--config", config.FullName, "--data", data.FullName);
        var listJson = await InvokeAsync("feeds", "list", "--json", "--config", config.FullName, "--data", data.FullName);
        var status = await InvokeAsync("status", "--config", config.FullName, "--data", data.FullName);
        var statusJson = await InvokeAsync("status", "--json", "--config", config.FullName, "--data", data.FullName);

        var everything = string.Join("\n", runOutput, runLog, list.Output, list.Error, listJson.Output, status.Output, status.Error, statusJson.Output);
        foreach (var trace in new[] { "ada.lovelace", "Ada Lovelace", "7946", "uni.example" })
        {
            Assert.DoesNotContain(trace, everything, StringComparison.OrdinalIgnoreCase);
        }

        Assert.Contains("no header row", list.Output, StringComparison.Ordinal);
        Assert.Contains("email", list.Output, StringComparison.Ordinal);
    }
}
