using Pipeline.Domain.Candidates;
using Pipeline.Domain.Certifications;
using Pipeline.Domain.Requisitions;
using Pipeline.Domain.Shortlists;

namespace Pipeline.Domain.Tests;

/// <summary>Certifications in scoring: verified beats claimed beats refuted, successors, verified-only requirements, and the evidence words.</summary>
public class CertificationScoringTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 1, 9, 0, 0, TimeSpan.Zero);
    private const string Url = "https://www.credly.com/badges/1";

    private static Requisition Requisition(string id = "aws-mla-c01", bool required = true, bool successors = true, bool verifiedOnly = false) => new()
    {
        Id = "ml", Title = "ML Engineer", HiringManager = new Contact("hm@contoso.example"),
        RequiredSkills = ["PyTorch"],
        Certifications = [new CertificationRequirement { Id = id, Required = required, AcceptSuccessors = successors, VerifiedOnly = verifiedOnly }],
    };

    private static VerificationResult Check(VerificationOutcome outcome, string? certification = "aws-mla-c01", DateTimeOffset? expires = null) =>
        new(outcome, certification, "test", [], Expires: expires, CheckedAt: new DateTimeOffset(2026, 11, 20, 8, 0, 0, TimeSpan.Zero));

    private static CandidateScore Score(Requisition requisition, string claim, string? url, VerificationResult? check)
    {
        var evidence = CertificationEvidence.From(new ClaimedCertification(claim, Url: url), check, ScoringTests.Catalogue, Now);
        return Scorer.Score(requisition, new ScoringProfile("c1", ["PyTorch"], [evidence]), ScoringTests.Catalogue);
    }

    public static TheoryData<string, string?, VerificationOutcome?, RequirementStatus, bool, double> Cases => new()
    {
        // claim, url, outcome of its check, requirement status, verified, score (PyTorch 2 + certification 2 of 4)
        { "AWS Certified Machine Learning Engineer – Associate", Url, VerificationOutcome.Verified, RequirementStatus.Met, true, 1.0 },
        { "AWS Certified Machine Learning Engineer – Associate", null, null, RequirementStatus.Met, false, 0.75 },
        { "AWS Certified Machine Learning Engineer – Associate", Url, null, RequirementStatus.Met, false, 0.75 },
        { "AWS Certified Machine Learning Engineer – Associate", Url, VerificationOutcome.Unreachable, RequirementStatus.Met, false, 0.75 },
        { "AWS Certified Machine Learning Engineer – Associate", Url, VerificationOutcome.Refused, RequirementStatus.Met, false, 0.75 },
        { "AWS Certified Machine Learning Engineer – Associate", Url, VerificationOutcome.Revoked, RequirementStatus.NotMet, false, 0.5 },
        { "AWS Certified Machine Learning Engineer – Associate", Url, VerificationOutcome.Expired, RequirementStatus.NotMet, false, 0.5 },
        { "AWS Certified Machine Learning Engineer – Associate", Url, VerificationOutcome.RecipientMismatch, RequirementStatus.NotMet, false, 0.5 },
        { "AWS Certified Machine Learning Engineer – Associate", Url, VerificationOutcome.NotFound, RequirementStatus.NotMet, false, 0.5 },
        { "Google Cloud Professional Machine Learning Engineer", null, null, RequirementStatus.NotMet, false, 0.5 },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Score_CertificationRequirement_ByWhatItsCheckFound(string claim, string? url, VerificationOutcome? outcome, RequirementStatus status, bool verified, double score)
    {
        var result = Score(Requisition(), claim, url, outcome is { } o ? Check(o) : null);

        var requirement = Assert.Single(result.Requirements, r => r.Name == "AWS Certified Machine Learning Engineer – Associate");
        Assert.Equal(status, requirement.Status);
        Assert.Equal(verified, requirement.Verified);
        Assert.Equal(score, result.Score, 4);
        Assert.Equal(status == RequirementStatus.Met, result.MeetsRequirements);
        Assert.False(string.IsNullOrWhiteSpace(requirement.Evidence));
    }

    [Fact]
    public void Score_VerifiedCredential_SaysWhenItWasVerified()
    {
        var result = Score(Requisition(), "MLA-C01", Url, Check(VerificationOutcome.Verified, expires: new DateTimeOffset(2029, 9, 1, 0, 0, 0, TimeSpan.Zero)));
        Assert.Equal("verified 2026-11-20, valid until 2029-09-01", result.Requirements.Single(r => r.Verified).Evidence);
    }

    [Fact]
    public void Score_VerifiedCredentialThatHasSinceExpired_IsNotMet()
    {
        var result = Score(Requisition(), "MLA-C01", Url, Check(VerificationOutcome.Verified, expires: Now.AddDays(-1)));
        var requirement = result.Requirements.Single(r => r.Name.StartsWith("AWS", StringComparison.Ordinal));
        Assert.Equal(RequirementStatus.NotMet, requirement.Status);
        Assert.Contains("expired on 2026-11-30", requirement.Evidence, StringComparison.Ordinal);
    }

    [Fact]
    public void Score_RetiredExamWithSuccessorsAccepted_IsMetByTheSuccessor()
    {
        // MLS-C01 retired on 2026-03-31; its successor is MLA-C01.
        var accepted = Score(Requisition("aws-mls-c01"), "AWS Certified Machine Learning Engineer – Associate", Url, Check(VerificationOutcome.Verified));
        var refused = Score(Requisition("aws-mls-c01", successors: false), "AWS Certified Machine Learning Engineer – Associate", Url, Check(VerificationOutcome.Verified));

        Assert.True(accepted.MeetsRequirements);
        Assert.Contains("its successor", accepted.Requirements.Single(r => r.Verified).Evidence, StringComparison.Ordinal);
        Assert.False(refused.MeetsRequirements);
    }

    [Fact]
    public void Score_RetiredExamStillValid_CountsUntilItExpires()
    {
        var held = Score(Requisition("aws-mls-c01"), "AWS Certified Machine Learning – Specialty", Url,
            Check(VerificationOutcome.Verified, "aws-mls-c01", expires: new DateTimeOffset(2027, 5, 1, 0, 0, 0, TimeSpan.Zero)));
        Assert.True(held.MeetsRequirements);
        Assert.Equal(1.0, held.Score, 4);
    }

    [Theory]
    [InlineData(null, RequirementStatus.Unknown)]
    [InlineData(VerificationOutcome.Verified, RequirementStatus.Met)]
    public void Score_VerifiedOnlyRequirement_LeavesAClaimUnknown(VerificationOutcome? outcome, RequirementStatus expected)
    {
        var result = Score(Requisition(verifiedOnly: true), "MLA-C01", Url, outcome is { } o ? Check(o) : null);
        Assert.Equal(expected, result.Requirements.Single(r => !r.Name.Equals("PyTorch", StringComparison.Ordinal)).Status);
        Assert.Equal(expected == RequirementStatus.Met, result.MeetsRequirements);
    }

    [Fact]
    public void Score_NewVerification_MovesTheCandidateAboveAClaimOnly()
    {
        var requisition = Requisition(required: false);
        CandidateScore ScoreOf(string id, VerificationResult? check) => Scorer.Score(requisition,
            new ScoringProfile(id, ["PyTorch"], [CertificationEvidence.From(new ClaimedCertification("MLA-C01", Url: Url), check, ScoringTests.Catalogue, Now)]),
            ScoringTests.Catalogue);

        var before = Scorer.Rank(requisition, [ScoreOf("c1", null), ScoreOf("c2", null)]);
        var after = Scorer.Rank(requisition, [ScoreOf("c1", null), ScoreOf("c2", Check(VerificationOutcome.Verified))]);

        Assert.Equal(["c1", "c2"], before.Select(s => s.CandidateId)); // a tie: the lower id first
        Assert.Equal(["c2", "c1"], after.Select(s => s.CandidateId));
    }

    [Fact]
    public void Validate_UnknownCertificationId_IsNamed()
    {
        var document = new RequisitionsDocument { Requisitions = [Requisition("aws-xyz")] };
        var error = Assert.Single(document.Validate(ScoringTests.Catalogue));
        Assert.Contains("'certifications[0].id' is 'aws-xyz'", error, StringComparison.Ordinal);
    }
}
