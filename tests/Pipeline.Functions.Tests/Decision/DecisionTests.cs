using Pipeline.Testing;
using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Pipeline.Core.Decisions;
using Pipeline.Core.Shortlists;
using Pipeline.Domain.Replies;

namespace Pipeline.Functions.Tests.Decision;

/// <summary>One-click decision links: in the email, confirmed by POST only, once, and refused when forged, altered or expired.</summary>
public sealed class DecisionTests : IAsyncLifetime
{
    private static readonly byte[] Key = RandomKey();
    private RunningHandler _handler = null!;
    private Dictionary<(int Candidate, string Decision), string> _links = null!;

    private static byte[] RandomKey() => System.Security.Cryptography.RandomNumberGenerator.GetBytes(32);

    public async ValueTask InitializeAsync()
    {
        _handler = await RunningHandler.StartAsync(settings: new Dictionary<string, string?>
        {
            ["Pipeline:DecisionLinkKey"] = Convert.ToBase64String(Key),
            ["Pipeline:PublicBaseUrl"] = "https://pipeline.contoso.example",
        });

        await _handler.SendShortlistAsync();

        var html = OutboxMail.Read(Directory.GetFiles(Path.Combine(_handler.DataDirectory, "outbox", "mail"), "*ml-engineer-platform*.eml").Single()).Html!;
        _links = System.Text.RegularExpressions.Regex.Matches(WebUtility.HtmlDecode(html), @"https://pipeline\.contoso\.example/api/decision\?t=([A-Za-z0-9_%\-.]+)")
            .Select(m => Uri.UnescapeDataString(m.Groups[1].Value))
            .Distinct()
            .Select(t => (Token: t, Claims: DecisionLinks.Verify(Key, t, DateTimeOffset.UtcNow).Claims!))
            .ToDictionary(l => (l.Claims.Candidate, l.Claims.Decision.ToString()), l => l.Token);
    }

    public async ValueTask DisposeAsync() => await _handler.DisposeAsync();

    private Task<(HttpResponseMessage Response, JsonElement Body)> GetAsync(string token) =>
        _handler.PostAsync("Decision", Http("GET", query: new Dictionary<string, string> { ["t"] = token }));

    private Task<(HttpResponseMessage Response, JsonElement Body)> ConfirmAsync(string token) =>
        _handler.PostAsync("Decision", Http("POST", body: "t=" + Uri.EscapeDataString(token)));

    internal static string Http(string method, Dictionary<string, string>? query = null, string? body = null) => JsonSerializer.Serialize(new
    {
        Data = new { req = new { Url = "https://pipeline.contoso.example/api/decision", Method = method, Query = query ?? [], Headers = new Dictionary<string, string[]>(), Body = body } },
        Metadata = new { },
    });

    internal static (int Status, string Html) Page(JsonElement body)
    {
        var res = body.GetProperty("Outputs").GetProperty("res");
        return (res.GetProperty("statusCode").GetInt32(), res.GetProperty("body").GetString()!);
    }

    private async Task<List<RecordedDecision>> DecisionsAsync()
    {
        var list = new List<RecordedDecision>();
        await foreach (var d in _handler.Services.GetRequiredService<DecisionStore>().ListAsync("ml-engineer-platform", default))
        {
            list.Add(d);
        }

        return list;
    }

    [Fact]
    public void Email_CarriesInterviewPassAndHoldLinks_ForEveryCandidate()
    {
        Assert.NotEmpty(_links);
        foreach (var candidate in _links.Keys.Select(k => k.Candidate).Distinct())
        {
            Assert.All(new[] { "Interview", "Reject", "Hold" }, d => Assert.True(_links.ContainsKey((candidate, d))));
        }
    }

    [Fact]
    public async Task Get_OnlyAsksForConfirmation_SoALinkScannerDecidesNothing()
    {
        var token = _links[(1, "Interview")];
        for (var i = 0; i < 3; i++)
        {
            var (status, html) = Page((await GetAsync(token)).Body);
            Assert.Equal(200, status);
            Assert.Contains("<form method=\"post\"", html, StringComparison.Ordinal);
        }

        Assert.Empty(await DecisionsAsync());
    }

