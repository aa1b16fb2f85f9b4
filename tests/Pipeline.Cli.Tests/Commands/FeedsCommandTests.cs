using System.Text.Json;
using Pipeline.Cli.Commands;
using Pipeline.Domain.Feeds;

namespace Pipeline.Cli.Tests.Commands;

/// <summary><c>pipeline feeds check</c>: parses without side effects and says what would be accepted and why rows would not.</summary>
public sealed class FeedsCommandTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("pipeline-feeds-").FullName;

    private static DirectoryInfo Samples => new(Path.Combine(AppContext.BaseDirectory, "samples"));

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private static async Task<(int Exit, JsonElement Result, string Error)> CheckAsync(string target, FeedFormat? format = null, FileInfo? mapping = null, bool show = false)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var exit = await FeedsCommand.CheckAsync(target, format, mapping, null, show, json: true, Samples, output, error, CancellationToken.None);
        return (exit, exit == 0 ? JsonDocument.Parse(output.ToString()).RootElement.Clone() : default, error.ToString());
    }

    [Fact]
    public async Task Check_SampleFeedById_ReportsAcceptedAndEachQuarantinedRowWithPositionFieldAndReason()
    {
        var (exit, result, _) = await CheckAsync("northfield-university");

        Assert.Equal(0, exit);
        Assert.Equal(25, result.GetProperty("accepted").GetInt32());
        var rows = result.GetProperty("quarantined").EnumerateArray().Select(r => (r.GetProperty("position").GetInt64(), r.GetProperty("field").GetString())).ToList();
        Assert.Equal([(26L, "email"), (27L, "email"), (28L, "graduationDate"), (29L, "email")], rows);
        Assert.False(result.TryGetProperty("candidates", out _));
    }

    [Fact]
    public async Task Check_NdjsonFileWithMapping_ShowsTheNormalisedCandidates()
    {
        var file = Path.Combine(_root, "export.ndjson");
        File.WriteAllText(file, "{\"mail\":\"Ada@Camp.example\",\"tags\":[\"tf\",\"sklearn\"]}\n{\"mail\":\"nope\"}\n");
        var mapping = Path.Combine(_root, "mapping.json");
        File.WriteAllText(mapping, """{ "email": "mail", "skills": "tags" }""");

        var (exit, result, _) = await CheckAsync(file, mapping: new FileInfo(mapping), show: true);

        Assert.Equal(0, exit);
        Assert.Equal("Ndjson", result.GetProperty("format").GetString());
        var candidate = Assert.Single(result.GetProperty("candidates").EnumerateArray());
        Assert.Equal("ada@camp.example", candidate.GetProperty("email").GetString());
        Assert.Equal(["TensorFlow", "scikit-learn"], candidate.GetProperty("skills").EnumerateArray().Select(s => s.GetString()));
        Assert.Equal(2, Assert.Single(result.GetProperty("quarantined").EnumerateArray()).GetProperty("position").GetInt64());
    }

    [Fact]
    public async Task Check_CsvWithJoinedAndFirstOfMapping_ShowsTheMappingAndTheJoinedNames()
    {
        var file = Path.Combine(_root, "export.csv");
        File.WriteAllText(file, "Email,First Name,Last Name,Mobile,Office\nana@uni.example,Ana,Lima,,020 7946 0000\n");
        var mapping = Path.Combine(_root, "mapping.json");
        File.WriteAllText(mapping, """{ "email": "Email", "name": ["First Name", "Last Name"], "phone": { "firstOf": ["Mobile", "Office"] } }""");
        var output = new StringWriter();

        var exit = await FeedsCommand.CheckAsync(file, null, new FileInfo(mapping), "GB", showCandidates: true, json: false, Samples, output, new StringWriter(), CancellationToken.None);
        var (jsonExit, result, _) = await CheckAsync(file, mapping: new FileInfo(mapping), show: true);

        Assert.Equal((0, 0), (exit, jsonExit));
        Assert.Contains("mapping: email <- 'Email'; name <- 'First Name' + 'Last Name'; phone <- first of 'Mobile', 'Office'", output.ToString(), StringComparison.Ordinal);
        Assert.Contains("numbers without a country code are read as GB", output.ToString(), StringComparison.Ordinal);
        Assert.Contains("\"name\":\"Ana Lima\",\"phone\":\"+442079460000\"", output.ToString(), StringComparison.Ordinal);
        Assert.Equal("""{"email":"Email","name":["First Name","Last Name"],"phone":{"firstOf":["Mobile","Office"]}}""", JsonSerializer.Serialize(result.GetProperty("mapping")));
        Assert.Equal("020 7946 0000", Assert.Single(result.GetProperty("candidates").EnumerateArray()).GetProperty("phone").GetString());
    }

    [Fact]
    public async Task Check_UnknownDefaultRegion_ExitsTwoNamingIt()
    {
        var file = Path.Combine(_root, "export.csv");
        File.WriteAllText(file, "email\nana@uni.example\n");

        var error = new StringWriter();
        var exit = await FeedsCommand.CheckAsync(file, null, null, "UK", false, json: true, Samples, new StringWriter(), error, CancellationToken.None);

        Assert.Equal(2, exit);
        Assert.Contains("'defaultRegion' must be an ISO 3166-1 alpha-2 region code such as GB or US (got 'UK')", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Check_FileThatCannotBeRead_ExitsOneWithTheReason()
    {
        var file = Path.Combine(_root, "renamed.csv");
        File.WriteAllText(file, "E-mail address,Name\nx@y.example,X\n");

        var (exit, _, error) = await CheckAsync(file);

        Assert.Equal(1, exit);
        Assert.Contains("no column 'email'", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Check_UnknownFeed_ExitsTwoListingTheFeeds()
    {
        var (exit, _, error) = await CheckAsync("no-such-feed");
        Assert.Equal(2, exit);
        Assert.Contains("deepforge-bootcamp", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Check_WritesNothing()
    {
        var before = Directory.GetFileSystemEntries(Samples.FullName, "*", SearchOption.AllDirectories).Length;
        await CheckAsync("lakeshore-tech");
        Assert.Equal(before, Directory.GetFileSystemEntries(Samples.FullName, "*", SearchOption.AllDirectories).Length);
        Assert.False(Directory.Exists(".pipeline"), "feeds check must not create a data folder");
    }
}
