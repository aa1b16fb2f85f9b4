using System.Text.Json;
using Pipeline.Domain.Certifications;

namespace Pipeline.Domain.Tests;

/// <summary>The shipped catalogue (catalogue/certifications.json) and how claims are matched to it.</summary>
public class CertificationCatalogueTests
{
    private static readonly CertificationCatalogue Catalogue = JsonSerializer.Deserialize<CertificationCatalogue>(
        File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "catalogue", "certifications.json")), DomainJson.Options)!;

    [Fact]
    public void ShippedCatalogue_IsValid() => Assert.Empty(Catalogue.Validate());

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
        Assert.All(Catalogue.Certifications.Where(c => c.Vendor == "microsoft"), c => Assert.Equal(12, c.ValidityMonths));
    }

    [Fact]
    public void Validate_UnknownSuccessorAndDuplicateId_AreReported()
    {
        var broken = Catalogue with
        {
            Certifications = [.. Catalogue.Certifications, Catalogue.Certifications[0], Catalogue.Certifications[1] with { Id = "x-1", Successor = "gone" }],
        };

        var errors = broken.Validate();

        Assert.Contains(errors, e => e.Contains("'aws-mls-c01'", StringComparison.Ordinal) && e.Contains("unique", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("'successor' 'gone'", StringComparison.Ordinal));
    }
}
