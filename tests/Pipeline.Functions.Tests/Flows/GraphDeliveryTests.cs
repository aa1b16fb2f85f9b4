using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Pipeline.Core.Delivery;
using Pipeline.Domain.Delivery;
using Pipeline.Domain.Requisitions;
using Pipeline.Testing;

namespace Pipeline.Functions.Tests.Flows;

/// <summary>The Graph channel, driven through the real Microsoft.Graph SDK against a loopback Graph stand-in.</summary>
public sealed class GraphDeliveryTests : IAsyncLifetime
{
    private GraphStandIn _graph = null!;
    private RunningHandler _handler = null!;

    public async ValueTask InitializeAsync()
    {
        _graph = await GraphStandIn.StartAsync();
        _handler = await RunningHandler.StartAsync(settings: RunningHandler.GraphSettings(_graph));
    }

    public async ValueTask DisposeAsync()
    {
        await _handler.DisposeAsync();
        await _graph.DisposeAsync();
    }

    private IDeliveryChannel Channel => _handler.Services.GetRequiredService<IDeliveryChannel>();

    private static OutgoingEmail Email(string key = "shortlist-ml-v1-email-abc") => new(
        key, "SL-ABC234", new Contact("talent@contoso.example", "Talent Pipeline"), [new Contact("dana@contoso.example", "Dana Whitfield")],
        "Shortlist: ML Engineer — 3 candidates [SL-ABC234]", "<p>Hello</p>", "Hello\n");

    [Fact]
    public async Task SendEmail_PostsTheDocumentedSendMailBody_FromTheSharedMailbox()
    {
        Assert.IsType<GraphDeliveryChannel>(Channel);

        var sent = await Channel.SendEmailAsync(Email(), mayHaveBeenSent: false, CancellationToken.None);

        Assert.StartsWith("conv-", sent.ConversationId, StringComparison.Ordinal);
        Assert.EndsWith("@contoso.example>", sent.InternetMessageId, StringComparison.Ordinal);
        var request = Assert.Single(_graph.SendMails);
        Assert.Equal("/v1.0/users/talent@contoso.example/sendMail", Uri.UnescapeDataString(request.Path));
        Assert.Equal("Bearer test-token", request.Authorization);
        var message = GraphStandIn.Get(request.Body, "message");
        Assert.Equal("Shortlist: ML Engineer — 3 candidates [SL-ABC234]", GraphStandIn.Get(message, "subject")!.GetValue<string>());
        Assert.Equal("html", GraphStandIn.Get(GraphStandIn.Get(message, "body"), "contentType")!.GetValue<string>(), ignoreCase: true);
        Assert.Equal("<p>Hello</p>", GraphStandIn.Get(GraphStandIn.Get(message, "body"), "content")!.GetValue<string>());
        var to = GraphStandIn.Get(GraphStandIn.Get(message, "toRecipients")![0], "emailAddress");
        Assert.Equal("dana@contoso.example", GraphStandIn.Get(to, "address")!.GetValue<string>());
        var headers = GraphStandIn.Get(message, "internetMessageHeaders")!.AsArray();
        Assert.Contains(headers, h => GraphStandIn.Get(h, "name")!.GetValue<string>() == "x-pipeline-effect" && GraphStandIn.Get(h, "value")!.GetValue<string>() == "shortlist-ml-v1-email-abc");
        Assert.True(GraphStandIn.Get(request.Body, "saveToSentItems")!.GetValue<bool>());
    }

    [Fact]
    public async Task SendEmail_ThrottledWithRetryAfter_IsRetriedAndSentOnce()
    {
        _graph.Fail(429, retryAfter: "1");

        await Channel.SendEmailAsync(Email(), mayHaveBeenSent: false, CancellationToken.None);

        Assert.Equal(2, _graph.SendMails.Count()); // the throttled attempt and the retry
        Assert.Equal(1, _graph.SentItemCount);   // one message delivered
    }

    [Fact]
    public async Task SendEmail_AfterACrashBetweenSendAndRecord_FindsItInSentItemsAndDoesNotSendAgain()
    {
        var email = Email();
        _graph.AddSentItem(email.Subject, email.EffectKey);

        await Channel.SendEmailAsync(email, mayHaveBeenSent: true, CancellationToken.None);

        Assert.Empty(_graph.SendMails);
        Assert.Contains(_graph.Requests, r => r.Method == "GET" && r.Path.Contains("SentItems", StringComparison.Ordinal));
    }

