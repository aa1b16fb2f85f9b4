using Pipeline.Domain.Delivery;
using Pipeline.Domain.Requisitions;
using Pipeline.Domain.Shortlists;

namespace Pipeline.Domain.Tests;

public class ShortlistEmailTests
{
    private static readonly Requisition Requisition = new()
    {
        Id = "ml", Title = "ML <Engineer>", HiringManager = new Contact("hm@contoso.example", "Dana & Co"), RequiredSkills = ["PyTorch"],
        Recruiters = ["r1@contoso.example"],
    };

    private static Shortlist CreateShortlist(string institution = "Uni", string skill = "PyTorch") => new("ml", 3,
    [
        new ShortlistMember(1, "c1", 1.0,
            [new RequirementResult(skill, true, RequirementStatus.Met, false, "listed in skills (claimed)")],
            new CandidateCard(institution, "MSc", new DateOnly(2026, 6, 1), ["Uni (university)"], [skill], ["AWS <b>cert</b>"])),
    ]);

    [Fact]
    public void Compose_EmptyVersion_SaysTheLastShortlistNoLongerStands()
    {
        var email = ShortlistEmail.Compose(Requisition, new Shortlist("ml", 4, []));

        Assert.Contains("no candidate qualifies any more", email.Subject, StringComparison.Ordinal);
        Assert.Contains("shortlist sent before (version 3) no longer stands", email.Html, StringComparison.Ordinal);
        Assert.DoesNotContain("0 candidates meet", email.Html, StringComparison.Ordinal);
    }

    [Fact]
    public void Compose_EverythingFromOutside_IsHtmlEncoded()
    {
        var email = ShortlistEmail.Compose(Requisition, CreateShortlist("<script>alert(1)</script>", "<img src=x onerror=alert(1)>"));

        Assert.DoesNotContain("<script>", email.Html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<img", email.Html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<b>cert", email.Html, StringComparison.Ordinal);
        Assert.DoesNotContain("<Engineer>", email.Html, StringComparison.Ordinal);
        Assert.Contains("&lt;script&gt;", email.Html, StringComparison.Ordinal);
        Assert.Contains("Dana &amp; Co", email.Html, StringComparison.Ordinal);
    }

    [Fact]
    public void Compose_SubjectCarriesTheReferenceToken_AndCardsAreNumberedWithoutNames()
    {
        var shortlist = CreateShortlist();
        var email = ShortlistEmail.Compose(Requisition, shortlist);

        Assert.EndsWith($"[{shortlist.ReferenceToken}]", email.Subject, StringComparison.Ordinal);
        Assert.Matches("^SL-[2-9A-Z]{6}$", shortlist.ReferenceToken);
        Assert.Contains("Candidate 1", email.Html, StringComparison.Ordinal);
        Assert.Contains("interview 1 and 3", email.Html, StringComparison.Ordinal);
    }

