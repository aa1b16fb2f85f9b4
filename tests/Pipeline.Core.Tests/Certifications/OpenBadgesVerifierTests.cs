using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Time.Testing;
using Pipeline.Core.Certifications;
using Pipeline.Domain.Certifications;
using Pipeline.Testing;

namespace Pipeline.Core.Tests.Certifications;

/// <summary>Open Badges 2.0 hosted verification against a loopback issuer serving assertions, badge classes and profiles.</summary>
public sealed class OpenBadgesVerifierTests : IAsyncLifetime
{
    private const string Email = "ana.lima@students.example.edu";
    private WebApplication _issuer = null!;
    private string _base = null!;
    private SafeFetcher _fetcher = null!;
    private readonly RSA _issuerKey = RSA.Create(2048);
    private readonly RSA _rogueKey = RSA.Create(2048);

    private static readonly CertificationCatalogue Catalogue = Pipeline.Core.Configuration.PipelineConfiguration.LoadCatalogue(Pipeline.Core.Configuration.PipelineConfiguration.DefaultCataloguePath);

    public async ValueTask InitializeAsync()
    {
        Uri address;
        (_issuer, address) = await LoopbackServer.StartAsync(app =>
        {
            app.MapGet("/assertions/{name}", (string name) => Assertion(name));
            app.MapGet("/signed/{name}", (string name) => Results.Text(Signed(name), "text/plain"));
            app.MapGet("/keys/{name}", (string name) => Results.Json(new JsonObject
            {
                ["@context"] = "https://w3id.org/openbadges/v2", ["type"] = "CryptographicKey", ["id"] = $"{_base}/keys/{name}",
                ["owner"] = name == "disowned" ? $"{_base}/issuers/fake" : $"{_base}/issuers/signer",
                ["publicKeyPem"] = (name == "rogue" ? _rogueKey : _issuerKey).ExportSubjectPublicKeyInfoPem(),
            }));
            app.MapGet("/revocations", () => Results.Json(new JsonObject
            {
                ["@context"] = "https://w3id.org/openbadges/v2", ["type"] = "RevocationList", ["id"] = $"{_base}/revocations", ["issuer"] = $"{_base}/issuers/signer",
                ["revokedAssertions"] = new JsonArray("urn:uuid:00000000-0000-0000-0000-00000000dead",
                    new JsonObject { ["id"] = "urn:uuid:signed-revoked", ["revocationReason"] = "Exam result voided" }),
            }));
            app.MapGet("/badges/{name}", (string name) => Results.Json(new JsonObject
            {
                ["@context"] = "https://w3id.org/openbadges/v2", ["type"] = "BadgeClass", ["id"] = $"{_base}/badges/{name}",
                ["name"] = name == "excel" ? "Excel Wizard" : "AWS Certified Machine Learning Engineer – Associate",
                ["issuer"] = $"{_base}/issuers/{name switch { "mla-fake-issuer" => "fake", "mla-foreign" => "foreign", "mla-signed" => "signer", "mla-disowned" => "disowner", _ => "aws" }}",
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

                if (name == "signer")
                {
                    profile["publicKey"] = new JsonArray($"{_base}/keys/main");
                    profile["revocationList"] = $"{_base}/revocations";
                }

                if (name == "disowner")
                {
                    profile["publicKey"] = $"{_base}/keys/disowned";
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
        _issuerKey.Dispose();
        _rogueKey.Dispose();
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

    /// <summary>A signed assertion as a JWS compact document; the name says what is wrong with it, if anything.</summary>
    private string Signed(string name)
    {
        var assertion = new JsonObject
        {
            ["@context"] = "https://w3id.org/openbadges/v2",
            ["type"] = "Assertion",
            ["id"] = name == "revoked" ? "urn:uuid:signed-revoked" : $"urn:uuid:signed-{name}",
            ["recipient"] = new JsonObject { ["type"] = "email", ["hashed"] = false, ["identity"] = Email },
            ["badge"] = $"{_base}/badges/{(name == "disowned" ? "mla-disowned" : "mla-signed")}",
            ["issuedOn"] = "2026-09-01T00:00:00Z",
            ["expires"] = "2029-09-01T00:00:00Z",
            ["verification"] = name == "creator-not-linked"
                ? new JsonObject { ["type"] = "SignedBadge", ["creator"] = $"{_base}/keys/rogue" }
                : new JsonObject { ["type"] = "SignedBadge", ["creator"] = name == "disowned" ? $"{_base}/keys/disowned" : $"{_base}/keys/main" },
        };
        var header = Base64Url(JsonSerializer.SerializeToUtf8Bytes(new JsonObject { ["alg"] = name == "alg-none" ? "none" : "RS256" }));
        var payload = Base64Url(JsonSerializer.SerializeToUtf8Bytes(assertion));
        var key = name is "wrong-key" or "creator-not-linked" ? _rogueKey : _issuerKey;
        var signature = Base64Url(key.SignData(Encoding.ASCII.GetBytes(header + "." + payload), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1));
        if (name == "tampered")
        {
            assertion["recipient"] = new JsonObject { ["type"] = "email", ["hashed"] = false, ["identity"] = "mallory@example.com" };
            payload = Base64Url(JsonSerializer.SerializeToUtf8Bytes(assertion));
        }

        return $"{header}.{payload}.{signature}\n";
    }

    private static string Base64Url(byte[] bytes) => System.Buffers.Text.Base64Url.EncodeToString(bytes);

    [Fact]
    public async Task Verify_SignedBadge_VerifiesWithTheIssuersLinkedKeyAndChecksItsRevocationList()
    {
        var result = await VerifyAsync($"{_base}/signed/good");

        Assert.True(result.Outcome == VerificationOutcome.Verified, result.Reason);
        Assert.Equal("aws-mla-c01", result.Certification);
        Assert.Contains("signature", result.Confirmed);
        Assert.Contains(result.Fetched, u => u.EndsWith("/keys/main", StringComparison.Ordinal));
        Assert.Contains(result.Fetched, u => u.EndsWith("/revocations", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("tampered", VerificationOutcome.IssuerNotRecognised)]
    [InlineData("wrong-key", VerificationOutcome.IssuerNotRecognised)]
    [InlineData("creator-not-linked", VerificationOutcome.IssuerNotRecognised)]
    [InlineData("disowned", VerificationOutcome.IssuerNotRecognised)]
    [InlineData("alg-none", VerificationOutcome.IssuerNotRecognised)]
    [InlineData("revoked", VerificationOutcome.Revoked)]
    public async Task Verify_SignedBadge_EachWayItFails(string name, VerificationOutcome expected)
    {
        var result = await VerifyAsync($"{_base}/signed/{name}");
        Assert.True(result.Outcome == expected, $"{name}: {result.Outcome} ({result.Reason})");
        if (name == "revoked")
        {
            Assert.Contains("Exam result voided", result.Reason, StringComparison.Ordinal);
        }
    }

    private SafeFetcher CachedFetcher() => new(new SafeFetchPolicy
    {
        AllowedHosts = [".credly.com"], TestHosts = [$"{new Uri(_base).Host}:{new Uri(_base).Port}"], CacheDuration = TimeSpan.FromMinutes(10),
    });

    [Fact]
    public async Task Verify_WithTheCacheOn_SharedDocumentsAreFetchedOnce()
    {
        using var cached = CachedFetcher();
        var verifier = new OpenBadgesVerifier(cached, Catalogue, new FakeTimeProvider(new DateTimeOffset(2026, 11, 22, 12, 0, 0, TimeSpan.Zero)));

        var first = await verifier.VerifyAsync(new Uri($"{_base}/assertions/good"), [Email], CancellationToken.None);
        var second = await verifier.VerifyAsync(new Uri($"{_base}/assertions/plain"), [Email], CancellationToken.None);
        var again = await verifier.VerifyAsync(new Uri($"{_base}/assertions/good"), ["someone@else.example"], CancellationToken.None);

        Assert.Equal(VerificationOutcome.Verified, first.Outcome);
        Assert.Equal(VerificationOutcome.Verified, second.Outcome);
        Assert.Equal(VerificationOutcome.RecipientMismatch, again.Outcome); // the recipient is checked every time
        Assert.Equal(4, cached.Requests); // two assertions, one badge class, one issuer profile
    }

    [Fact]
    public async Task Verify_ManyAtOnceWithTheCacheOn_ShareOneFetchPerDocument()
    {
        using var cached = CachedFetcher();
        var verifier = new OpenBadgesVerifier(cached, Catalogue, new FakeTimeProvider(new DateTimeOffset(2026, 11, 22, 12, 0, 0, TimeSpan.Zero)));

        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() => verifier.VerifyAsync(new Uri($"{_base}/assertions/good"), [Email], CancellationToken.None))));

        Assert.All(results, r => Assert.Equal(VerificationOutcome.Verified, r.Outcome));
        Assert.Equal(3, cached.Requests); // the assertion, its badge class and issuer profile, once each
    }

    private Task<VerificationResult> VerifyAsync(string assertion, params string[] emails) =>
        new OpenBadgesVerifier(_fetcher, Catalogue, new FakeTimeProvider(new DateTimeOffset(2026, 11, 22, 12, 0, 0, TimeSpan.Zero)))
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
}
