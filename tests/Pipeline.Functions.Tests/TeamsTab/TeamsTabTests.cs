using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Pipeline.Core.Decisions;
using Pipeline.Core.Shortlists;
using Pipeline.Testing;
using Pipeline.Functions.Tests.TeamsShortlist;

namespace Pipeline.Functions.Tests.TeamsTab;

/// <summary>
/// Real Chromium against the real handler on Kestrel (through <see cref="HttpTriggerHost"/>): the Teams tab with a
/// stand-in token (Pipeline:TeamsTestMode serves a Teams library stand-in that takes it from the test), its
/// accessibility and keyboard use, the sign-in prompt without a token, and the decision link page.
/// </summary>
public sealed class TeamsTabTests(BrowserFixture browser) : IClassFixture<BrowserFixture>, IAsyncLifetime
{
    private OpenIdIssuerStandIn _issuer = null!;
    private RunningHandler _handler = null!;
    private HttpTriggerHost _host = null!;
    private IBrowserContext _context = null!;

    public async ValueTask InitializeAsync()
    {
        var chromium = browser.Require();
        _issuer = await OpenIdIssuerStandIn.StartAsync(TeamsShortlistTests.TenantId);
        var settings = TeamsShortlistTests.Settings(_issuer);
        settings["Pipeline:TeamsTestMode"] = "true";
        _handler = await RunningHandler.StartAsync(settings: settings);
        await _handler.SendShortlistAsync();
        _host = await HttpTriggerHost.StartAsync(_handler);
        _context = await chromium.NewContextAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (_context is not null)
        {
            await _context.DisposeAsync();
            await _host.DisposeAsync();
            await _handler.DisposeAsync();
            await _issuer.DisposeAsync();
        }
    }

    private string TabUrl => new Uri(_host.Address, "api/teams/tab").ToString();

    private async Task<IPage> OpenTabAsync(string? token, string subPageId = TeamsShortlistTests.Requisition + "/1")
    {
        var page = await _context.NewPageAsync();
        if (token is not null)
        {
            await page.AddInitScriptAsync($"window.pipelineTest = {{ token: '{token}', subPageId: '{subPageId}' }};");
        }

        await page.GotoAsync(TabUrl);
        return page;
    }

    private string RecruiterToken() => _issuer.IssueToken(TeamsShortlistTests.ClientId, userName: TeamsShortlistTests.Recruiter);

    [Fact]
    public async Task TeamsTab_RecruiterSignedIn_ShowsTheShortlistWithAccessibleNames()
    {
        var page = await OpenTabAsync(RecruiterToken());

        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync(new System.Text.RegularExpressions.Regex("shortlist$"));
        await Assertions.Expect(page.GetByRole(AriaRole.Main)).ToHaveCountAsync(1);
        await Assertions.Expect(page.GetByRole(AriaRole.Banner)).ToHaveCountAsync(1);
        await Assertions.Expect(page.GetByRole(AriaRole.Combobox, new() { Name = "Shortlist version" })).ToHaveValueAsync("1");
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Decisions", Level = 2 })).ToBeVisibleAsync();
        var candidates = page.GetByRole(AriaRole.Article);
        var count = await candidates.CountAsync();
        Assert.True(count > 0);
        for (var i = 0; i < count; i++)
        {
            await Assertions.Expect(candidates.Nth(i)).ToHaveAccessibleNameAsync(new System.Text.RegularExpressions.Regex($"^Candidate {i + 1}\\b"));
            await Assertions.Expect(candidates.Nth(i).GetByRole(AriaRole.Listitem).First).ToContainTextAsync("met");
        }
    }

