using System.Text.Encodings.Web;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Pipeline.Core.Shortlists;
using Pipeline.Functions.Hosting;
using Pipeline.Testing;
using Pipeline.Functions.Tests.TeamsShortlist;

namespace Pipeline.Functions.Tests.Hosting;

/// <summary>
/// Every HTTP function of the app, found from its function.json, asked anonymously after a shortlist went out: the
/// ones that return candidate data answer 401, and no other shows any candidate's data.
/// </summary>
public sealed class AnonymousHttpTests : IAsyncLifetime
{
    /// <summary>The HTTP functions that return candidate data, to a signed-in caller only.</summary>
    private static readonly string[] CandidateDataFunctions = ["TeamsShortlist"];

    private OpenIdIssuerStandIn _issuer = null!;
    private RunningHandler _handler = null!;

    public async ValueTask InitializeAsync()
    {
        _issuer = await OpenIdIssuerStandIn.StartAsync(TeamsShortlistTests.TenantId);
        _handler = await RunningHandler.StartAsync(TeamsShortlistTests.Unblind, TeamsShortlistTests.Settings(_issuer));
        await _handler.SendShortlistAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await _handler.DisposeAsync();
        await _issuer.DisposeAsync();
    }

    [Fact]
    public async Task HttpFunctions_AnonymousRequest_CandidateDataOnesAnswer401AndNoneShowsCandidateData()
    {
        var http = FunctionCatalog.Load(AppContext.BaseDirectory).Where(f => f.Trigger.Type == FunctionMetadata.HttpTrigger).ToList();
        Assert.Superset(CandidateDataFunctions.ToHashSet(), http.Select(f => f.Name).ToHashSet());
        var members = (await _handler.Services.GetRequiredService<ShortlistStore>().GetAsync(TeamsShortlistTests.Requisition, 1, default))!.Members;
        var personal = members.SelectMany(m => new[] { m.CandidateId, m.Card.Name!, HtmlEncoder.Default.Encode(m.Card.Name!) }).ToList();
        Assert.NotEmpty(personal);

        foreach (var function in http)
        {
            foreach (var method in function.Trigger.Methods ?? ["get"])
            {
                var (response, body) = await _handler.PostAsync(function.Name, JsonSerializer.Serialize(new
                {
                    Data = new Dictionary<string, object>
                    {
                        [function.Trigger.Name] = new
                        {
                            Url = "https://pipeline.contoso.example/api/" + function.Trigger.Route,
                            Method = method.ToUpperInvariant(),
                            Query = new Dictionary<string, string> { ["requisition"] = TeamsShortlistTests.Requisition, ["version"] = "1" },
                            Headers = new Dictionary<string, string[]>(),
                            Body = (string?)null,
                        },
                    },
                    Metadata = new { },
                }));
                var text = response.IsSuccessStatusCode ? body.GetProperty("Outputs").GetProperty("res").GetRawText() : body.GetRawText();
                var status = response.IsSuccessStatusCode ? body.GetProperty("Outputs").GetProperty("res").GetProperty("statusCode").GetInt32() : (int)response.StatusCode;
                if (CandidateDataFunctions.Contains(function.Name))
                {
                    Assert.True(status == 401, $"{function.Name} {method} answered {status} to an anonymous request.");
                }

                Assert.All(personal, p => Assert.DoesNotContain(p, text, StringComparison.Ordinal));
            }
        }
    }

    [Fact]
    public async Task TeamsShortlist_SignedInRecruiter_ShowsTheDataTheAnonymousCheckLooksFor()
    {
        // The check above can fail: the same data is there for a signed-in recruiter.
        var (status, body) = await TeamsShortlistTests.GetAsync(_handler, _issuer.IssueToken(TeamsShortlistTests.ClientId, userName: TeamsShortlistTests.Recruiter));
        var members = (await _handler.Services.GetRequiredService<ShortlistStore>().GetAsync(TeamsShortlistTests.Requisition, 1, default))!.Members;
        Assert.Equal(200, status);
        Assert.Contains(HtmlEncoder.Default.Encode(members[0].Card.Name!), body.GetProperty("html").GetString()!, StringComparison.Ordinal);
    }
}
