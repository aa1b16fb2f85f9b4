using Pipeline.Domain.Delivery;
using Pipeline.Domain.Replies;
using Pipeline.Domain.Requisitions;
using Pipeline.Domain.Shortlists;

namespace Pipeline.Domain.Tests;

public class ShortlistTabViewTests
{
    private static readonly Requisition Requisition = new()
    {
        Id = "ml", Title = "ML <Engineer>", HiringManager = new Contact("hm@contoso.example", "Dana"), RequiredSkills = ["PyTorch", "Kubeflow"],
    };

    private static ShortlistMember Member(int rank, string institution, string? name = null, RequirementStatus kubeflow = RequirementStatus.Met) =>
        new(rank, "c" + rank, 0.8,
            [
                new RequirementResult("PyTorch", true, RequirementStatus.Met, true, "AWS MLA-C01 (verified)"),
                new RequirementResult("Kubeflow", true, kubeflow, false, kubeflow == RequirementStatus.Met ? "listed in skills (claimed)" : "not listed"),
            ],
            new CandidateCard(institution, "MSc", null, ["Uni <feed>"], ["PyTorch"], ["AWS MLA-C01 (verified)"]) { Name = name });

    [Fact]
    public void Compose_Shortlist_ShowsTheEmailsCardsAsFocusableArticlesAndEncodesEverything()
    {
        var html = ShortlistTabView.Compose(Requisition, new Shortlist("ml", 2, [Member(1, "<script>alert(1)</script>"), Member(2, "Uni")]), []);

        Assert.Contains("<article tabindex=\"0\" aria-labelledby=\"candidate-1\"", html, StringComparison.Ordinal);
        Assert.Contains("<h2 id=\"candidate-2\"", html, StringComparison.Ordinal);
        Assert.Contains("Kubeflow (required) — met: listed in skills (claimed)", html, StringComparison.Ordinal);
        Assert.Contains("PyTorch (required) — met: AWS MLA-C01 (verified)", html, StringComparison.Ordinal);
        Assert.Contains("via Uni &lt;feed&gt;", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<script>", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<feed>", html, StringComparison.Ordinal);
        Assert.Contains("No decision on this version yet.", html, StringComparison.Ordinal);
        Assert.DoesNotContain("Near misses", html, StringComparison.Ordinal);
    }

    [Fact]
    public void Compose_Decisions_ListsThisVersionsWithWhoAndWhen()
    {
        var at = new DateTimeOffset(2026, 12, 1, 9, 30, 0, TimeSpan.Zero);
        var html = ShortlistTabView.Compose(Requisition, new Shortlist("ml", 2, [Member(1, "Uni")]),
        [
            new DecisionEntry(2, 1, Decision.Interview, "hm@contoso.example", at),
            new DecisionEntry(1, 1, Decision.Reject, "earlier@contoso.example", at),
        ]);

        Assert.Contains("<caption>Decisions on version 2</caption>", html, StringComparison.Ordinal);
        Assert.Contains("<td>1</td><td>Interview</td><td>hm@contoso.example</td><td><time datetime=\"2026-12-01T09:30:00Z\">1 Dec 2026 09:30</time></td>", html, StringComparison.Ordinal);
        Assert.DoesNotContain("earlier@contoso.example", html, StringComparison.Ordinal);
    }

    [Fact]
    public void Compose_NearMisses_ShowsThemApartWithTheirMissingRequirement()
    {
        var html = ShortlistTabView.Compose(Requisition, new Shortlist("ml", 1, [Member(1, "Uni")]), [], [Member(1, "Other Uni", kubeflow: RequirementStatus.NotMet)]);

        Assert.Contains("<h2 id=\"near-misses-heading\">Near misses</h2>", html, StringComparison.Ordinal);
        Assert.Contains("<article tabindex=\"0\" aria-labelledby=\"near-miss-1\"", html, StringComparison.Ordinal);
        Assert.Contains("<h3 id=\"near-miss-1\"", html, StringComparison.Ordinal);
        Assert.Contains("Kubeflow (required) — not met: not listed", html, StringComparison.Ordinal);
    }

    [Fact]
    public void Compose_BlindCard_ShowsNoName_NamedCardShowsItEncoded()
    {
        var blind = ShortlistTabView.Compose(Requisition, new Shortlist("ml", 1, [Member(1, "Uni")]), []);
        var named = ShortlistTabView.Compose(Requisition with { BlindMode = false }, new Shortlist("ml", 1, [Member(1, "Uni", name: "Ada <Lovelace>")]), []);

        Assert.Contains("numbered profiles", blind, StringComparison.Ordinal);
        Assert.Contains(">Candidate 1 <span", blind, StringComparison.Ordinal);
        Assert.Contains("Candidate 1: Ada &lt;Lovelace&gt;", named, StringComparison.Ordinal);
    }
}
