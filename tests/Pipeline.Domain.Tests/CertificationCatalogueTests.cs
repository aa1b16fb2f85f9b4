using System.Text.Json;
using Pipeline.Domain.Certifications;

namespace Pipeline.Domain.Tests;

/// <summary>The shipped catalogue (catalogue/certifications.json) and how claims are matched to it.</summary>
public class CertificationCatalogueTests
{
    private static readonly CertificationCatalogue Catalogue = JsonSerializer.Deserialize<CertificationCatalogue>(
        File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "catalogue", "certifications.json")), DomainJson.Options)!;

    [Fact]
    public void ShippedCatalogue_IsValid() => Assert.Empty(Catalogue.Validate(new DateOnly(2026, 12, 2)));

    // Read as plain JSON, so this fails on a catalogue (and a model) without the fields, not only on missing values.
    [Fact]
    public void ShippedCatalogue_HasTwentyEntriesEachWithVendorIssuersPatternsSourceAndCheckedDate()
    {
        using var document = JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "catalogue", "certifications.json")));
        var entries = document.RootElement.GetProperty("certifications").EnumerateArray().ToList();

        Assert.True(entries.Count >= 20, $"the catalogue has {entries.Count} entries");
        Assert.All(entries, e =>
        {
            var id = e.GetProperty("id").GetString();
            Assert.False(string.IsNullOrWhiteSpace(e.GetProperty("vendor").GetString()), id);
            Assert.NotEmpty(e.GetProperty("issuers").EnumerateArray());
            Assert.NotEmpty(e.GetProperty("namePatterns").EnumerateArray());
            Assert.StartsWith("https://", e.GetProperty("source").GetString(), StringComparison.Ordinal);
            Assert.True(DateOnly.TryParseExact(e.GetProperty("checked").GetString(), "yyyy-MM-dd", out _), id);
        });
        Assert.True(entries.Select(e => e.GetProperty("vendor").GetString()).Distinct().Count() >= 6, "AWS, Google Cloud, Microsoft, Databricks, NVIDIA, CNCF, Snowflake …");
    }

    [Theory]
    [InlineData("AWS Certified AI Practitioner", "aws-aif-c01")]
    [InlineData("Google Cloud Certified Professional Data Engineer", "gcp-pde")]
    [InlineData("Databricks Certified Machine Learning Associate", "databricks-ml-associate")]
    [InlineData("Databricks Certified Machine Learning Professional", "databricks-ml-professional")]
    [InlineData("Microsoft Certified: Azure AI Fundamentals", "ms-azure-ai-fundamentals")]
    [InlineData("NVIDIA-Certified Associate: Generative AI LLMs", "nvidia-nca-genl")]
    [InlineData("CKA: Certified Kubernetes Administrator", "cncf-cka")]
    [InlineData("CKAD: Certified Kubernetes Application Developer", "cncf-ckad")]
    [InlineData("SnowPro Core Certification", "snowflake-snowpro-core")]
    [InlineData("SnowPro Advanced: Data Scientist", "snowflake-snowpro-advanced-data-scientist")]
    [InlineData("NVIDIA-Certified Associate: Generative AI Multimodal", "nvidia-nca-genm")]
    [InlineData("TensorFlow Developer Certificate", "tensorflow-developer")]
    public void Match_NewEntries_FindTheirEntry(string claimed, string expected) => Assert.Equal(expected, Catalogue.Match(claimed)?.Id);

    [Theory]
    [InlineData("Databricks Certified Data Engineer Associate")]
    [InlineData("Hackathon winner")]
    public void Match_NearNamesOfOtherVendors_FindNothing(string claimed) => Assert.Null(Catalogue.Match(claimed));

    private static CertificationEntry Entry(string id) => new()
    {
        Id = id,
        Vendor = "example",
        Name = $"Example {id}",
        Issuers = ["Example"],
        NamePatterns = [$"example {id}"],
        ValidityMonths = 24,
        Source = "https://example.com/certification",
        Checked = new DateOnly(2026, 12, 1),
    };

    [Fact]
    public void Validate_SourceNotHttpsAndCheckedMissingOrAhead_AreReported()
    {
        var catalogue = new CertificationCatalogue
        {
            Certifications =
            [
                Entry("plain-http") with { Source = "http://example.com/x" },
                Entry("relative") with { Source = "/certification" },
                Entry("no-source") with { Source = null },
                Entry("not-checked") with { Checked = null },
                Entry("checked-tomorrow") with { Checked = new DateOnly(2026, 12, 3) },
            ],
        };

        var errors = catalogue.Validate(new DateOnly(2026, 12, 2));

        Assert.Contains(errors, e => e.StartsWith("certification 'plain-http': 'source' must be the https address", StringComparison.Ordinal) && e.Contains("'http://example.com/x'", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("certification 'relative': 'source'", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("certification 'no-source': 'source'", StringComparison.Ordinal) && e.Contains("got nothing", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("certification 'not-checked': 'checked' is required", StringComparison.Ordinal));
        Assert.Contains(errors, e => e == "certification 'checked-tomorrow': 'checked' is 2026-12-03, which is after today (2026-12-02).");
        Assert.Equal(5, errors.Count);
    }

    [Fact]
    public void Validate_SuccessorRulesAndUnconfirmedFields_AreReported()
    {
        var retired = new DateOnly(2025, 1, 1);
        var catalogue = new CertificationCatalogue
        {
            Certifications =
            [
                Entry("a") with { Retired = retired, Successor = "b" },
                Entry("b") with { Retired = retired, Successor = "a" },
                Entry("self") with { Retired = retired, Successor = "self" },
                Entry("both") with { Retired = retired, Successor = "a", NoSuccessor = true },
                Entry("not-retired") with { Successor = "a" },
                Entry("never") with { DoesNotExpire = true },
                Entry("guess") with { Unconfirmed = ["retired", "colour"] },
            ],
        };

        var errors = catalogue.Validate();

        Assert.Contains(errors, e => e == "certification 'a': successors go round in a circle (a -> b -> a).");
        Assert.Contains(errors, e => e == "certification 'self': 'successor' names the certification itself.");
        Assert.Contains(errors, e => e.StartsWith("certification 'both': 'noSuccessor'", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("certification 'not-retired': 'successor' is given but 'retired' is not", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("certification 'never': 'doesNotExpire' and 'validityMonths'", StringComparison.Ordinal));
        Assert.Contains(errors, e => e == "certification 'guess': 'unconfirmed' names 'retired', which the entry does not give.");
        Assert.Contains(errors, e => e.StartsWith("certification 'guess': 'unconfirmed' names 'colour', which is not one of", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("AWS Certified Machine Learning – Specialty", "aws-mls-c01")]
    [InlineData("aws certified machine learning - specialty (MLS-C01)", "aws-mls-c01")]
    [InlineData("AWS Certified Machine Learning Engineer – Associate", "aws-mla-c01")]
    [InlineData("AWS Certified Machine Learning Engineer - Associate", "aws-mla-c01")]
    [InlineData("Google Cloud Professional Machine Learning Engineer", "gcp-pmle")]
    [InlineData("Microsoft Certified: Azure AI Engineer Associate", "ms-ai-102")]
    [InlineData("Exam AI-103", "ms-ai-103")]
    [InlineData("Microsoft Certified: Azure Data Scientist Associate", "ms-dp-100")]
    public void Match_ClaimedNames_FindTheirEntry(string claimed, string expected) => Assert.Equal(expected, Catalogue.Match(claimed)?.Id);

    [Theory]
    [InlineData("Excel Expert")]
    [InlineData("Machine Learning")]
    public void Match_UnknownNames_FindNothing(string claimed) => Assert.Null(Catalogue.Match(claimed));

    [Fact]
    public void Retirements_AreKnownWithTheirSuccessors()
    {
        var mls = Catalogue.Find("aws-mls-c01")!;
        Assert.False(mls.IsRetiredOn(new DateOnly(2026, 3, 31)));
        Assert.True(mls.IsRetiredOn(new DateOnly(2026, 4, 1)));
        Assert.Equal(["aws-mls-c01", "aws-mla-c01"], Catalogue.WithSuccessors("aws-mls-c01").Select(c => c.Id));

        var ai102 = Catalogue.Find("ms-ai-102")!;
        Assert.Equal(new DateOnly(2026, 6, 30), ai102.Retired);
        Assert.Equal(["ms-ai-102", "ms-ai-103"], Catalogue.WithSuccessors("ms-ai-102").Select(c => c.Id));

        // Microsoft: role-based certifications expire yearly, fundamentals never (learn.microsoft.com, checked 2026-12-02).
        Assert.All(Catalogue.Certifications.Where(c => c.Vendor == "microsoft" && !c.Name.Contains("Fundamentals", StringComparison.Ordinal)), c => Assert.Equal(12, c.ValidityMonths));
        Assert.All(Catalogue.Certifications.Where(c => c.Vendor == "microsoft" && c.Name.Contains("Fundamentals", StringComparison.Ordinal)), c => Assert.True(c.DoesNotExpire));
    }

    [Fact]
    public void Validate_UnknownSuccessorAndDuplicateId_AreReported()
    {
        var broken = Catalogue with
        {
            Certifications = [.. Catalogue.Certifications, Catalogue.Find("aws-mls-c01")!, Catalogue.Find("aws-mls-c01")! with { Id = "x-1", Successor = "gone" }],
        };

        var errors = broken.Validate();

        Assert.Contains(errors, e => e.Contains("'aws-mls-c01'", StringComparison.Ordinal) && e.Contains("unique", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("'successor' 'gone'", StringComparison.Ordinal));
    }
}