    [Fact]
    public void Compose_BlindByDefault_NamesOnlyWhenTheRequisitionSaysSo_AndAlwaysEncoded()
    {
        var shortlist = CreateShortlist();
        var named = shortlist with { Members = [shortlist.Members[0] with { Card = shortlist.Members[0].Card with { Name = "<b>Ana</b> Lima" } }] };

        var blind = ShortlistEmail.Compose(Requisition, shortlist);
        var open = ShortlistEmail.Compose(Requisition with { BlindMode = false }, named);

        Assert.True(Requisition.BlindMode);
        Assert.Contains("names are shared once you decide", blind.Html, StringComparison.Ordinal);
        Assert.DoesNotContain("Lima", blind.Html, StringComparison.Ordinal);
        Assert.Contains("Candidate 1: &lt;b&gt;Ana&lt;/b&gt; Lima", open.Html, StringComparison.Ordinal);
        Assert.DoesNotContain("names are shared", open.Html, StringComparison.Ordinal);
        Assert.Contains("names are shared once you decide", blind.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("Lima", blind.Text, StringComparison.Ordinal);
        Assert.Contains("Candidate 1: <b>Ana</b> Lima — score 100%\n", open.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void Compose_Text_StatesTheFactsOfTheHtml_AsPlainText()
    {
        var shortlist = CreateShortlist();

        var email = ShortlistEmail.Compose(Requisition, shortlist, (rank, decision) => $"https://pipeline.contoso.example/api/decision?c={rank}&d={decision}");

        Assert.StartsWith("Shortlist for ML <Engineer>\n===========================\n\nHello Dana & Co,\n\n1 candidate meets every requirement", email.Text, StringComparison.Ordinal);
        Assert.Contains("\nCandidate 1 — score 100%\n-----", email.Text, StringComparison.Ordinal);
        Assert.Contains("\nMSc, Uni · graduating June 2026 · via Uni (university)\n", email.Text, StringComparison.Ordinal);
        Assert.Contains("\n- ✔ PyTorch (required) — met: listed in skills (claimed)\n", email.Text, StringComparison.Ordinal);
        Assert.Contains("\nCertifications: AWS <b>cert</b>\n", email.Text, StringComparison.Ordinal);
        Assert.Contains("\n  Interview: https://pipeline.contoso.example/api/decision?c=1&d=Interview\n", email.Text, StringComparison.Ordinal);
        Assert.Contains($"Keep the reference {shortlist.ReferenceToken} in the subject.", email.Text, StringComparison.Ordinal);
        Assert.DoesNotMatch("<(p|div|li|h[1-6]|a)[ >]|&amp;|&lt;", email.Text);
    }

    [Fact]
    public void Compose_SaysWhereTheShortlistCameFrom()
    {
        var shortlist = CreateShortlist();
        var mixed = shortlist with { Members = [shortlist.Members[0] with { Card = shortlist.Members[0].Card with { Kinds = [Feeds.FeedKind.University, Feeds.FeedKind.Bootcamp] } }] };

        Assert.Contains("Sources: 1 from university and bootcamp feeds.", ShortlistEmail.Compose(Requisition, mixed).Html, StringComparison.Ordinal);
    }

    [Fact]
    public void Mix_PersonFromTwoFeeds_CountsOnce_WithBothSourcesNamed()
    {
        var shortlist = CreateShortlist();
        var template = shortlist.Members[0];
        CandidateCard Card(string[] sources, params Feeds.FeedKind[] kinds) => template.Card with { Sources = sources, Kinds = kinds };
        var five = shortlist with
        {
            Members =
            [
                template with { Rank = 1, Card = Card(["Northfield"], Feeds.FeedKind.University) },
                template with { Rank = 2, Card = Card(["Northfield"], Feeds.FeedKind.University) },
                template with { Rank = 3, Card = Card(["DeepForge"], Feeds.FeedKind.Bootcamp) },
                template with { Rank = 4, Card = Card(["DeepForge"], Feeds.FeedKind.Bootcamp) },
                template with { Rank = 5, Card = Card(["Northfield", "DeepForge"], Feeds.FeedKind.University, Feeds.FeedKind.Bootcamp) },
            ],
        };

        Assert.Equal(5, five.Mix.Sum(m => m.Value));
        Assert.Equal(5, five.MixBySource.Sum(m => m.Value));
        Assert.Contains(new KeyValuePair<string, int>("DeepForge and Northfield", 1), five.MixBySource);
        Assert.Contains("Sources: 2 from university feeds, 2 from bootcamp feeds, 1 from university and bootcamp feeds.", ShortlistEmail.Compose(Requisition, five).Html, StringComparison.Ordinal);
    }

    [Fact]
    public void ReferenceToken_DependsOnRequisitionAndVersion()
    {
        Assert.Equal(new Shortlist("ml", 1, []).ReferenceToken, new Shortlist("ml", 1, []).ReferenceToken);
        Assert.NotEqual(new Shortlist("ml", 1, []).ReferenceToken, new Shortlist("ml", 2, []).ReferenceToken);
    }

    [Fact]
    public void ShortlistSent_PreviewIsCappedAndRecipientsAreTheRecruiters()
    {
        var activity = TeamsActivity.ShortlistSent(Requisition with { Title = new string('x', 300) }, CreateShortlist(), "5f0c9a4e-8d1b-4c6e-9a57-3b2f7d1e6c40");

        Assert.True(activity.PreviewText.Length <= TeamsActivity.MaxPreviewLength);
        Assert.Equal(["r1@contoso.example"], activity.Recipients);
        Assert.StartsWith("https://teams.microsoft.com/l/entity/5f0c9a4e-", activity.TopicWebUrl, StringComparison.Ordinal);
    }

    [Fact]
    public void ForShortlist_WithNobodyLeft_SaysTheLastShortlistNoLongerStands_AndOneMemberIsSingular()
    {
        var withdrawn = TeamsActivity.ForShortlist(Requisition, new Shortlist("ml", 4, []), "app");
        var one = TeamsActivity.ForShortlist(Requisition, CreateShortlist() with { Members = [CreateShortlist().Members[0]] }, "app");

        Assert.Equal(TeamsActivity.ShortlistWithdrawnType, withdrawn.ActivityType);
        Assert.Contains("no longer stands", withdrawn.PreviewText, StringComparison.Ordinal);
        Assert.DoesNotContain(withdrawn.TemplateParameters, p => p.Key == "candidateCount");
        Assert.Equal(["r1@contoso.example"], withdrawn.Recipients);
        Assert.Equal(TeamsActivity.ShortlistSentType, one.ActivityType);
        Assert.StartsWith("1 candidate shortlisted for ", one.PreviewText, StringComparison.Ordinal);
    }
}
