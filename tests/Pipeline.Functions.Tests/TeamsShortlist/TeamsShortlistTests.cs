using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Pipeline.Core.Shortlists;
using Pipeline.Testing;

namespace Pipeline.Functions.Tests.TeamsShortlist;

/// <summary>
/// The Teams tab's data endpoint on the real handler, its tokens validated by the real code against an OpenID Connect
/// issuer stand-in on loopback: every refusal, and what a requisition's people see.
/// </summary>
public sealed class TeamsShortlistTests : IAsyncLifetime
{
    public const string TenantId = "0b0e6a54-7c1e-4f5b-9d0a-2f6c3b8e1a11";
    public const string ClientId = "7d3f1c2a-5b6e-4a8d-9c0f-1e2d3c4b5a69";
    public const string Requisition = "ml-engineer-platform";
    public const string Recruiter = "ravi.menon@contoso.example";

    private OpenIdIssuerStandIn _issuer = null!;
    private RunningHandler _handler = null!;

    public async ValueTask InitializeAsync()
    {
        _issuer = await OpenIdIssuerStandIn.StartAsync(TenantId);
        _handler = await RunningHandler.StartAsync(settings: Settings(_issuer));
    }

    public async ValueTask DisposeAsync()
    {
        await _handler.DisposeAsync();
        await _issuer.DisposeAsync();
    }

