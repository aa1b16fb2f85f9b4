using System.Text.Json;
using Pipeline.Domain.Candidates;
using Pipeline.Domain.Certifications;
using Pipeline.Domain.Feeds;
using Pipeline.Domain.Requisitions;
using Pipeline.Domain.Shortlists;

namespace Pipeline.Domain.Tests;

public class ScoringTests
{
    internal static readonly CertificationCatalogue Catalogue = JsonSerializer.Deserialize<CertificationCatalogue>(
        File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "catalogue", "certifications.json")), DomainJson.Options)!;

    private static Requisition CreateRequisition(int size = 5, double minimum = 0) => new()
    {
        Id = "ml", Title = "ML Engineer", HiringManager = new Contact("hm@contoso.example"),
        RequiredSkills = ["PyTorch", "Kubeflow"], PreferredSkills = ["Kubernetes", "MLflow"], ShortlistSize = size, MinimumScore = minimum,
    };

    [Theory]
    [InlineData(new[] { "PyTorch", "Kubeflow", "Kubernetes", "MLflow" }, 1.0, true)]
    [InlineData(new[] { "torch", "kfp" }, 0.6667, true)]
    [InlineData(new[] { "PyTorch", "Kubernetes", "MLflow" }, 0.6667, false)]
    [InlineData(new[] { "Excel" }, 0.0, false)]
    public void Score_SkillsAgainstRequirements_WeighsRequiredTwice(string[] skills, double expected, bool meets)
    {
        var score = Scorer.Score(CreateRequisition(), new ScoringProfile("c1", skills, []));
        Assert.Equal(expected, score.Score, 4);
        Assert.Equal(meets, score.MeetsRequirements);
        Assert.Equal(4, score.Requirements.Count);
    }

    [Fact]
    public void Score_ReportsEachRequirementAsClaimedNotVerified()
    {
        var score = Scorer.Score(CreateRequisition(), new ScoringProfile("c1", ["PyTorch"], []));
        var pytorch = score.Requirements.Single(r => r.Name == "PyTorch");
        Assert.Equal(RequirementStatus.Met, pytorch.Status);
        Assert.False(pytorch.Verified);
        Assert.Equal(RequirementStatus.NotMet, score.Requirements.Single(r => r.Name == "Kubeflow").Status);
    }

    [Fact]
    public void Rank_TiesGoToLowerCandidateId_AndSizeAndMinimumApply()
    {
        var requisition = CreateRequisition(size: 2, minimum: 0.7);
        var scores = new[]
        {
            new CandidateScore("c3", 0.8, true, []),
            new CandidateScore("c1", 0.8, true, []),
            new CandidateScore("c2", 0.9, true, []),
            new CandidateScore("c4", 1.0, false, []),
            new CandidateScore("c5", 0.6, true, []),
        };

        Assert.Equal(["c2", "c1"], Scorer.Rank(requisition, scores).Select(s => s.CandidateId));
    }

    [Fact]
    public void NearMisses_AreThoseMissingExactlyOneRequiredSkill_BestFirst()
    {
        var requisition = CreateRequisition(size: 5, minimum: 0.3);
        var scores = new[] { "PyTorch Kubernetes MLflow", "Kubeflow", "PyTorch Kubeflow", "Kubernetes MLflow", "PyTorch" }
            .Select((skills, i) => Scorer.Score(requisition, new ScoringProfile($"c{i}", skills.Split(' '), [])))
            .ToList();

        // c0 (0.67), c1 and c4 (0.33 each, tie to the lower id) miss one required skill; c2 meets both, so it is
        // shortlisted, not a near miss; c3 misses both.
        var near = Scorer.NearMisses(requisition, scores);

        Assert.Equal(["c0", "c1", "c4"], near.Select(s => s.CandidateId));
        Assert.DoesNotContain(near, s => s.MeetsRequirements);
    }

    [Fact]
    public void Score_ChangingProtectedAttributes_LeavesTheScoreIdentical()
    {
        // Scoring sees only ForScoring(): names, emails, phones and locations cannot move a score.
        var record = new CandidateRecord { Email = "a@x.example", Name = "Aisha Hassan", Phone = "+441234567", Location = "Leeds", Skills = ["PyTorch", "Kubeflow"] };
        var other = record with { Email = "z@y.example", Name = "John Smith", Phone = "+15550000000", Location = "Austin" };
        var a = CandidateProfile.Merge("c1", [new SourceRecord("f", FeedKind.University, "U", record)]);
        var b = CandidateProfile.Merge("c1", [new SourceRecord("f", FeedKind.University, "U", other)]);

        Assert.Equal(a.ForScoring(Catalogue), b.ForScoring(Catalogue), new ScoringProfileComparer());
        Assert.Equal(Scorer.Score(CreateRequisition(), a.ForScoring(Catalogue)).Score, Scorer.Score(CreateRequisition(), b.ForScoring(Catalogue)).Score);
    }

    private sealed class ScoringProfileComparer : IEqualityComparer<ScoringProfile>
    {
        public bool Equals(ScoringProfile? x, ScoringProfile? y) =>
            x!.CandidateId == y!.CandidateId && x.Skills.SequenceEqual(y.Skills) && x.Certifications.SequenceEqual(y.Certifications);

        public int GetHashCode(ScoringProfile obj) => obj.CandidateId.GetHashCode(StringComparison.Ordinal);
    }
}

