using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;
using Pipeline.Domain.Delivery;
using Pipeline.Domain.Feeds;
using Pipeline.Domain.Requisitions;
using Pipeline.Domain.Shortlists;

namespace Pipeline.Domain.Tests;

/// <summary>
/// The rendered shortlist email, its HTML and its plain text each checked against a committed snapshot (a change to
/// either is a reviewed change), and the HTML for accessibility. To accept a deliberate change: UPDATE_SNAPSHOTS=1 dotnet test, then review the diff.
/// </summary>
public partial class ShortlistEmailSnapshotTests
{
    private static readonly Requisition Requisition = new()
    {
        Id = "ml-engineer-platform", Title = "Machine Learning Engineer, ML Platform",
        HiringManager = new Contact("dana.whitfield@contoso.example", "Dana Whitfield"),
        RequiredSkills = ["PyTorch", "Kubeflow"], PreferredSkills = ["Kubernetes"],
    };

    private static readonly Shortlist Shortlist = new("ml-engineer-platform", 2,
    [
        new ShortlistMember(1, "c0001", 1.0,
            [
                new RequirementResult("PyTorch", true, RequirementStatus.Met, false, "listed in skills (claimed)"),
                new RequirementResult("Kubeflow", true, RequirementStatus.Met, false, "listed in skills (claimed)"),
                new RequirementResult("Kubernetes", false, RequirementStatus.Met, false, "listed in skills (claimed)"),
            ],
            new CandidateCard("Northfield University", "MSc, Computer Science", new DateOnly(2026, 6, 1), ["Northfield University Careers Office (university)"],
                ["PyTorch", "Kubeflow", "Kubernetes"], ["AWS Certified Machine Learning Engineer – Associate (verified)"]) { Kinds = [FeedKind.University] }),
        new ShortlistMember(2, "c0002", 0.8,
            [
                new RequirementResult("PyTorch", true, RequirementStatus.Met, false, "listed in skills (claimed)"),
                new RequirementResult("Kubeflow", true, RequirementStatus.Met, false, "listed in skills (claimed)"),
                new RequirementResult("Kubernetes", false, RequirementStatus.NotMet, false, "not listed"),
            ],
            new CandidateCard("DeepForge <ML> Bootcamp", "Certificate, MLOps", new DateOnly(2026, 10, 30), ["DeepForge ML Bootcamp (bootcamp)"],
                ["PyTorch", "Kubeflow"], []) { Kinds = [FeedKind.Bootcamp] }),
    ]);

    private static string Html => ShortlistEmail.Compose(Requisition, Shortlist).Html;

    [Fact]
    public void Html_MatchesTheCommittedSnapshot()
    {
        var path = SnapshotPath("shortlist-email.html");
        var actual = Html.Replace("><", ">\n<", StringComparison.Ordinal) + "\n";
        if (Environment.GetEnvironmentVariable("UPDATE_SNAPSHOTS") == "1")
        {
            File.WriteAllText(path, actual);
        }

        Assert.True(File.Exists(path), $"No snapshot at {path}; run with UPDATE_SNAPSHOTS=1 to create it, then review it.");
        Assert.Equal(File.ReadAllText(path), actual);
    }

    [Fact]
    public void Text_MatchesTheCommittedSnapshot()
    {
        var path = SnapshotPath("shortlist-email.txt");
        var actual = ShortlistEmail.Compose(Requisition, Shortlist).Text;
        if (Environment.GetEnvironmentVariable("UPDATE_SNAPSHOTS") == "1")
        {
            File.WriteAllText(path, actual);
        }

        Assert.True(File.Exists(path), $"No snapshot at {path}; run with UPDATE_SNAPSHOTS=1 to create it, then review it.");
        Assert.Equal(File.ReadAllText(path), actual);
    }

    [Fact]
    public void Html_DeclaresLanguageTitleAndCharset()
    {
        Assert.Matches("^<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>[^<]+</title>", Html);
    }

    [Fact]
    public void Html_HeadingsAreOrderedOneH1ThenH2s()
    {
        var levels = Heading().Matches(Html).Select(m => int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(1, levels[0]);
        Assert.Single(levels, 1);
        Assert.All(levels.Zip(levels.Skip(1)), pair => Assert.True(pair.Second - pair.First <= 1, "a heading level is skipped"));
        Assert.Equal(Shortlist.Members.Count, Regex.Matches(Html, "<h2[^>]*>Candidate ").Count);
    }

    [Fact]
    public void Html_UsesNoLayoutTablesAndEveryImageHasAlt()
    {
        Assert.DoesNotContain("<table", Html, StringComparison.OrdinalIgnoreCase);
        Assert.All(Regex.Matches(Html, "<img[^>]*>").Select(m => m.Value), img => Assert.Contains("alt=", img, StringComparison.Ordinal));
    }

    [Fact]
    public void Html_TextColoursHaveAtLeastAaContrastOnWhite()
    {
        var colours = Colour().Matches(Html).Select(m => m.Groups[1].Value).Distinct().ToList();
        Assert.NotEmpty(colours);
        Assert.All(colours, c => Assert.True(ContrastOnWhite(c) >= 4.5, $"#{c} has contrast {ContrastOnWhite(c):F2} on white; AA needs 4.5"));
    }

    [Fact]
    public void Html_StatesEachRequirementInWords()
    {
        Assert.Contains("Kubernetes (preferred) — not met: not listed", Html, StringComparison.Ordinal);
        Assert.Contains("PyTorch (required) — met:", Html, StringComparison.Ordinal);
    }

    private static double ContrastOnWhite(string hex)
    {
        if (hex.Length == 3)
        {
            hex = string.Concat(hex.Select(c => $"{c}{c}"));
        }

        double Channel(int i)
        {
            var v = int.Parse(hex.Substring(i * 2, 2), NumberStyles.HexNumber, CultureInfo.InvariantCulture) / 255.0;
            return v <= 0.03928 ? v / 12.92 : Math.Pow((v + 0.055) / 1.055, 2.4);
        }

        var luminance = (0.2126 * Channel(0)) + (0.7152 * Channel(1)) + (0.0722 * Channel(2));
        return 1.05 / (luminance + 0.05);
    }

    private static string SnapshotPath(string name, [CallerFilePath] string source = "") =>
        Path.Combine(Path.GetDirectoryName(source)!, "Snapshots", name);

    [GeneratedRegex("<h([1-6])[ >]")]
    private static partial Regex Heading();

    // Foreground colours only (not border colours).
    [GeneratedRegex("(?<![-a-z])color:#([0-9a-fA-F]{6}|[0-9a-fA-F]{3})")]
    private static partial Regex Colour();
}
