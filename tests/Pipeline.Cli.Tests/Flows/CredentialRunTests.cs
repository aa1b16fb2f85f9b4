using System.Text.Json;
using System.Text.Json.Nodes;
using Pipeline.Cli.Commands;
using Pipeline.Testing;

namespace Pipeline.Cli.Tests.Flows;

/// <summary>
/// <c>pipeline run --once</c> with claimed credentials checked at a loopback Open Badges issuer: the local host
/// delivers the verifications queue like any other, and the shortlist email says what was verified.
/// </summary>
public sealed class CredentialRunTests : IAsyncLifetime
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "pipeline-tests", Guid.NewGuid().ToString("N"));
    private BadgeIssuerStandIn _issuer = null!;

    public async ValueTask InitializeAsync() => _issuer = await BadgeIssuerStandIn.StartAsync();

    public async ValueTask DisposeAsync()
    {
        await _issuer.DisposeAsync();
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
    public async Task RunOnce_ChecksClaimedCredentials_ShortlistsOnlyTheVerified_AndFetchesNothingTheSecondTime()
    {
        var config = Directory.CreateDirectory(Path.Combine(_root, "config"));
        Directory.CreateDirectory(Path.Combine(config.FullName, "feeds"));
        await File.WriteAllTextAsync(Path.Combine(config.FullName, "feeds", "camp.json"), new JsonArray(_issuer.Resume("ana"), _issuer.Resume("old")).ToJsonString());
        await File.WriteAllTextAsync(Path.Combine(config.FullName, "feeds.json"), """
            { "feeds": [ { "id": "camp", "kind": "bootcamp", "source": "Camp", "format": "jsonResume", "location": "feeds/camp.json" } ] }
            """);
        await File.WriteAllTextAsync(Path.Combine(config.FullName, "requisitions.json"), """
            { "requisitions": [ { "id": "mle", "title": "ML Engineer", "hiringManager": { "email": "hm@contoso.example" }, "recruiters": [ "r@contoso.example" ],
                                  "requiredSkills": [ "PyTorch" ], "certifications": [ { "id": "aws-mla-c01", "required": true, "verifiedOnly": true } ] } ] }
            """);
        var settings = new Dictionary<string, string?> { ["Pipeline:CredentialTestHosts"] = _issuer.HostAndPort };

        var first = await RunOnceAsync(config, settings);
        Assert.Equal(1, first.GetProperty("emails").GetInt32());
        var html = OutboxMail.Read(Assert.Single(Directory.GetFiles(Path.Combine(_root, "data", "outbox", "mail"), "*.eml"))).Html;
        Assert.Contains("1 candidate", html, StringComparison.Ordinal);
        Assert.Contains("met: verified ", html, StringComparison.Ordinal);
        Assert.Contains("(verified)", html, StringComparison.Ordinal);
        Assert.Equal(4, _issuer.Requests); // two assertions; their badge class and issuer read once (the fetch cache)

        var second = await RunOnceAsync(config, settings);
        Assert.Equal(0, second.GetProperty("emails").GetInt32());
        Assert.Equal(4, _issuer.Requests);
    }

    private async Task<JsonElement> RunOnceAsync(DirectoryInfo config, IReadOnlyDictionary<string, string?> settings)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var exit = await RunCommand.RunAsync(config, new DirectoryInfo(Path.Combine(_root, "data")), once: true, 10, verbose: false, json: true, output, error, CancellationToken.None, settings);
        Assert.True(exit == 0, $"exit {exit}: {error}");
        return JsonDocument.Parse(output.ToString()).RootElement.Clone();
    }
}