    [Fact]
    public async Task SendEmail_RetryWhenTheFirstAttemptNeverReachedGraph_SendsIt()
    {
        await Channel.SendEmailAsync(Email(), mayHaveBeenSent: true, CancellationToken.None);
        Assert.Single(_graph.SendMails);
    }

    [Fact]
    public async Task SendActivity_PostsTheDocumentedNotificationBody()
    {
        var activity = new TeamsActivity(TeamsActivity.ShortlistSentType, "ML Engineer shortlist", "https://teams.microsoft.com/l/entity/app/shortlists",
            "3 candidates shortlisted for ML Engineer — sent to Dana", [new("candidateCount", "3")], ["ravi@contoso.example", "lena@contoso.example"]);

        await Channel.SendActivityAsync("key", activity, mayHaveBeenSent: false, CancellationToken.None);

        var body = Assert.Single(_graph.Activities).Body;
        Assert.Equal("text", GraphStandIn.Get(GraphStandIn.Get(body, "topic"), "source")!.GetValue<string>());
        Assert.Equal("https://teams.microsoft.com/l/entity/app/shortlists", GraphStandIn.Get(GraphStandIn.Get(body, "topic"), "webUrl")!.GetValue<string>());
        Assert.Equal("shortlistSent", GraphStandIn.Get(body, "activityType")!.GetValue<string>());
        Assert.Equal("3 candidates shortlisted for ML Engineer — sent to Dana", GraphStandIn.Get(GraphStandIn.Get(body, "previewText"), "content")!.GetValue<string>());
        var recipients = GraphStandIn.Get(body, "recipients")!.AsArray();
        Assert.Equal(2, recipients.Count);
        Assert.All(recipients, r => Assert.Equal("#microsoft.graph.aadUserNotificationRecipient", GraphStandIn.Get(r, "@odata.type")!.GetValue<string>()));
        Assert.Equal("candidateCount", GraphStandIn.Get(GraphStandIn.Get(body, "templateParameters")![0], "name")!.GetValue<string>());
    }