public class CandidateProfileTests
{
    [Fact]
    public void Merge_SameOutcomeWhateverTheArrivalOrder()
    {
        var university = new SourceRecord("b-uni", FeedKind.University, "Uni", new CandidateRecord { Email = "a@x.example", Name = "Ana", Skills = ["PyTorch"] });
        var bootcamp = new SourceRecord("a-camp", FeedKind.Bootcamp, "Camp", new CandidateRecord { Email = "a@x.example", Institution = "Camp", Skills = ["Kubeflow", "pytorch"] });

        var one = CandidateProfile.Merge("c", [university, bootcamp]);
        var two = CandidateProfile.Merge("c", [bootcamp, university]);

        Assert.Equal(["Kubeflow", "PyTorch"], one.Skills);
        Assert.Equal(one.Skills, two.Skills);
        Assert.Equal("Ana", one.Name);
        Assert.Equal("Camp", one.Institution);
        Assert.Equal(["Camp (bootcamp)", "Uni (university)"], one.Sources);
    }

    [Fact]
    public void ContentHash_EqualForEqualContent_DifferentOtherwise()
    {
        var a = new CandidateRecord { Email = "a@x.example", Skills = ["PyTorch"] };
        Assert.Equal(a.ContentHash(), (a with { Skills = ["PyTorch"] }).ContentHash());
        Assert.NotEqual(a.ContentHash(), (a with { Skills = ["Kubeflow"] }).ContentHash());
    }

    [Fact]
    public void CandidateId_IsStableAndHidesTheEmail()
    {
        var id = CandidateId.FromEmail("ana@x.example");
        Assert.Equal(id, CandidateId.FromEmail("ana@x.example"));
        Assert.DoesNotContain("ana", id, StringComparison.Ordinal);
        Assert.Matches("^c[0-9a-f]{20}$", id);
    }
}

public class SkillCatalogTests
{
    [Theory]
    [InlineData("torch", "PyTorch")]
    [InlineData("  TF ", "TensorFlow")]
    [InlineData("tensorflow2", "TensorFlow")]
    [InlineData("k8s", "Kubernetes")]
    [InlineData("Kubeflow Pipelines", "Kubeflow")]
    [InlineData("healthcare imaging", "Medical Imaging")]
    [InlineData("Quantum   Basket Weaving", "Quantum Basket Weaving")]
    public void Normalize_KnownSpellings_MapToCanonical(string raw, string expected) => Assert.Equal(expected, SkillCatalog.Normalize(raw));

    [Fact]
    public void NormalizeAll_DeduplicatesCaseInsensitively_KeepingOrder() =>
        Assert.Equal(["PyTorch", "Python"], SkillCatalog.NormalizeAll(["torch", "python3", "PYTORCH", " ", "Python"]));
}