    public static Dictionary<string, string?> Settings(OpenIdIssuerStandIn issuer) => new()
    {
        ["Teams:TenantId"] = TenantId,
        ["Teams:ClientId"] = ClientId,
        ["Teams:Authority"] = issuer.Authority,
        ["Pipeline:PublicBaseUrl"] = "https://pipeline.contoso.example",
        ["Pipeline:DecisionLinkKey"] = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)),
    };

    /// <summary>Invokes TeamsShortlist as the host would for <c>GET /api/teams/shortlist</c>.</summary>
    public static async Task<(int Status, JsonElement Body)> GetAsync(RunningHandler handler, string? token, string? requisition = Requisition, string? version = null)
    {
        var query = new Dictionary<string, string>();
        if (requisition is not null)
        {
            query["requisition"] = requisition;
        }

        if (version is not null)
        {
            query["version"] = version;
        }

        var headers = token is null ? new Dictionary<string, string[]>() : new Dictionary<string, string[]> { ["Authorization"] = ["Bearer " + token] };
        var (response, body) = await handler.PostAsync("TeamsShortlist", JsonSerializer.Serialize(new
        {
            Data = new { req = new { Url = "https://pipeline.contoso.example/api/teams/shortlist", Method = "GET", Query = query, Headers = headers, Body = (string?)null } },
            Metadata = new { },
        }));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var res = body.GetProperty("Outputs").GetProperty("res");
        return (res.GetProperty("statusCode").GetInt32(), JsonDocument.Parse(res.GetProperty("body").GetString()!).RootElement.Clone());
    }

    [Fact]
    public async Task Get_NoToken_Answers401()
    {
        await _handler.SendShortlistAsync();
        var (status, body) = await GetAsync(_handler, token: null);
        Assert.Equal(401, status);
        Assert.False(body.TryGetProperty("html", out _));
    }

    [Fact]
    public async Task Get_NotAToken_Answers401() =>
        Assert.Equal(401, (await GetAsync(_handler, "not-a-token")).Status);

    [Fact]
    public async Task Get_TokenFromAnotherTenant_Answers401()
    {
        const string other = "9a8b7c6d-1111-2222-3333-444455556666";
        var token = _issuer.IssueToken(ClientId, userName: Recruiter, tenantId: other, issuer: _issuer.Authority.Replace(TenantId, other, StringComparison.Ordinal));
        Assert.Equal(401, (await GetAsync(_handler, token)).Status);
    }

    [Fact]
    public async Task Get_WrongIssuerForTheTenant_Answers401() =>
        Assert.Equal(401, (await GetAsync(_handler, _issuer.IssueToken(ClientId, userName: Recruiter, issuer: "https://issuer.example/" + TenantId + "/v2.0"))).Status);

    [Fact]
    public async Task Get_TenantClaimOfAnotherTenant_Answers401() =>
        Assert.Equal(401, (await GetAsync(_handler, _issuer.IssueToken(ClientId, userName: Recruiter, tenantId: "9a8b7c6d-1111-2222-3333-444455556666"))).Status);

    [Fact]
    public async Task Get_WrongAudience_Answers401() =>
        Assert.Equal(401, (await GetAsync(_handler, _issuer.IssueToken("api://other.example/" + ClientId, userName: Recruiter))).Status);

    [Fact]
    public async Task Get_UnknownSigningKey_Answers401() =>
        Assert.Equal(401, (await GetAsync(_handler, _issuer.IssueToken(ClientId, userName: Recruiter, signingKey: OpenIdIssuerStandIn.NewKey("unknown-key")))).Status);

    [Fact]
    public async Task Get_SignedByAnotherKeyUnderAPublishedKeyId_Answers401() =>
        Assert.Equal(401, (await GetAsync(_handler, _issuer.IssueToken(ClientId, userName: Recruiter, signingKey: OpenIdIssuerStandIn.NewKey("stand-in-key-1")))).Status);

    [Fact]
    public async Task Get_ExpiredToken_Answers401() =>
        Assert.Equal(401, (await GetAsync(_handler, _issuer.IssueToken(ClientId, userName: Recruiter, expires: TimeProvider.System.GetUtcNow().UtcDateTime.AddMinutes(-10)))).Status);

    [Fact]
    public async Task Get_SignedInButNotOneOfTheRequisitionsPeople_Answers403()
    {
        await _handler.SendShortlistAsync();
        var (status, body) = await GetAsync(_handler, _issuer.IssueToken(ClientId, objectId: Guid.NewGuid().ToString(), userName: "someone.else@contoso.example"));
        Assert.Equal(403, status);
        Assert.False(body.TryGetProperty("html", out _));
    }

    [Fact]
    public async Task Get_UnknownRequisition_Answers403LikeOneNotTheirs() =>
        Assert.Equal(403, (await GetAsync(_handler, _issuer.IssueToken(ClientId, userName: Recruiter), requisition: "no-such-requisition")).Status);

    [Fact]
    public async Task Get_RecruiterByUserName_SeesTheShortlistAsTheEmailShowsIt()
    {
        await _handler.SendShortlistAsync();
        var (status, body) = await GetAsync(_handler, _issuer.IssueToken(ClientId, userName: Recruiter.ToUpperInvariant()));

        Assert.Equal(200, status);
        Assert.Equal(Requisition, body.GetProperty("requisition").GetString());
        Assert.Equal(1, body.GetProperty("version").GetInt32());
        Assert.Equal([1], body.GetProperty("versions").EnumerateArray().Select(v => v.GetInt32()));
        var html = body.GetProperty("html").GetString()!;
        Assert.Contains("Candidate 1", html, StringComparison.Ordinal);
        Assert.Contains("(required) — met", html, StringComparison.Ordinal);
        Assert.Contains("Sources: ", html, StringComparison.Ordinal);
        Assert.Contains("No decision on this version yet.", html, StringComparison.Ordinal);
        Assert.Contains("id=\"near-misses-heading\"", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Get_ApplicationIdUriAudienceAndHiringManager_IsAccepted()
    {
        await _handler.SendShortlistAsync();
        var token = _issuer.IssueToken("api://pipeline.contoso.example/" + ClientId, userName: "dana.whitfield@contoso.example");
        var (status, body) = await GetAsync(_handler, token);
        Assert.Equal(200, status);

        // Near misses are for recruiters; the hiring manager sees what the email showed.
        Assert.DoesNotContain("near-misses-heading", body.GetProperty("html").GetString()!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Get_WithoutRequisition_ListsOnlyTheUsersRequisitions()
    {
        var (status, body) = await GetAsync(_handler, _issuer.IssueToken(ClientId, userName: "dana.whitfield@contoso.example"), requisition: null);
        Assert.Equal(200, status);
        Assert.Equal([Requisition], body.GetProperty("requisitions").EnumerateArray().Select(r => r.GetProperty("id").GetString()));
    }

    [Fact]
    public async Task Get_BlindRequisition_HidesNamesWhereTheEmailHidesThem()
    {
        // The same feeds with blind mode off tell the names the blind shortlist must not show.
        await using var named = await RunningHandler.StartAsync(Unblind, Settings(_issuer));
        await named.SendShortlistAsync();
        var token = _issuer.IssueToken(ClientId, userName: Recruiter);
        var (_, open) = await GetAsync(named, token);
        var names = (await named.Services.GetRequiredService<ShortlistStore>().GetAsync(Requisition, 1, default))!.Members.Select(m => m.Card.Name!).ToList();
        Assert.NotEmpty(names);
        Assert.All(names, n => Assert.Contains(System.Text.Encodings.Web.HtmlEncoder.Default.Encode(n), open.GetProperty("html").GetString()!, StringComparison.Ordinal));

        await _handler.SendShortlistAsync();
        var (status, blind) = await GetAsync(_handler, token);
        Assert.Equal(200, status);
        Assert.Contains("numbered profiles", blind.GetProperty("html").GetString()!, StringComparison.Ordinal);
        Assert.All(names, n => Assert.DoesNotContain(System.Text.Encodings.Web.HtmlEncoder.Default.Encode(n), blind.GetProperty("html").GetString()!, StringComparison.Ordinal));
    }

    internal static void Unblind(string configDirectory)
    {
        var path = Path.Combine(configDirectory, "requisitions.json");
        var document = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(path))!;
        foreach (var requisition in document["requisitions"]!.AsArray())
        {
            requisition!["blindMode"] = false;
        }

        File.WriteAllText(path, document.ToJsonString());
    }

    [Fact]
    public async Task Get_RecruiterListedByObjectId_IsRecognisedByTheTokensOid()
    {
        var oid = Guid.NewGuid().ToString();
        await using var handler = await RunningHandler.StartAsync(
            config => File.WriteAllText(Path.Combine(config, "requisitions.json"), File.ReadAllText(Path.Combine(config, "requisitions.json")).Replace("\"lena.fischer@contoso.example\"", $"\"{oid}\"", StringComparison.Ordinal)),
            Settings(_issuer));
        Assert.Equal(200, (await GetAsync(handler, _issuer.IssueToken(ClientId, objectId: oid, userName: "l.fischer@contoso.example"))).Status);
        Assert.Equal(403, (await GetAsync(handler, _issuer.IssueToken(ClientId, objectId: Guid.NewGuid().ToString(), userName: "l.fischer@contoso.example"))).Status);
    }

    [Theory]
    [InlineData(null, "dana.whitfield@contoso.example", true)] // hiring manager
    [InlineData(null, "DELEGATE@contoso.example", true)] // delegate, any case
    [InlineData(null, "ravi.menon@contoso.example", true)] // recruiter by sign-in name
    [InlineData("6c1d2e3f-0000-4000-8000-000000000001", null, true)] // recruiter by object id
    [InlineData("6c1d2e3f-0000-4000-8000-000000000002", "someone@contoso.example", false)]
    [InlineData(null, null, false)]
    public void IsOnePeopleOf_MatchesHiringManagerDelegatesAndRecruiters(string? objectId, string? userName, bool expected)
    {
        var requisition = new Domain.Requisitions.Requisition
        {
            Id = "r", Title = "R", HiringManager = new Domain.Requisitions.Contact("dana.whitfield@contoso.example"),
            Delegates = [new Domain.Requisitions.Contact("delegate@contoso.example")],
            Recruiters = ["ravi.menon@contoso.example", "6c1d2e3f-0000-4000-8000-000000000001"],
        };
        Assert.Equal(expected, Pipeline.Core.Teams.TeamsTabShortlists.IsOnePeopleOf(requisition, new Pipeline.Core.Teams.TeamsUser(objectId, userName)));
    }
}