    [Fact]
    public async Task TeamsTab_OpenedFromTheActivityDeepLink_ShowsThatRequisitionAndVersion()
    {
        var configuration = _handler.Services.GetRequiredService<Pipeline.Core.Configuration.PipelineConfiguration>();
        var shortlist = (await _handler.Services.GetRequiredService<ShortlistStore>().GetAsync(TeamsShortlistTests.Requisition, 1, default))!;
        var activity = Domain.Delivery.TeamsActivity.ForShortlist(configuration.FindRequisition(TeamsShortlistTests.Requisition)!, shortlist, Guid.NewGuid().ToString());

        // Teams hands the deep link's context.subEntityId to the personal tab "shortlists" as its subPageId.
        var link = new Uri(activity.TopicWebUrl);
        Assert.EndsWith("/shortlists", link.AbsolutePath, StringComparison.Ordinal);
        var context = System.Web.HttpUtility.ParseQueryString(link.Query)["context"]!;
        var subEntityId = System.Text.Json.JsonDocument.Parse(context).RootElement.GetProperty("subEntityId").GetString()!;
        var page = await OpenTabAsync(RecruiterToken(), subEntityId);

        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync(configuration.FindRequisition(TeamsShortlistTests.Requisition)!.Title + " shortlist");
        await Assertions.Expect(page.GetByRole(AriaRole.Combobox, new() { Name = "Shortlist version" })).ToHaveValueAsync("1");
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Version 1", Exact = false, Level = 2 })).ToBeVisibleAsync();
    }

    [Fact]
    public async Task TeamsTab_NoDeepLink_ListsTheUsersRequisitionsAsButtons()
    {
        var page = await OpenTabAsync(RecruiterToken(), subPageId: "");
        var requisitions = page.GetByRole(AriaRole.Navigation, new() { Name = "Your requisitions" });
        await Assertions.Expect(requisitions.GetByRole(AriaRole.Button)).ToHaveCountAsync(2);

        await requisitions.GetByRole(AriaRole.Button).First.ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync(new System.Text.RegularExpressions.Regex("shortlist$"));
    }

    [Fact]
    public async Task TeamsTab_Keyboard_TabReachesTheVersionControlAndEveryCandidate()
    {
        var page = await OpenTabAsync(RecruiterToken());
        var candidates = page.GetByRole(AriaRole.Article);
        await Assertions.Expect(candidates.First).ToBeVisibleAsync();
        var expected = await candidates.CountAsync();

        var reached = new List<string>();
        for (var i = 0; i < expected + 5; i++)
        {
            await page.Keyboard.PressAsync("Tab");
            reached.Add(await page.EvaluateAsync<string>(
                "() => { const e = document.activeElement; return e.id || e.getAttribute('aria-labelledby') || e.tagName; }"));
        }

        Assert.Contains("version", reached);
        for (var rank = 1; rank <= expected; rank++)
        {
            Assert.Contains($"candidate-{rank}", reached);
        }

        Assert.True(reached.IndexOf("version") < reached.IndexOf("candidate-1"), "The version control comes before the candidates.");
    }

    [Fact]
    public async Task TeamsTab_VersionControl_ByKeyboard_ShowsAnEarlierVersion()
    {
        // A second version: the same members in the reverse order.
        var store = _handler.Services.GetRequiredService<ShortlistStore>();
        var first = (await store.GetAsync(TeamsShortlistTests.Requisition, 1, default))!;
        var members = first.Members.Reverse().Select((m, i) => m with { Rank = i + 1 }).ToList();
        Assert.True(members.Count > 1);
        Assert.Equal(2, (await store.SaveIfChangedAsync(TeamsShortlistTests.Requisition, members, default))!.Version);

        var page = await OpenTabAsync(RecruiterToken(), TeamsShortlistTests.Requisition);
        var versions = page.GetByRole(AriaRole.Combobox, new() { Name = "Shortlist version" });
        await Assertions.Expect(versions).ToHaveValueAsync("2");
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Version 2", Exact = false, Level = 2 })).ToBeVisibleAsync();

        await versions.FocusAsync();
        await page.Keyboard.PressAsync("ArrowDown");
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Version 1", Exact = false, Level = 2 })).ToBeVisibleAsync();
        await Assertions.Expect(versions).ToHaveValueAsync("1");
        await Assertions.Expect(versions).ToBeFocusedAsync();
    }

