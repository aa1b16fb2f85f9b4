using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Time.Testing;
using Pipeline.Core.Certifications;
using Pipeline.Domain.Certifications;
using Pipeline.Testing;

namespace Pipeline.Core.Tests.Certifications;

/// <summary>Microsoft Learn transcript share links against a loopback server answering the transcript's public data.</summary>
public sealed class MicrosoftLearnVerifierTests : IAsyncLifetime
{
    private static readonly CertificationCatalogue Catalogue = Pipeline.Core.Configuration.PipelineConfiguration.LoadCatalogue(Pipeline.Core.Configuration.PipelineConfiguration.DefaultCataloguePath);

    private static readonly DateTimeOffset Now = new(2026, 12, 1, 9, 0, 0, TimeSpan.Zero);
    private WebApplication _learn = null!;
    private Uri _base = null!;
    private SafeFetcher _fetcher = null!;

    public async ValueTask InitializeAsync()
    {
        (_learn, _base) = await LoopbackServer.StartAsync(app => app.MapGet("/api/profiles/transcript/share/{id}", (string id, HttpRequest request) => id switch
        {
            "unshared1" => Results.NotFound(),
            "failing1" => Results.StatusCode(503),
            "notdata1" => Results.Text("<html>sign in</html>", "text/html"),
            _ => Results.Json(new JsonObject
            {
                ["userName"] = "ana-lima",
                ["certificationData"] = new JsonObject
                {
                    ["activeCertifications"] = new JsonArray(
                        new JsonObject
                        {
                            ["name"] = "Microsoft Certified: Azure Data Scientist Associate", ["certificationNumber"] = "A1B2C3-D4E5F6", ["status"] = "Active",
                            ["dateEarned"] = "2026-02-10T00:00:00Z", ["expiration"] = "2027-02-10T00:00:00Z",
                        }),
                    ["historicalCertifications"] = new JsonArray(
                        new JsonObject
                        {
                            ["name"] = "Microsoft Certified: Azure AI Engineer Associate", ["certificationNumber"] = "Z9Y8X7", ["status"] = "Expired",
                            ["dateEarned"] = "2024-05-01T00:00:00Z", ["expiration"] = "2025-05-01T00:00:00Z",
                        }),
                },
            }),
        }));
        _fetcher = new SafeFetcher(new SafeFetchPolicy { AllowedHosts = ["learn.microsoft.com"], TestHosts = [$"{_base.Host}:{_base.Port}"] });
    }

    public async ValueTask DisposeAsync()
    {
        _fetcher.Dispose();
        await _learn.DisposeAsync();
    }

    private Task<VerificationResult> VerifyAsync(string path, string claim, string? credentialId = null) =>
        new MicrosoftLearnVerifier(_fetcher, Catalogue, new FakeTimeProvider(Now))
            .VerifyAsync(new CredentialClaim(new Uri(_base, path), ["ana@example.edu"], claim, credentialId), CancellationToken.None);

    [Fact]
    public async Task Verify_ActiveCertificationOnTheTranscript_IsVerifiedAndSaysWhatWasNotConfirmed()
    {
        var result = await VerifyAsync("/en-us/users/ana-lima/transcript/abc123def", "Azure Data Scientist Associate", "A1B2C3-D4E5F6");

        Assert.True(result.Outcome == VerificationOutcome.Verified, result.Reason);
        Assert.Equal("ms-dp-100", result.Certification);
        Assert.Equal(new DateTimeOffset(2027, 2, 10, 0, 0, 0, TimeSpan.Zero), result.Expires);
        Assert.Equal(new DateTimeOffset(2026, 2, 10, 0, 0, 0, TimeSpan.Zero), result.IssuedOn);
        Assert.Contains("credentialId", result.Confirmed);
        Assert.Equal(["recipient"], result.NotConfirmed);
        Assert.Null(result.MatchedEmail);
        Assert.Contains(result.Fetched, u => u.Contains("/api/profiles/transcript/share/abc123def", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Verify_CredentialNumberThatDiffers_IsNotConfirmed()
    {
        var result = await VerifyAsync("/en-us/users/ana-lima/transcript/abc123def", "DP-100", "OTHER-1");
        Assert.Equal(VerificationOutcome.Verified, result.Outcome);
        Assert.Contains("credentialId", result.NotConfirmed);
    }

    [Theory]
    [InlineData("/en-us/users/ana-lima/transcript/abc123def", "Microsoft Certified: Azure AI Engineer Associate", VerificationOutcome.Expired)]
    [InlineData("/en-us/users/ana-lima/transcript/abc123def", "Microsoft Certified: Azure AI Apps and Agents Developer Associate", VerificationOutcome.NotFound)]
    [InlineData("/en-us/users/ana-lima/transcript/abc123def", "Excel Expert", VerificationOutcome.UnknownCertification)]
    [InlineData("/en-us/users/ana-lima/transcript/unshared1", "DP-100", VerificationOutcome.NotFound)]
    [InlineData("/en-us/users/ana-lima/transcript/failing1", "DP-100", VerificationOutcome.Unreachable)]
    [InlineData("/en-us/users/ana-lima/transcript/notdata1", "DP-100", VerificationOutcome.NotFound)]
    [InlineData("/api/credentials/share/en-us/AnaLima-1234/B9FC9F5037636B30?sharingId=12CE0D4A3AFD6695", "DP-100", VerificationOutcome.Refused)]
    [InlineData("/en-us/training/browse", "DP-100", VerificationOutcome.NotFound)]
    public async Task Verify_EachOutcome(string path, string claim, VerificationOutcome expected)
    {
        var result = await VerifyAsync(path, claim);
        Assert.True(result.Outcome == expected, $"{path}: {result.Outcome} ({result.Reason})");
        Assert.False(string.IsNullOrWhiteSpace(result.Reason));
    }

    [Fact]
    public async Task CredentialVerifier_LinkOnNoVerifiersHost_IsRefusedUnfetched()
    {
        var verifier = new CredentialVerifier([new MicrosoftLearnVerifier(_fetcher, Catalogue, new FakeTimeProvider(Now))], new FakeTimeProvider(Now));
        var result = await verifier.VerifyAsync(new CredentialClaim(new Uri("https://evil.example/transcript/abc123def"), [], "DP-100"), CancellationToken.None);

        Assert.Equal(VerificationOutcome.Refused, result.Outcome);
        Assert.Empty(result.Fetched);
        Assert.Equal(0, _fetcher.Requests);
    }
}
