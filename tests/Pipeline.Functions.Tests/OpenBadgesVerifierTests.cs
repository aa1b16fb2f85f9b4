using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Pipeline.Domain;
using Pipeline.Domain.Certifications;
using Pipeline.Functions.Certifications;
using Pipeline.Tests.Shared;

namespace Pipeline.Functions.Tests;

/// <summary>Open Badges 2.0 hosted verification against a loopback issuer serving assertions, badge classes and profiles.</summary>
public sealed class OpenBadgesVerifierTests : IAsyncLifetime
{
    private const string Email = "ana.lima@students.example.edu";
    private WebApplication _issuer = null!;
    private string _base = null!;
    private SafeFetcher _fetcher = null!;

    private static readonly CertificationCatalogue Catalogue = JsonSerializer.Deserialize<CertificationCatalogue>(
        File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "catalogue", "certifications.json")), DomainJson.Options)!;

    public async ValueTask InitializeAsync()
    {
        Uri address;
        (_issuer, address) = await LoopbackServer.StartAsync(app =>
        {
            app.MapGet("/assertions/{name}", (string name) => Assertion(name));
            app.MapGet("/badges/{name}", (string name) => Results.Json(new JsonObject
            {
                ["@context"] = "https://w3id.org/openbadges/v2", ["type"] = "BadgeClass", ["id"] = $"{_base}/badges/{name}",
                ["name"] = name == "excel" ? "Excel Wizard" : "AWS Certified Machine Learning Engineer – Associate",
                ["issuer"] = $"{_base}/issuers/{(name == "mla-fake-issuer" ? "fake" : name == "mla-foreign" ? "foreign" : "aws")}",
            }));
            app.MapGet("/issuers/{name}", (string name) =>
            {
                var profile = new JsonObject
                {
                    ["@context"] = "https://w3id.org/openbadges/v2", ["type"] = "Issuer", ["id"] = $"{_base}/issuers/{name}",
                    ["name"] = name == "fake" ? "Totally Real Certs" : "Amazon Web Services Training and Certification",
                };
                if (name == "foreign")
                {
                    profile["verification"] = new JsonObject { ["allowedOrigins"] = "badges.example.org" };
                }

                return Results.Json(profile);
            });
        });
        _base = address.ToString().TrimEnd('/');
        _fetcher = new SafeFetcher(new SafeFetchPolicy { AllowedHosts = [".credly.com"], TestHosts = [$"{address.Host}:{address.Port}"] });
    }

    public async ValueTask DisposeAsync()
    {
        _fetcher.Dispose();
        await _issuer.DisposeAsync();
    }

    private IResult Assertion(string name)
    {
        switch (name)
        {
            case "gone":
                return Results.StatusCode(410);
            case "missing":
                return Results.NotFound();
            case "broken":
                return Results.StatusCode(500);
        }

        var badge = name switch
        {
            "unknown-badge" => "excel",
            "fake-issuer" => "mla-fake-issuer",
            "foreign" => "mla-foreign",
            _ => "mla",
        };
        var assertion = new JsonObject
        {
            ["@context"] = "https://w3id.org/openbadges/v2",
            ["type"] = "Assertion",
            ["id"] = name == "other-id" ? $"{_base}/assertions/good" : $"{_base}/assertions/{name}",
            ["recipient"] = name == "plain"
                ? new JsonObject { ["type"] = "email", ["hashed"] = false, ["identity"] = Email }
                : new JsonObject
                {
                    ["type"] = "email", ["hashed"] = true, ["salt"] = "s4lt",
                    ["identity"] = "sha256$" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes((name == "someone-else" ? "bob@example.edu" : Email) + "s4lt"))),
                },
            ["badge"] = $"{_base}/badges/{badge}",
            ["issuedOn"] = "2026-09-01T00:00:00Z",
            ["expires"] = name == "expired" ? "2026-10-01T00:00:00Z" : "2029-09-01T00:00:00Z",
            ["verification"] = new JsonObject { ["type"] = "hosted" },
        };
        if (name == "revoked")
        {
            assertion["revoked"] = true;
            assertion["revocationReason"] = "Issued in error";
        }

        return Results.Json(assertion);
    }

    private Task<VerificationResult> VerifyAsync(string assertion, params string[] emails) =>
        new OpenBadgesVerifier(_fetcher, Catalogue, new FixedTime(new DateTimeOffset(2026, 11, 22, 12, 0, 0, TimeSpan.Zero)))
            .VerifyAsync(new Uri(assertion.Contains("://", StringComparison.Ordinal) ? assertion : $"{_base}/assertions/{assertion}"),
                emails.Length == 0 ? ["other@example.com", Email.ToUpperInvariant()] : emails, CancellationToken.None);

    [Fact]
    public async Task Verify_HashedRecipientKnownIssuerAndBadge_IsVerifiedWithEvidence()
    {
        var result = await VerifyAsync("good");

        Assert.Equal(VerificationOutcome.Verified, result.Outcome);
        Assert.Equal("aws-mla-c01", result.Certification);
        Assert.Equal("Amazon Web Services Training and Certification", result.Issuer);
        Assert.Equal(Email.ToUpperInvariant(), result.MatchedEmail);
        Assert.Equal(new DateTimeOffset(2029, 9, 1, 0, 0, 0, TimeSpan.Zero), result.Expires);
        Assert.Equal(3, result.Fetched.Count); // assertion, badge class, issuer profile
    }

    [Fact]
    public async Task Verify_AssertionServedUnderAnotherId_IsTakenFromItsOwnId()
    {
        var result = await VerifyAsync("other-id");
        Assert.Equal(VerificationOutcome.Verified, result.Outcome);
        Assert.Contains(result.Fetched, u => u.EndsWith("/assertions/good", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("plain", VerificationOutcome.Verified)]
    [InlineData("someone-else", VerificationOutcome.RecipientMismatch)]
    [InlineData("expired", VerificationOutcome.Expired)]
    [InlineData("revoked", VerificationOutcome.Revoked)]
    [InlineData("gone", VerificationOutcome.Revoked)]
    [InlineData("missing", VerificationOutcome.NotFound)]
    [InlineData("broken", VerificationOutcome.Unreachable)]
    [InlineData("unknown-badge", VerificationOutcome.UnknownCertification)]
    [InlineData("fake-issuer", VerificationOutcome.IssuerNotRecognised)]
    [InlineData("foreign", VerificationOutcome.IssuerNotRecognised)]
    public async Task Verify_EachOutcome(string assertion, VerificationOutcome expected)
    {
        var result = await VerifyAsync(assertion);
        Assert.True(result.Outcome == expected, $"{assertion}: {result.Outcome} ({result.Reason})");
        Assert.False(string.IsNullOrWhiteSpace(result.Reason));
    }

    [Theory]
    [InlineData("http://10.0.0.1/assertions/x")]
    [InlineData("https://169.254.169.254/latest/meta-data/")]
    [InlineData("file:///etc/passwd")]
    public async Task Verify_UnsafeUrls_AreRefusedWithTheReason(string url)
    {
        var result = await VerifyAsync(url);
        Assert.Equal(VerificationOutcome.Refused, result.Outcome);
        Assert.Empty(result.Fetched);
    }

    private sealed class FixedTime(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
