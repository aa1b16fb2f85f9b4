using System.Text.Json;
using Pipeline.Domain.Candidates;
using Pipeline.Domain.Feeds;
using Pipeline.Domain.Requisitions;
using Pipeline.Domain.Shortlists;

namespace Pipeline.Domain.Tests;

/// <summary>The richer role profile: weighted skills, domain knowledge, location, availability and clearance.</summary>
public class RequisitionScoringTests
{
    private static Requisition Base => new()
    {
        Id = "ml", Title = "ML Engineer", HiringManager = new Contact("hm@contoso.example"), RequiredSkills = ["PyTorch"],
    };

    private static ScoringProfile Profile(string? location = null, DateOnly? graduation = null, string? clearance = null, string? program = null, params string[] skills) =>
        new("c1", skills.Length == 0 ? ["PyTorch"] : skills, []) { Location = location, GraduationDate = graduation, Clearance = clearance, Program = program };

    private static RequirementResult Only(CandidateScore score) => Assert.Single(score.Requirements, r => r.Name != "PyTorch");

    [Fact]
    public void Score_SkillWeights_ChangeTheShareEachSkillIsWorth()
    {
        var requisition = Base with { PreferredSkills = [new SkillRequirement("MLflow", 6), "Docker"] };

        // PyTorch (2) + MLflow (6) of 2 + 6 + 1.
        Assert.Equal(0.8889, Scorer.Score(requisition, Profile(skills: ["PyTorch", "MLflow"])).Score, 4);
        Assert.Equal(0.3333, Scorer.Score(requisition, Profile(skills: ["PyTorch", "Docker"])).Score, 4);
    }

    [Theory]
    [InlineData("\"PyTorch\"", "PyTorch", null)]
    [InlineData("{ \"name\": \"PyTorch\", \"weight\": 3 }", "PyTorch", 3.0)]
    public void Requisition_SkillsAreNamesOrWeightedObjects(string json, string name, double? weight)
    {
        var requisition = JsonSerializer.Deserialize<Requisition>(
            $$"""{ "id": "r", "title": "T", "hiringManager": { "email": "hm@contoso.example" }, "requiredSkills": [ {{json}} ] }""", DomainJson.Options)!;
        Assert.Equal(new SkillRequirement(name, weight), requisition.RequiredSkills.Single());
    }

    [Fact]
    public void Requisition_SkillWithAnUnknownField_IsRefused()
    {
        var e = Assert.Throws<JsonException>(() => JsonSerializer.Deserialize<Requisition>(
            """{ "id": "r", "title": "T", "hiringManager": { "email": "hm@contoso.example" }, "requiredSkills": [ { "name": "PyTorch", "level": 3 } ] }""", DomainJson.Options));
        Assert.Contains("'level'", e.Message, StringComparison.Ordinal);
    }

    public static TheoryData<string[], string?, RequirementStatus, string> DomainCases => new()
    {
        { ["PyTorch", "DICOM"], null, RequirementStatus.Met, "'DICOM' in skills (claimed)" },
        { ["PyTorch"], "MSc, Medical Imaging", RequirementStatus.Met, "'medical imaging' in the programme of study" },
        { ["PyTorch", "pandas"], "BSc, Economics", RequirementStatus.NotMet, "nothing in skills or programme shows it" },
    };

    [Theory]
    [MemberData(nameof(DomainCases))]
    public void Score_DomainKnowledge_FromSkillsOrProgramme(string[] skills, string? program, RequirementStatus status, string evidence)
    {
        var requisition = Base with { DomainKnowledge = [new DomainRequirement { Name = "Healthcare imaging", Keywords = ["medical imaging", "dicom", "radiology"] }] };
        var result = Only(Scorer.Score(requisition, Profile(program: program, skills: skills)));
        Assert.Equal(status, result.Status);
        Assert.Equal(evidence, result.Evidence);
    }

    [Theory]
    [InlineData("Boston, MA, US", RequirementStatus.Met)]
    [InlineData("Berlin, DE", RequirementStatus.NotMet)]
    [InlineData("Usk, Wales", RequirementStatus.NotMet)] // "US" must be a whole part, not a prefix
    [InlineData(null, RequirementStatus.Unknown)]
    public void Score_Location_MatchesAWholePartOfTheStatedLocation(string? location, RequirementStatus status)
    {
        var requisition = Base with { Location = new LocationRequirement { Mode = WorkMode.Hybrid, Places = ["US", "Toronto"], Required = true } };
        var score = Scorer.Score(requisition, Profile(location));
        Assert.Equal(status, Only(score).Status);
        Assert.Equal(status == RequirementStatus.Met, score.MeetsRequirements);
    }

