using Pipeline.Core.Configuration;

namespace Pipeline.Functions.Tests.Deployment;

/// <summary>docs/certifications.md shows the catalogue as shipped: every entry, its source and the day it was checked.</summary>
public class CatalogueDocsTests
{
    [Fact]
    public void CertificationsDoc_ListsEveryCatalogueEntryWithItsSourceAndCheckedDate()
    {
        var catalogue = PipelineConfiguration.LoadCatalogue(PipelineConfiguration.DefaultCataloguePath);
        var rows = File.ReadAllLines(Path.Combine(Pipeline.Testing.Repository.Root, "docs", "certifications.md"))
            .SkipWhile(l => !l.StartsWith("| id | vendor | certification |", StringComparison.Ordinal))
            .Skip(2)
            .TakeWhile(l => l.StartsWith('|'))
            .ToDictionary(l => l.Split('`')[1], StringComparer.Ordinal);

        Assert.All(catalogue.Certifications, c =>
        {
            Assert.True(rows.TryGetValue(c.Id, out var row), $"docs/certifications.md has no row for {c.Id}");
            Assert.Contains($"]({c.Source})", row, StringComparison.Ordinal);
            Assert.EndsWith($"| {c.Checked:yyyy-MM-dd} |", row, StringComparison.Ordinal);
        });
        Assert.Equal(catalogue.Certifications.Select(c => c.Id).Order(StringComparer.Ordinal), rows.Keys.Order(StringComparer.Ordinal));
    }
}
