using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Pipeline.Core.Certifications;
using Pipeline.Core.Messages;
using Pipeline.Core.Shortlists;
using Pipeline.Domain.Certifications;
using Pipeline.Domain.Shortlists;
using Pipeline.Testing;

namespace Pipeline.Functions.Tests.Flows;

/// <summary>
/// Claimed credentials through the functions: ScreenCandidates hands new people to VerifyCertifications, which checks
/// them at a loopback issuer; BuildShortlist scores with what was found and re-checks members that are due before a
/// version goes out; ReverifyCertifications asks again for what is due.
/// </summary>
public sealed class CertificationFlowTests : IAsyncLifetime
{
    private const string Ana = "ana@learners.example";
    private const string Bob = "bob@learners.example";
    private BadgeIssuerStandIn _issuer = null!;

    public async ValueTask InitializeAsync() => _issuer = await BadgeIssuerStandIn.StartAsync();

    public async ValueTask DisposeAsync() => await _issuer.DisposeAsync();

    private Dictionary<string, string?> Settings => new() { ["Pipeline:CredentialTestHosts"] = _issuer.HostAndPort };

    private void WriteConfig(string config)
    {
        // Bob claims a badge issued to somebody else.
        File.WriteAllText(Path.Combine(config, "feeds", "certified.json"), new JsonArray(_issuer.Resume("ana"), _issuer.Resume("bob", assertion: "somebody")).ToJsonString());
        File.WriteAllText(Path.Combine(config, "feeds.json"), """
            { "feeds": [ { "id": "certified", "kind": "bootcamp", "source": "Certified Bootcamp", "format": "jsonResume", "location": "feeds/certified.json" } ] }
            """);
        File.WriteAllText(Path.Combine(config, "requisitions.json"), """
            { "requisitions": [ {
                "id": "mle", "title": "ML Engineer", "hiringManager": { "email": "hm@contoso.example" },
                "requiredSkills": [ "PyTorch" ],
                "certifications": [ { "id": "aws-mla-c01", "required": true, "verifiedOnly": true } ]
            } ] }
            """);
    }

