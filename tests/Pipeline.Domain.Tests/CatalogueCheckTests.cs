using Pipeline.Domain.Certifications;
using Pipeline.Domain.Requisitions;

namespace Pipeline.Domain.Tests;

/// <summary>The catalogue check: retirements nobody acted on, and requisitions that ask for what can no longer be earned.</summary>
public class CatalogueCheckTests
{
    private static readonly DateOnly Today = new(2026, 12, 2);

    private static CertificationEntry Entry(string id, DateOnly? retired = null, string? successor = null, bool noSuccessor = false) => new()
    {
        Id = id,
        Vendor = "example",
        Name = $"Example {id}",
        Issuers = ["Example"],
        NamePatterns = [$"example {id}"],
        ValidityMonths = 24,
        Retired = retired,
        Successor = successor,
        NoSuccessor = noSuccessor,
        Source = "https://example.com/certification",
        Checked = Today,
    };

    private static CertificationCatalogue Catalogue(params CertificationEntry[] entries) => new() { Version = "test", Certifications = entries };

    private static Requisition Requisition(string id, params CertificationRequirement[] certifications) => new()
    {
        Id = id,
        Title = id,
        HiringManager = new Contact("manager@example.com"),
        Certifications = certifications,
    };

    [Fact]
    public void Run_RetiredWithoutSuccessor_IsFlagged()
    {
        var findings = CatalogueCheck.Run(Catalogue(Entry("old", retired: new DateOnly(2026, 6, 30))), [], Today);

        var finding = Assert.Single(findings);
        Assert.Equal(CatalogueFindingKind.RetiredWithoutSuccessor, finding.Kind);
        Assert.True(finding.Flagged);
        Assert.Equal("old", finding.Certification);
        Assert.Equal(new DateOnly(2026, 6, 30), finding.Retired);
        Assert.Contains("retired on 2026-06-30", finding.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Run_RetiredWithSuccessorOrNoSuccessorRecorded_IsOnlyANote()
    {
        var findings = CatalogueCheck.Run(
            Catalogue(Entry("old", new DateOnly(2026, 3, 31), successor: "new"), Entry("new"), Entry("gone", new DateOnly(2024, 5, 1), noSuccessor: true)), [], Today);

        Assert.All(findings, f => Assert.False(f.Flagged));
        Assert.Equal([("old", CatalogueFindingKind.Retired), ("gone", CatalogueFindingKind.Retired)], findings.Select(f => (f.Certification, f.Kind)));
    }

    [Fact]
    public void Run_OnTheRetirementDayAndBefore_NothingIsFlagged_ButASoonRetirementIsNoted()
    {
        var entry = Entry("last-day", retired: Today);

        var onTheDay = CatalogueCheck.Run(Catalogue(entry), [Requisition("role", new CertificationRequirement { Id = "last-day", Required = true })], Today);
        var dayAfter = CatalogueCheck.Run(Catalogue(entry), [Requisition("role", new CertificationRequirement { Id = "last-day", Required = true })], Today.AddDays(1));

        Assert.Equal(CatalogueFindingKind.RetiresSoon, Assert.Single(onTheDay).Kind);
        Assert.Equal([CatalogueFindingKind.RetiredWithoutSuccessor, CatalogueFindingKind.RequisitionRequiresRetired], dayAfter.Select(f => f.Kind));
        Assert.All(dayAfter, f => Assert.True(f.Flagged));
    }

    [Fact]
    public void Run_RequisitionRequiringRetiredCertification_IsFlaggedWithTheSuccessorToNameInstead()
    {
        var catalogue = Catalogue(Entry("old", new DateOnly(2026, 3, 31), successor: "new"), Entry("new"));
        var requisitions = new[]
        {
            Requisition("strict", new CertificationRequirement { Id = "old", Required = true, AcceptSuccessors = false }),
            Requisition("lenient", new CertificationRequirement { Id = "old", Required = true }),
            Requisition("nice-to-have", new CertificationRequirement { Id = "old" }),
            Requisition("current", new CertificationRequirement { Id = "new", Required = true }),
        };

        var findings = CatalogueCheck.Run(catalogue, requisitions, Today).Where(f => f.Requisition is not null).ToList();

        Assert.Equal(
            [("strict", CatalogueFindingKind.RequisitionRequiresRetired, true), ("lenient", CatalogueFindingKind.RequisitionRequiresRetired, true), ("nice-to-have", CatalogueFindingKind.RequisitionPrefersRetired, false)],
            findings.Select(f => (f.Requisition!, f.Kind, f.Flagged)));
        Assert.All(findings, f => Assert.Equal("new", f.Successor));
        Assert.Contains("does not accept successors", findings[0].Message, StringComparison.Ordinal);
        Assert.Contains("name new instead", findings[1].Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Run_UnconfirmedAndStaleFacts_AreNotes()
    {
        var findings = CatalogueCheck.Run(
            Catalogue(Entry("guess") with { Unconfirmed = ["validityMonths"] }, Entry("old-check") with { Checked = Today.AddDays(-CatalogueCheck.StaleAfterDays - 1) }), [], Today);

        Assert.Equal([("guess", CatalogueFindingKind.Unconfirmed), ("old-check", CatalogueFindingKind.Stale)], findings.Select(f => (f.Certification, f.Kind)));
        Assert.All(findings, f => Assert.False(f.Flagged));
    }
}