    [Fact]
    public async Task WholeChain_WithGraphConfigured_SendsThroughGraphAndWritesNoOutbox()
    {
        // The function tier, end to end, each stage drained before the next as the local host does.
        var polled = await _handler.PollFeedsAsync();
        foreach (var page in polled.Pages)
        {
            await _handler.PostAsync("ScreenCandidates", RunningHandler.ServiceBusEnvelope("page", page.GetRawText()));
        }

        var scheduled = await _handler.PostAsync("ScheduleShortlists", RunningHandler.Fixture("timer-invocation.json"));
        var requests = scheduled.Body.GetProperty("Outputs").GetProperty("shortlistRequests").EnumerateArray().Select(r => r.GetRawText()).ToList();

        var ready = new List<string>();
        foreach (var request in requests)
        {
            var built = await _handler.PostAsync("BuildShortlist", RunningHandler.ServiceBusEnvelope("request", request));
            if (built.Body.GetProperty("Outputs").TryGetProperty("notifications", out var versions))
            {
                ready.AddRange(versions.EnumerateArray().Select(v => v.GetRawText()));
            }
        }

        foreach (var message in ready)
        {
            await _handler.PostAsync("NotifyShortlist", RunningHandler.ServiceBusEnvelope("notification", message));
        }

        Assert.Equal(2, _graph.SendMails.Count());
        Assert.Equal(2, _graph.Activities.Count());
        Assert.False(Directory.Exists(Path.Combine(_handler.DataDirectory, "outbox")));

        // Each email's reference token leads back to its shortlist and the conversation a reply will belong to.
        var store = _handler.Services.GetRequiredService<Pipeline.Core.Shortlists.ShortlistStore>();
        foreach (var requisition in new[] { "ml-engineer-platform", "data-scientist-imaging" })
        {
            var delivery = await store.FindByReferenceAsync(new Pipeline.Domain.Shortlists.Shortlist(requisition, 1, []).ReferenceToken, CancellationToken.None);
            Assert.NotNull(delivery);
            Assert.Equal((requisition, 1), (delivery.RequisitionId, delivery.Version));
            Assert.StartsWith("conv-", delivery.ConversationId, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task NotifyShortlist_Through503Storm_FailsThenRetriesAndSendsExactlyOnce()
    {
        // A shortlist to deliver, built through the functions themselves.
        var ready = (await _handler.BuildShortlistAsync()).GetRawText();

        // More 503s than the SDK retries: the invocation fails, so the host would redeliver it.
        for (var i = 0; i < 6; i++)
        {
            _graph.Fail(503, retryAfter: "0");
        }

        var (failed, _) = await _handler.PostAsync("NotifyShortlist", RunningHandler.ServiceBusEnvelope("notification", ready));
        Assert.False(failed.IsSuccessStatusCode);
        Assert.Equal(0, _graph.SentItemCount);

        var (redelivered, body) = await _handler.PostAsync("NotifyShortlist", RunningHandler.ServiceBusEnvelope("notification", ready, deliveryCount: 2));
        Assert.True(redelivered.IsSuccessStatusCode, body.ToString());
        Assert.Equal(1, _graph.SentItemCount);

        // And a third delivery of the same message sends nothing more.
        await _handler.PostAsync("NotifyShortlist", RunningHandler.ServiceBusEnvelope("notification", ready, deliveryCount: 3));
        Assert.Equal(1, _graph.SentItemCount);
    }

    [Fact]
    public async Task AccessTokenForANonLoopbackGraph_IsRefusedAtStart()
    {
        var e = await Assert.ThrowsAsync<OptionsValidationException>(() => RunningHandler.StartAsync(settings: new Dictionary<string, string?>
        {
            ["Graph:BaseUrl"] = "https://graph.microsoft.com/v1.0",
            ["Graph:Mailbox"] = "talent@contoso.example",
            ["Graph:AccessToken"] = "stolen",
        }));
        Assert.Contains("only for a Graph stand-in on loopback", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReplyInTheMailbox_IsReadByDelta_RecordedAndConfirmedThroughGraph_AndNotReadAgain()
    {
        // A shortlist sent through Graph.
        await _handler.SendShortlistAsync();
        var subject = GraphStandIn.Get(GraphStandIn.Get(_graph.SendMails.Single().Body, "message"), "subject")!.GetValue<string>();

        // The hiring manager answers from Outlook; someone sends something else; the first page of the delta holds two.
        _graph.Receive("Dana.Whitfield@contoso.example", "RE: " + subject,
            "<html><body><div>Yes to 1, pass on 2.</div><div>Thanks,</div><div>Dana</div><div id=\"divRplyFwdMsg\"><hr><b>From:</b> Talent Pipeline</div><blockquote>yes to all</blockquote></body></html>");
        _graph.Receive("newsletter@vendor.example", "Our spring offers", "<p>Hello</p>");
        _graph.Receive("someone@contoso.example", "Lunch?", "<p>Friday?</p>");

        var caughtUp = await _handler.PostAsync("CatchUpReplies", RunningHandler.Fixture("timer-invocation.json"));
        var replies = RunningHandler.Messages(caughtUp.Body, "replies");
        var reply = Assert.Single(replies);
        var processed = await _handler.PostAsync("ProcessReply", RunningHandler.ServiceBusEnvelope("reply", reply.GetRawText()));

        Assert.Equal(2, processed.Body.GetProperty("ReturnValue").GetProperty("decisions").GetInt32());

        // The confirmation answers the reply in its thread, not as a new message.
        var (answered, confirmation) = Assert.Single(_graph.ThreadReplies);
        Assert.Equal(reply.GetProperty("messageId").GetString(), answered);
        Assert.Contains("Recorded for", GraphStandIn.Get(confirmation["body"], "content")!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Single(_graph.SendMails); // the shortlist itself

        // The same reply coming in again by the other path (a change notification woke SyncInbox) has no effect.
        var duplicate = await _handler.PostAsync("ProcessReply", RunningHandler.ServiceBusEnvelope("reply", reply.GetRawText()));
        Assert.Equal(0, duplicate.Body.GetProperty("ReturnValue").GetProperty("decisions").GetInt32());
        Assert.Single(_graph.ThreadReplies);
        Assert.Contains(_graph.Requests, r => r.Path.Contains("/messages/delta", StringComparison.Ordinal) && r.Query.Contains("receivedDateTime ge", StringComparison.Ordinal));

        // The next round continues from the stored delta link: nothing is read twice.
        var again = await _handler.PostAsync("CatchUpReplies", RunningHandler.Fixture("timer-invocation.json"));
        Assert.Empty(RunningHandler.Messages(again.Body, "replies"));
        Assert.Contains("$deltatoken=3", _graph.Requests.Last(r => r.Path.Contains("/messages/delta", StringComparison.Ordinal)).Query, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReplyWhoseSubjectLostTheReference_IsMatchedByItsConversation()
    {
        await _handler.SendShortlistAsync();
        var delivery = await _handler.Services.GetRequiredService<Pipeline.Core.Shortlists.ShortlistStore>()
            .FindByReferenceAsync(new Pipeline.Domain.Shortlists.Shortlist("ml-engineer-platform", 1, []).ReferenceToken, CancellationToken.None);

        var reply = new Pipeline.Core.Messages.IncomingReply
        {
            InternetMessageId = "<edited-subject@mail.contoso.example>", ConversationId = delivery!.ConversationId, From = "dana.whitfield@contoso.example",
            Subject = "RE: candidates", Body = "Yes to 1.", ReceivedAt = DateTimeOffset.UtcNow,
        };
        var processed = await _handler.PostAsync("ProcessReply", RunningHandler.ServiceBusEnvelope("reply", reply));

        // Another client kept neither the subject nor the conversation, only In-Reply-To.
        var byHeader = reply with { InternetMessageId = "<other-client@mail.contoso.example>", ConversationId = "conv-unknown", InReplyTo = delivery.InternetMessageId, Body = "Pass on 2." };
        var processedByHeader = await _handler.PostAsync("ProcessReply", RunningHandler.ServiceBusEnvelope("reply", byHeader));

        Assert.Equal(1, processed.Body.GetProperty("ReturnValue").GetProperty("decisions").GetInt32());
        Assert.Equal(1, processedByHeader.Body.GetProperty("ReturnValue").GetProperty("decisions").GetInt32());
    }

    [Fact]
    public async Task ShortlistsNotifiedTogether_LookUpTheirRecruitersAndTheAppCatalogOnce()
    {
        _graph.InstalledFor = new(StringComparer.OrdinalIgnoreCase) { [GraphStandIn.UserId("ravi.menon@contoso.example")] = true };
        var installer = _handler.Services.GetRequiredService<TeamsAppInstaller>();
        string[] recruiters = ["lena.fischer@contoso.example", "ravi.menon@contoso.example"];

        var prepared = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => Task.Run(() => installer.PrepareAsync(recruiters, CancellationToken.None))));

        // One batch resolves the names and one checks the installations; the others find both remembered.
        Assert.Equal(2, _graph.Requests.Count(r => r.Path.EndsWith("/$batch", StringComparison.Ordinal)));
        Assert.Single(_graph.Requests, r => r.Method == "GET" && r.Path.EndsWith("/appCatalogs/teamsApps", StringComparison.Ordinal));
        Assert.Single(_graph.Installs);
        Assert.All(prepared, ids => Assert.Equal(recruiters.Select(GraphStandIn.UserId).Order(), ids.Order()));
    }

    [Fact]
    public async Task RecruiterWithoutTheTeamsApp_GetsItInstalled_BeforeTheNotification()
    {
        _graph.InstalledFor = new(StringComparer.OrdinalIgnoreCase) { [GraphStandIn.UserId("ravi.menon@contoso.example")] = true };

        await _handler.SendShortlistAsync();

        // Both recruiters resolved in one JSON batch and checked in another, not one request each.
        Assert.Equal(2, _graph.Requests.Count(r => r.Path.EndsWith("/$batch", StringComparison.Ordinal)));
        Assert.DoesNotContain(_graph.Requests, r => r.Method == "GET" && r.Path.EndsWith("/installedApps", StringComparison.Ordinal));
        var install = Assert.Single(_graph.Installs);
        Assert.Contains($"/users/{GraphStandIn.UserId("lena.fischer@contoso.example")}/", install.Path, StringComparison.Ordinal);

        // The recruiters' user principal names became the object ids the activity feed API takes.
        var recipients = GraphStandIn.Get(_graph.Activities.Single().Body, "recipients")!.AsArray().Select(r => GraphStandIn.Get(r, "userId")!.GetValue<string>());
        Assert.Equal(new[] { "lena.fischer@contoso.example", "ravi.menon@contoso.example" }.Select(GraphStandIn.UserId).Order(), recipients.Order());
        Assert.EndsWith("/appCatalogs/teamsApps/catalog-5f0c9a4e-8d1b-4c6e-9a57-3b2f7d1e6c40", GraphStandIn.Get(install.Body, "teamsApp@odata.bind")!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Single(_graph.Activities);
        Assert.True(_graph.Requests.ToList().FindIndex(r => r == install) < _graph.Requests.ToList().FindIndex(r => r.Path.EndsWith("/sendActivityNotificationToRecipients", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task TeamsAppNotInTheCatalog_InstallsNothing_AndStillNotifies()
    {
        _graph.CatalogAppId = null;

        await _handler.SendShortlistAsync();

        Assert.Empty(_graph.Installs);
        Assert.Single(_graph.Activities);
    }
}