    [Fact]
    public async Task Credentials_AreVerifiedOnce_ScoredAsVerified_AndRecheckedBeforeAShortlistGoesOut()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 12, 1, 9, 0, 0, TimeSpan.Zero));
        await using var handler = await RunningHandler.StartAsync(WriteConfig, Settings, time);

        // Screening hands both new people to verification, in one request.
        var requests = new List<JsonElement>();
        foreach (var page in (await handler.PollFeedsAsync()).Pages)
        {
            var (_, screened) = await handler.PostAsync("ScreenCandidates", RunningHandler.ServiceBusEnvelope("page", page.GetRawText()));
            requests.AddRange(RunningHandler.Messages(screened, "verifications"));
        }

        var request = Assert.Single(requests);
        Assert.Equal(2, request.GetProperty("candidateIds").GetArrayLength());

        var (response, verified) = await handler.PostAsync("VerifyCertifications", RunningHandler.ServiceBusEnvelope("request", request.GetRawText()));
        Assert.True(response.IsSuccessStatusCode, verified.ToString());
        Assert.Equal(2, verified.GetProperty("ReturnValue").GetProperty("checked").GetInt32());
        Assert.Equal(2, verified.GetProperty("ReturnValue").GetProperty("changed").GetInt32());

        // A redelivered request finds both checks fresh and fetches nothing.
        var fetches = _issuer.Requests;
        var (_, again) = await handler.PostAsync("VerifyCertifications", RunningHandler.ServiceBusEnvelope("request", request.GetRawText(), deliveryCount: 2));
        Assert.Equal(2, again.GetProperty("ReturnValue").GetProperty("fresh").GetInt32());
        Assert.Equal(fetches, _issuer.Requests);

        var anaCheck = Assert.Single(await handler.Services.GetRequiredService<VerificationStore>().GetAsync(Domain.Candidates.CandidateId.FromEmail(Ana), CancellationToken.None));
        Assert.True(anaCheck.Result.Outcome == VerificationOutcome.Verified, anaCheck.Result.Reason + " " + string.Join(" ", anaCheck.Result.Fetched) + " " + anaCheck.Url);

        // Only Ana's credential was issued to her: she is shortlisted, with the requirement shown as verified.
        var shortlist = await BuildAsync(handler);
        var member = Assert.Single(shortlist!.Members);
        var requirement = member.Requirements.Single(r => r.Name.StartsWith("AWS", StringComparison.Ordinal));
        Assert.Equal(RequirementStatus.Met, requirement.Status);
        Assert.True(requirement.Verified);
        Assert.StartsWith("verified 2026-12-01", requirement.Evidence, StringComparison.Ordinal);
        Assert.Contains("AWS Certified Machine Learning Engineer – Associate (verified)", member.Card.Certifications);

        var checks = handler.Services.GetRequiredService<VerificationStore>();
        var bobId = Domain.Candidates.CandidateId.FromEmail(Bob);
        Assert.Equal(VerificationOutcome.RecipientMismatch, Assert.Single(await checks.GetAsync(bobId, CancellationToken.None)).Result.Outcome);

        // Eight days on, the issuer has withdrawn Ana's badge: the shortlist does not go out on the old check.
        _issuer.Withdrawn.Add("ana");
        time.Advance(TimeSpan.FromDays(8));
        var (_, rebuilt) = await handler.PostAsync("BuildShortlist", RunningHandler.ServiceBusEnvelope("request", new ShortlistRequest { RequisitionId = "mle" }));
        Assert.Equal(1, rebuilt.GetProperty("ReturnValue").GetProperty("rechecked").GetInt32());
        var anaId = Domain.Candidates.CandidateId.FromEmail(Ana);
        Assert.Equal(VerificationOutcome.Revoked, Assert.Single(await checks.GetAsync(anaId, CancellationToken.None)).Result.Outcome);
        var latest = await LatestAsync(handler);
        Assert.Empty(latest!.Members);

        // Bob's check is now due too; the timer asks for it.
        var (_, timer) = await handler.PostAsync("ReverifyCertifications", RunningHandler.Fixture("timer-invocation.json"));
        var due = Assert.Single(RunningHandler.Messages(timer, "verifications"));
        Assert.Equal([bobId], due.GetProperty("candidateIds").EnumerateArray().Select(e => e.GetString()));
    }

    [Fact]
    public async Task UnreachableIssuer_KeepsTheResultThatStood_AndIsTriedAgainAfterTheRetryInterval()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 12, 1, 9, 0, 0, TimeSpan.Zero));
        await using var handler = await RunningHandler.StartAsync(WriteConfig, Settings, time);
        foreach (var page in (await handler.PollFeedsAsync()).Pages)
        {
            var (_, screened) = await handler.PostAsync("ScreenCandidates", RunningHandler.ServiceBusEnvelope("page", page.GetRawText()));
            foreach (var request in RunningHandler.Messages(screened, "verifications"))
            {
                await handler.PostAsync("VerifyCertifications", RunningHandler.ServiceBusEnvelope("request", request.GetRawText()));
            }
        }

        // The issuer goes away; a week later the check is due and cannot be done.
        _issuer.Failing = true;
        time.Advance(TimeSpan.FromDays(8));
        var anaId = Domain.Candidates.CandidateId.FromEmail(Ana);
        var (response, rechecked) = await handler.PostAsync("VerifyCertifications", RunningHandler.ServiceBusEnvelope("request", new VerificationRequest { CandidateIds = [anaId], Reason = "due" }));
        Assert.True(response.IsSuccessStatusCode, rechecked.ToString()); // not a failed delivery: it is retried by the timer

        var check = Assert.Single(await handler.Services.GetRequiredService<VerificationStore>().GetAsync(anaId, CancellationToken.None));
        Assert.Equal(VerificationOutcome.Unreachable, check.LastOutcome);
        Assert.True(check.Result.Outcome == VerificationOutcome.Verified, check.Result.Reason);
        Assert.Equal(time.GetUtcNow() + TimeSpan.FromHours(1), check.DueAt);
    }

    private static async Task<Shortlist?> BuildAsync(RunningHandler handler)
    {
        var (response, built) = await handler.PostAsync("BuildShortlist", RunningHandler.ServiceBusEnvelope("request", new ShortlistRequest { RequisitionId = "mle" }));
        Assert.True(response.IsSuccessStatusCode, built.ToString());
        return await LatestAsync(handler);
    }

    private static async Task<Shortlist?> LatestAsync(RunningHandler handler)
    {
        var store = handler.Services.GetRequiredService<ShortlistStore>();
        var version = await store.GetLatestVersionAsync("mle", CancellationToken.None);
        return version is { } v ? await store.GetAsync("mle", v, CancellationToken.None) : null;
    }
}
