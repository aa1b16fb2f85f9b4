using System.CommandLine;
using System.Text.Json;
using Pipeline.Cli.Commands;
using Microsoft.Extensions.Time.Testing;

namespace Pipeline.Cli.Tests.Commands;

/// <summary>
/// <c>pipeline certs catalogue --check</c>: flags retirements nobody acted on and requisitions that require what can no
/// longer be earned; reads the catalogue and requisitions.json only, starts nothing, takes today from the clock it is given.
/// </summary>
public sealed class CertsCommandTests : IDisposable
{
    private static readonly DateTimeOffset ShipDay = new(2026, 12, 2, 9, 0, 0, TimeSpan.Zero);

    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("pipeline-certs-");

    public void Dispose() => _root.Delete(recursive: true);

    private static DirectoryInfo Samples => new(Path.Combine(AppContext.BaseDirectory, "samples"));

    private static async Task<(int Exit, string Output, string Error)> InvokeAsync(DateTimeOffset now, params string[] args)
    {
        var root = new RootCommand();
        root.Options.Add(CliOptions.Config);
        root.Options.Add(CliOptions.Data);
        root.Subcommands.Add(CertsCommand.Create(new FakeTimeProvider(now)));
        var output = new StringWriter();
        var error = new StringWriter();
        var exit = await root.Parse(args).InvokeAsync(new InvocationConfiguration { Output = output, Error = error });
        return (exit, output.ToString(), error.ToString());
    }

    /// <summary>A configuration folder whose requisitions.json asks for <paramref name="certifications"/> (JSON).</summary>
    private DirectoryInfo Config(string certifications)
    {
        var config = _root.CreateSubdirectory(Guid.NewGuid().ToString("N"));
        File.WriteAllText(Path.Combine(config.FullName, "requisitions.json"), $$"""
            { "requisitions": [ {
                "id": "ml-platform", "title": "ML Platform Engineer",
                "hiringManager": { "email": "manager@contoso.example" },
                "requiredSkills": [ "PyTorch" ],
                "certifications": {{certifications}}
            } ] }
            """);
        return config;
    }

    private string Catalogue(Func<string, string> edit)
    {
        var path = Path.Combine(_root.FullName, $"{Guid.NewGuid():N}.json");
        File.WriteAllText(path, edit(File.ReadAllText(CertsCommand.DefaultCataloguePath)));
        return path;
    }