    [Fact]
    public void Score_RemoteRole_DoesNotConsiderLocationAtAll()
    {
        var requisition = Base with { Location = new LocationRequirement { Mode = WorkMode.Remote } };
        var a = Scorer.Score(requisition, Profile("Boston, MA, US"));
        var b = Scorer.Score(requisition, Profile("Lagos, NG"));
        Assert.Equal(a.Requirements, b.Requirements);
        Assert.DoesNotContain(a.Requirements, r => r.Name.StartsWith("Location", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("2026-06-15", RequirementStatus.Met)]
    [InlineData("2026-10-01", RequirementStatus.Met)]
    [InlineData("2027-01-31", RequirementStatus.NotMet)]
    [InlineData(null, RequirementStatus.Unknown)]
    public void Score_Availability_IsFinishingStudiesByTheStart(string? graduation, RequirementStatus status)
    {
        var requisition = Base with { Availability = new AvailabilityRequirement { Start = new DateOnly(2026, 10, 1), DurationMonths = 12 } };
        var result = Only(Scorer.Score(requisition, Profile(graduation: graduation is null ? null : DateOnly.Parse(graduation, System.Globalization.CultureInfo.InvariantCulture))));
        Assert.Equal(status, result.Status);
        Assert.Equal("Available from 2026-10-01 for 12 months", result.Name);
    }

    [Theory]
    [InlineData("sc", RequirementStatus.Met)]
    [InlineData("BPSS", RequirementStatus.NotMet)]
    [InlineData(null, RequirementStatus.Unknown)]
    public void Score_Clearance_IsWhatAFeedStates(string? stated, RequirementStatus status)
    {
        var requisition = Base with { Clearance = new ClearanceRequirement { Level = "SC", Required = true } };
        var score = Scorer.Score(requisition, Profile(clearance: stated));
        Assert.Equal(status, Only(score).Status);
        Assert.Equal(status == RequirementStatus.Met, score.MeetsRequirements);
    }

    [Fact]
    public void Score_ChangingProtectedAttributes_LeavesEveryScoreIdentical_AndLocationMattersOnlyThroughTheLocationRule()
    {
        var record = new CandidateRecord
        {
            Email = "a@x.example", Name = "Aisha Hassan", Phone = "+441234567", Location = "Leeds, UK", Skills = ["PyTorch", "Kubeflow", "DICOM"],
            Program = "MSc, Medical Imaging", GraduationDate = new DateOnly(2026, 6, 1),
        };
        var other = record with { Email = "z@y.example", Name = "John Smith", Phone = "+15550000000" };
        var moved = record with { Location = "Austin, TX, US" };
        Requisition[] requisitions =
        [
            Base with { PreferredSkills = ["Kubeflow"], DomainKnowledge = [new DomainRequirement { Name = "Imaging", Keywords = ["dicom"] }] },
            Base with { Availability = new AvailabilityRequirement { Start = new DateOnly(2026, 9, 1) }, Location = new LocationRequirement { Mode = WorkMode.Remote } },
            Base with { Location = new LocationRequirement { Places = ["UK"] } },
        ];
        CandidateScore ScoreOf(CandidateRecord r, Requisition q) =>
            Scorer.Score(q, CandidateProfile.Merge("c1", [new SourceRecord("f", FeedKind.University, "U", r)]).ForScoring(ScoringTests.Catalogue), ScoringTests.Catalogue);

        foreach (var requisition in requisitions)
        {
            Assert.Equal(ScoreOf(record, requisition).Score, ScoreOf(other, requisition).Score);
            Assert.Equal(ScoreOf(record, requisition).Requirements, ScoreOf(other, requisition).Requirements);
        }

        // Moving changes nothing where the role has no location rule or is remote, and only the location line where it has one.
        Assert.Equal(ScoreOf(record, requisitions[0]).Requirements, ScoreOf(moved, requisitions[0]).Requirements);
        Assert.Equal(ScoreOf(record, requisitions[1]).Requirements, ScoreOf(moved, requisitions[1]).Requirements);
        var before = ScoreOf(record, requisitions[2]).Requirements;
        var after = ScoreOf(moved, requisitions[2]).Requirements;
        Assert.Equal(before.Where(r => !r.Name.StartsWith("Location", StringComparison.Ordinal)), after.Where(r => !r.Name.StartsWith("Location", StringComparison.Ordinal)));
        Assert.NotEqual(before.Single(r => r.Name.StartsWith("Location", StringComparison.Ordinal)).Status, after.Single(r => r.Name.StartsWith("Location", StringComparison.Ordinal)).Status);
    }

    [Fact]
    public void Validate_EachNewFieldNamesItsProblem()
    {
        var bad = Base with
        {
            PreferredSkills = [new SkillRequirement("MLflow", 50)],
            DomainKnowledge = [new DomainRequirement { Name = "Imaging" }],
            Location = new LocationRequirement { Mode = WorkMode.Onsite },
            Clearance = new ClearanceRequirement { Level = " " },
            Availability = new AvailabilityRequirement { Start = new DateOnly(2026, 1, 1), DurationMonths = 0 },
        };
        var errors = new RequisitionsDocument { Requisitions = [bad] }.Validate();
        Assert.Contains(errors, e => e.Contains("'preferredSkills[0].weight'", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("'domainKnowledge[0]'", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("'location' of an onsite role needs 'places'", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("'clearance.level'", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("'availability.durationMonths'", StringComparison.Ordinal));
    }
}
