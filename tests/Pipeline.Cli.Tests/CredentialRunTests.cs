using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Pipeline.Cli.Commands;
using Pipeline.Tests.Shared;

namespace Pipeline.Cli.Tests;

/// <summary>
/// <c>pipeline run --once</c> with claimed credentials checked at a loopback Open Badges issuer: the local host
/// delivers the verifications queue like any other, and the shortlist email says what was verified.
/// </summary>
public sealed class CredentialRunTests : IAsyncLifetime
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "pipeline-tests", Guid.NewGuid().ToString("N"));
    private WebApplication _issuer = null!;
    private Uri _base = null!;
    private int _requests;

    public async ValueTask InitializeAsync()
    {
        (_issuer, _base) = await LoopbackServer.StartAsync(app =>
        {
            app.Use(async (context, next) =>
            {
                Interlocked.Increment(ref _requests);
                await next(context);
            });
            app.MapGet("/assertions/{name}", (string name) => Results.Json(new JsonObject
            {
                ["type"] = "Assertion", ["id"] = new Uri(_base, $"assertions/{name}").ToString(),
                ["recipient"] = new JsonObject { ["type"] = "email", ["hashed"] = false, ["identity"] = $"{name}@learners.example" },
                ["badge"] = new Uri(_base, "badges/mla").ToString(), ["issuedOn"] = "2026-09-01T00:00:00Z", ["expires"] = name == "old" ? "2026-01-01T00:00:00Z" : "2029-09-01T00:00:00Z",
            }));
            app.MapGet("/badges/mla", () => Results.Json(new JsonObject
            {
                ["type"] = "BadgeClass", ["id"] = new Uri(_base, "badges/mla").ToString(), ["name"] = "AWS Certified Machine Learning Engineer – Associate",
                ["issuer"] = new Uri(_base, "issuers/aws").ToString(),
            }));
            app.MapGet("/issuers/aws", () => Results.Json(new JsonObject
            {
                ["type"] = "Issuer", ["id"] = new Uri(_base, "issuers/aws").ToString(), ["name"] = "Amazon Web Services Training and Certification",
            }));
        });
    }

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
        JsonObject Resume(string name) => new()
        {
            ["basics"] = new JsonObject { ["name"] = name, ["email"] = $"{name}@learners.example" },
            ["skills"] = new JsonArray(new JsonObject { ["name"] = "PyTorch" }),
            ["certificates"] = new JsonArray(new JsonObject
            {
                ["name"] = "AWS Certified Machine Learning Engineer – Associate", ["url"] = new Uri(_base, $"assertions/{name}").ToString(),
            }),
        };
        await File.WriteAllTextAsync(Path.Combine(config.FullName, "feeds", "camp.json"), new JsonArray(Resume("ana"), Resume("old")).ToJsonString());
        await File.WriteAllTextAsync(Path.Combine(config.FullName, "feeds.json"), """
            { "feeds": [ { "id": "camp", "kind": "bootcamp", "source": "Camp", "format": "jsonResume", "location": "feeds/camp.json" } ] }
            """);
        await File.WriteAllTextAsync(Path.Combine(config.FullName, "requisitions.json"), """
            { "requisitions": [ { "id": "mle", "title": "ML Engineer", "hiringManager": { "email": "hm@contoso.example" }, "recruiters": [ "r@contoso.example" ],
                                  "requiredSkills": [ "PyTorch" ], "certifications": [ { "id": "aws-mla-c01", "required": true, "verifiedOnly": true } ] } ] }
            """);
        var settings = new Dictionary<string, string?> { ["Pipeline:CredentialTestHosts"] = $"{_base.Host}:{_base.Port}" };

        var first = await RunOnceAsync(config, settings);
        Assert.Equal(1, first.GetProperty("emails").GetInt32());
        var html = EmailHtml(Assert.Single(Directory.GetFiles(Path.Combine(_root, "data", "outbox", "mail"), "*.eml")));
        Assert.Contains("1 candidate", html, StringComparison.Ordinal);
        Assert.Contains("met: verified ", html, StringComparison.Ordinal);
        Assert.Contains("(verified)", html, StringComparison.Ordinal);
        Assert.Equal(4, _requests); // two assertions; their badge class and issuer read once (the fetch cache)

        var second = await RunOnceAsync(config, settings);
        Assert.Equal(0, second.GetProperty("emails").GetInt32());
        Assert.Equal(4, _requests);
    }

    private async Task<JsonElement> RunOnceAsync(DirectoryInfo config, IReadOnlyDictionary<string, string?> settings)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var exit = await RunCommand.RunAsync(config, new DirectoryInfo(Path.Combine(_root, "data")), once: true, 10, verbose: false, json: true, output, error, CancellationToken.None, settings);
        Assert.True(exit == 0, $"exit {exit}: {error}");
        return JsonDocument.Parse(output.ToString()).RootElement.Clone();
    }

    private static string EmailHtml(string eml)
    {
        var text = File.ReadAllText(eml);
        var body = text[(text.IndexOf("\r\n\r\n", StringComparison.Ordinal) is var i and >= 0 ? i + 4 : text.IndexOf("\n\n", StringComparison.Ordinal) + 2)..];
        return Encoding.UTF8.GetString(Convert.FromBase64String(string.Concat(body.Split('\n').Select(l => l.Trim()).TakeWhile(l => l.Length > 0))));
    }
}