    [Fact]
    public async Task Check_ShippedCatalogueAndSampleRequisitions_FlagNothing()
    {
        var (exit, output, error) = await InvokeAsync(ShipDay, "certs", "catalogue", "--check", "--config", Samples.FullName);

        Assert.Equal(0, exit);
        Assert.Equal("", error);
        Assert.Contains("and 2 requisitions in", output, StringComparison.Ordinal);
        Assert.Contains("note     aws-mls-c01 retired on 2026-03-31; successor aws-mla-c01.", output, StringComparison.Ordinal);
        Assert.EndsWith("Nothing flagged." + Environment.NewLine, output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Check_RequisitionRequiringARetiredCertification_ExitsOneAndNamesRequisitionCertificationAndSuccessor()
    {
        var config = Config("""[ { "id": "aws-mls-c01", "required": true }, { "id": "gcp-pmle" } ]""");

        var (exit, output, _) = await InvokeAsync(ShipDay, "certs", "catalogue", "--check", "--json", "--config", config.FullName);

        Assert.Equal(1, exit);
        var result = JsonDocument.Parse(output).RootElement;
        Assert.Equal("2026-12-02", result.GetProperty("today").GetString());
        var flagged = Assert.Single(result.GetProperty("flagged").EnumerateArray());
        Assert.Equal("RequisitionRequiresRetired", flagged.GetProperty("kind").GetString());
        Assert.Equal("ml-platform", flagged.GetProperty("requisition").GetString());
        Assert.Equal("aws-mls-c01", flagged.GetProperty("certification").GetString());
        Assert.Equal("2026-03-31", flagged.GetProperty("retired").GetString());
        Assert.Equal("aws-mla-c01", flagged.GetProperty("successor").GetString());
        Assert.True(result.GetProperty("notes").GetArrayLength() > 0);
    }

    [Fact]
    public async Task Check_TakesTodayFromTheClock_TheSameRequisitionIsFineBeforeTheRetirement()
    {
        var config = Config("""[ { "id": "aws-mls-c01", "required": true } ]""");
        var catalogue = Catalogue(json => json.Replace("\"checked\": \"2026-12-02\"", "\"checked\": \"2026-01-15\"", StringComparison.Ordinal));

        var (before, _, error) = await InvokeAsync(new DateTimeOffset(2026, 3, 31, 23, 0, 0, TimeSpan.Zero), "certs", "catalogue", "--check", "--catalogue", catalogue, "--config", config.FullName);
        var (after, output, _) = await InvokeAsync(new DateTimeOffset(2026, 4, 1, 0, 0, 0, TimeSpan.Zero), "certs", "catalogue", "--check", "--catalogue", catalogue, "--config", config.FullName);

        Assert.True(before == 0, error);
        Assert.Equal(1, after);
        Assert.Contains("FLAGGED  requisition 'ml-platform' requires aws-mls-c01, which retired on 2026-03-31.", output, StringComparison.Ordinal);
        Assert.Contains("1 flagged: 1 requiring a retired certification.", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Check_CatalogueEntryPastRetirementWithoutSuccessor_ExitsOne()
    {
        // The shipped entry records that the vendor named no successor; without that record it needs a decision.
        var catalogue = Catalogue(json => json.Replace("\"noSuccessor\": true,", "", StringComparison.Ordinal).Replace("\"noSuccessor\"", "\"retired\"", StringComparison.Ordinal));

        var (exit, output, error) = await InvokeAsync(ShipDay, "certs", "catalogue", "--check", "--catalogue", catalogue, "--config", Samples.FullName);

        Assert.True(exit == 1, error);
        Assert.Contains("FLAGGED  tensorflow-developer (TensorFlow Developer Certificate) retired on 2024-04-30 and the catalogue names no successor", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Check_InvalidCatalogueField_ExitsTwoNamingEntryAndField()
    {
        var catalogue = Catalogue(json => json.Replace("\"source\": \"https://www.cncf.io/", "\"source\": \"http://www.cncf.io/", StringComparison.Ordinal)
            .Replace("\"successor\": \"ms-ai-103\"", "\"successor\": \"ms-ai-104\"", StringComparison.Ordinal));

        var (exit, output, error) = await InvokeAsync(ShipDay, "certs", "catalogue", "--check", "--catalogue", catalogue, "--config", Samples.FullName);

        Assert.Equal(2, exit);
        Assert.Equal("", output);
        Assert.Contains("certification 'cncf-cka': 'source' must be the https address", error, StringComparison.Ordinal);
        Assert.Contains("certification 'ms-ai-102': 'successor' 'ms-ai-104' is not in the catalogue.", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Check_CheckedDateAfterToday_IsRefused()
    {
        var (exit, _, error) = await InvokeAsync(ShipDay.AddDays(-1), "certs", "catalogue", "--check", "--config", Samples.FullName);

        Assert.Equal(2, exit);
        Assert.Contains("'checked' is 2026-12-02, which is after today (2026-12-01).", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Check_StartsNothingAndWritesNothing()
    {
        var data = Path.Combine(_root.FullName, "data");

        var (exit, _, _) = await InvokeAsync(ShipDay, "certs", "catalogue", "--check", "--config", Samples.FullName, "--data", data);

        Assert.Equal(0, exit);
        Assert.False(Directory.Exists(data), "the check must not start the app or create its data folder");
    }
}