    [Fact]
    public async Task TeamsTab_NoToken_ShowsSignInAndNoCandidateData()
    {
        var requests = new List<string>();
        var page = await _context.NewPageAsync();
        page.Request += (_, request) => requests.Add(request.Url);
        await page.GotoAsync(TabUrl);

        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "Sign in again" })).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Article)).ToHaveCountAsync(0);
        Assert.DoesNotContain("Candidate", await page.Locator("main").InnerTextAsync(), StringComparison.Ordinal);
        Assert.DoesNotContain(requests, url => url.Contains("/api/teams/shortlist", StringComparison.Ordinal));
    }

    [Fact]
    public async Task TeamsTab_SignedInButNotOneOfThePeople_ShowsNoCandidateData()
    {
        var page = await OpenTabAsync(_issuer.IssueToken(TeamsShortlistTests.ClientId, userName: "someone.else@contoso.example"));

        await Assertions.Expect(page.GetByText("Only the hiring manager, delegates and recruiters")).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Article)).ToHaveCountAsync(0);
    }

    [Fact]
    public async Task TeamsTab_TestStandInLibrary_IsNotServedWithoutTestMode()
    {
        // The handler of this test runs in test mode; a second one without it must not serve the stand-in.
        await using var plain = await RunningHandler.StartAsync(settings: TeamsShortlistTests.Settings(_issuer));
        await using var host = await HttpTriggerHost.StartAsync(plain);
        var page = await _context.NewPageAsync();

        var stub = await page.GotoAsync(new Uri(host.Address, "api/teams/tab/teams-test.js").ToString());
        Assert.Equal(404, stub!.Status);
        var library = await page.GotoAsync(new Uri(host.Address, "api/teams/tab/teams.js").ToString());
        Assert.Equal(200, library!.Status);
        Assert.Contains("@microsoft/teams-js 2.58.0", await library.TextAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task DecisionPage_ConfirmButton_RecordsOnceAndTheTabShowsIt()
    {
        var shortlist = (await _handler.Services.GetRequiredService<ShortlistStore>().GetAsync(TeamsShortlistTests.Requisition, 1, default))!;
        var link = _handler.Services.GetRequiredService<DecisionLinkFactory>().For(shortlist)!(1, Domain.Replies.Decision.Interview);
        var local = new Uri(_host.Address, new Uri(link).PathAndQuery.TrimStart('/')).ToString();
        var page = await _context.NewPageAsync();

        // The same link open twice (a second window, or a double press): both show the button, nothing is recorded yet.
        await page.GotoAsync(local);
        var again = await _context.NewPageAsync();
        await again.GotoAsync(local);
        var confirm = page.GetByRole(AriaRole.Button);
        await Assertions.Expect(confirm).ToHaveCountAsync(1);
        await Assertions.Expect(again.GetByRole(AriaRole.Button)).ToHaveCountAsync(1);
        Assert.Empty(await DecisionsAsync());

        // The button's answer has come once the decision is recorded (or refused).
        await page.RunAndWaitForResponseAsync(() => confirm.ClickAsync(), r => r.Request.Method == "POST");
        Assert.Single(await DecisionsAsync());

        var second = await again.RunAndWaitForResponseAsync(() => again.GetByRole(AriaRole.Button).ClickAsync(), r => r.Request.Method == "POST");
        Assert.Equal(409, second.Status);
        Assert.Single(await DecisionsAsync());

        // Opened once more, the link shows the decision that stands and offers nothing to press.
        await page.GotoAsync(local);
        await Assertions.Expect(page.GetByRole(AriaRole.Button)).ToHaveCountAsync(0);

        var tab = await OpenTabAsync(RecruiterToken());
        var row = tab.GetByRole(AriaRole.Table, new() { Name = "Decisions on version 1" }).GetByRole(AriaRole.Row).Nth(1);
        await Assertions.Expect(row).ToContainTextAsync("Interview");
        await Assertions.Expect(row).ToContainTextAsync("dana.whitfield@contoso.example");
    }

    private async Task<List<RecordedDecision>> DecisionsAsync()
    {
        var list = new List<RecordedDecision>();
        await foreach (var d in _handler.Services.GetRequiredService<DecisionStore>().ListAsync(TeamsShortlistTests.Requisition, default))
        {
            list.Add(d);
        }

        return list;
    }
}
