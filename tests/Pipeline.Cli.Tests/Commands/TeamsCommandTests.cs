using System.IO.Compression;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Pipeline.Cli.Commands;
using Pipeline.Domain.Delivery;
using Pipeline.Domain.Replies;
using Pipeline.Domain.Requisitions;
using Pipeline.Domain.Shortlists;

namespace Pipeline.Cli.Tests.Commands;

public sealed partial class TeamsCommandTests : IDisposable
{
    private const string AppId = "5f0c9a4e-8d1b-4c6e-9a57-3b2f7d1e6c40";
    private const string ClientId = "0b7d2c1e-3f4a-4b5c-8d6e-7f8091a2b3c4";
    private readonly string _folder = Directory.CreateTempSubdirectory("pipeline-teams-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task Package_HoldsTheManifestWithThisDeployment_AndBothIcons()
    {
        var zip = new FileInfo(Path.Combine(_folder, "app.zip"));

        var exit = await TeamsCommand.PackageAsync(zip, AppId, ClientId, "https://func-pipeline.azurewebsites.net", new StringWriter(), new StringWriter(), CancellationToken.None);

        Assert.Equal(0, exit);
        using var archive = ZipFile.OpenRead(zip.FullName);
        Assert.Equal(["color.png", "manifest.json", "outline.png"], archive.Entries.Select(e => e.FullName).Order());
        using var reader = new StreamReader(archive.GetEntry("manifest.json")!.Open());
        var manifest = JsonNode.Parse(await reader.ReadToEndAsync())!;
        Assert.Equal(AppId, manifest["id"]!.GetValue<string>());
        Assert.Equal(ClientId, manifest["webApplicationInfo"]!["id"]!.GetValue<string>());
        Assert.Equal("func-pipeline.azurewebsites.net", manifest["validDomains"]![0]!.GetValue<string>());
        Assert.DoesNotContain("{{", manifest.ToJsonString(), StringComparison.Ordinal);
        Assert.Equal((192, 192), PngSize(archive.GetEntry("color.png")!));
        Assert.Equal((32, 32), PngSize(archive.GetEntry("outline.png")!));
    }

    [Fact]
    public async Task Package_WithoutTheClientIdOrAddress_SaysWhichSettingIsMissing()
    {
        var error = new StringWriter();

        var exit = await TeamsCommand.PackageAsync(new FileInfo(Path.Combine(_folder, "x.zip")), AppId, null, "http://insecure.example", new StringWriter(), error, CancellationToken.None);

        Assert.Equal(2, exit);
        Assert.Contains("Graph__ClientId", error.ToString(), StringComparison.Ordinal);
        Assert.Contains("Pipeline__PublicBaseUrl", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void EveryActivityPipelineSends_IsDeclared_WithTheTemplateParametersItFillsIn()
    {
        var manifest = JsonNode.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "appPackage", "manifest.json")))!;
        var declared = manifest["activities"]!["activityTypes"]!.AsArray().ToDictionary(t => t!["type"]!.GetValue<string>(), t => t!["templateText"]!.GetValue<string>());
        var requisition = new Requisition { Id = "r", Title = "ML Engineer", HiringManager = new Contact("dana@contoso.example", "Dana"), Recruiters = ["ravi@contoso.example"] };
        var shortlist = new Shortlist("r", 1, []);
        var reply = new ParsedReply([new CandidateDecision(1, Decision.Interview, "yes to 1")], []);
        TeamsActivity[] sent =
        [
            TeamsActivity.ShortlistSent(requisition, shortlist, "app"),
            TeamsActivity.ShortlistWithdrawn(requisition, shortlist, "app"),
            ReplyAnswers.DecisionsRecorded(requisition, shortlist, reply, "app"),
            ReplyAnswers.Escalated(requisition, shortlist, 6, "app"),
        ];

        Assert.Equal(TeamsActivity.Types.Order(), sent.Select(a => a.ActivityType).Order());
        foreach (var activity in sent)
        {
            Assert.True(declared.TryGetValue(activity.ActivityType, out var template), $"{activity.ActivityType} is not declared");
            var placeholders = Placeholder().Matches(template).Select(m => m.Groups[1].Value).ToHashSet();
            Assert.Subset(activity.TemplateParameters.Select(p => p.Key).ToHashSet(), placeholders);
        }
    }

    private static (int Width, int Height) PngSize(ZipArchiveEntry entry)
    {
        using var stream = entry.Open();
        var header = new byte[24];
        stream.ReadExactly(header);
        return ((header[16] << 24) | (header[17] << 16) | (header[18] << 8) | header[19], (header[20] << 24) | (header[21] << 16) | (header[22] << 8) | header[23]);
    }

    [GeneratedRegex(@"\{(\w+)\}")]
    private static partial Regex Placeholder();
}