    [Fact]
    public async Task Post_RecordsOnce_AndTheSameLinkAgainIsRefused()
    {
        var token = _links[(1, "Interview")];

        var (first, html) = Page((await ConfirmAsync(token)).Body);
        var (again, _) = Page((await ConfirmAsync(token)).Body);

        Assert.Equal(200, first);
        Assert.Contains("Recorded: interview candidate 1", html, StringComparison.Ordinal);
        Assert.Equal(409, again);
        var decision = Assert.Single(await DecisionsAsync());
        Assert.Equal((1, Domain.Replies.Decision.Interview, "link"), (decision.Candidate, decision.Decision, decision.Source));
    }

    [Fact]
    public async Task Post_ADifferentLinkForTheSameCandidate_IsRefused_AndShowsTheDecisionThatStands()
    {
        var (first, _) = Page((await ConfirmAsync(_links[(1, "Interview")])).Body);
        var (pass, passPage) = Page((await ConfirmAsync(_links[(1, "Reject")])).Body);
        var (hold, _) = Page((await ConfirmAsync(_links[(1, "Hold")])).Body);

        Assert.Equal(200, first);
        Assert.Equal(409, pass);
        Assert.Equal(409, hold);
        Assert.Contains("Interview candidate 1", passPage, StringComparison.Ordinal);
        Assert.Contains("by decision link", passPage, StringComparison.Ordinal);
        Assert.Contains("reply to the shortlist email", passPage, StringComparison.Ordinal);
        Assert.DoesNotContain("Recorded", passPage, StringComparison.Ordinal);
        var (shown, shownPage) = Page((await GetAsync(_links[(1, "Reject")])).Body);
        Assert.Equal(409, shown);
        Assert.DoesNotContain("<form", shownPage, StringComparison.Ordinal); // no confirmation offered for a link that would change nothing
        var decision = Assert.Single(await DecisionsAsync());
        Assert.Equal((1, Domain.Replies.Decision.Interview, "link"), (decision.Candidate, decision.Decision, decision.Source));
    }

    [Fact]
    public async Task Post_AfterAReplyDecidedTheCandidate_KeepsTheReplysDecision_AndSaysSo()
    {
        var shortlist = (await _handler.Services.GetRequiredService<ShortlistStore>().GetAsync("ml-engineer-platform", 1, default))!;
        var (replied, _) = await _handler.PostAsync("ProcessReply", RunningHandler.ServiceBusEnvelope("reply", new Pipeline.Core.Messages.IncomingReply
        {
            InternetMessageId = "<reply-first@mail.contoso.example>", From = "dana.whitfield@contoso.example",
            Subject = "RE: Shortlist [" + shortlist.ReferenceToken + "]", Body = "Pass on 2.", ReceivedAt = DateTimeOffset.UtcNow,
        }));
        Assert.True(replied.IsSuccessStatusCode);

        var (status, html) = Page((await ConfirmAsync(_links[(2, "Interview")])).Body);

        Assert.Equal(409, status);
        Assert.Contains("Pass on candidate 2", html, StringComparison.Ordinal);
        Assert.Contains("by reply", html, StringComparison.Ordinal);
        var decision = Assert.Single(await DecisionsAsync());
        Assert.Equal((2, Domain.Replies.Decision.Reject, "reply"), (decision.Candidate, decision.Decision, decision.Source));
    }

    [Fact]
    public async Task ForgedAlteredOrExpiredLinks_AreRefused_AndRecordNothing()
    {
        var genuine = _links[(2, "Reject")];
        var claims = DecisionLinks.Verify(Key, genuine, DateTimeOffset.UtcNow).Claims!;
        var altered = DecisionLinks.Sign(Key, claims with { Decision = Domain.Replies.Decision.Interview }).Split('.')[0] + "." + genuine.Split('.')[1];
        var otherKey = DecisionLinks.Sign(RandomKey(), claims);
        var expired = DecisionLinks.Sign(Key, claims with { Expires = DateTimeOffset.UtcNow.AddMinutes(-1), Nonce = "old" });

        Assert.Equal(400, Page((await ConfirmAsync(altered)).Body).Status);
        Assert.Equal(400, Page((await ConfirmAsync(otherKey)).Body).Status);
        Assert.Equal(400, Page((await ConfirmAsync("garbage")).Body).Status);
        Assert.Equal(410, Page((await ConfirmAsync(expired)).Body).Status);
        Assert.Empty(await DecisionsAsync());
    }
}
