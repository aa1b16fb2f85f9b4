using System.Diagnostics;
using System.Text.Json;
using Pipeline.Cli.Commands;
using Pipeline.Cli.LocalHost;

namespace Pipeline.Cli.Tests.Flows;

/// <summary><c>pipeline run --once</c> over the sample feeds, on the embedded store, as a user runs it.</summary>
public sealed class EndToEndTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "pipeline-tests", Guid.NewGuid().ToString("N"));

    private DirectoryInfo Data => new(Path.Combine(_root, "data"));

    private static DirectoryInfo Samples => new(Path.Combine(AppContext.BaseDirectory, "samples"));

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private async Task<JsonElement> RunOnceAsync(DirectoryInfo? config = null, int maxDeliveries = 10, IReadOnlyDictionary<string, string?>? settings = null)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var exit = await RunCommand.RunAsync(config ?? Samples, Data, once: true, maxDeliveries, verbose: false, json: true, output, error, CancellationToken.None, settings);
        Assert.True(exit == 0, $"exit {exit}: {error}");
        return JsonDocument.Parse(output.ToString()).RootElement.Clone();
    }

    private string[] Outbox(string folder, string pattern)
    {
        var path = Path.Combine(Data.FullName, "outbox", folder);
        return Directory.Exists(path) ? Directory.GetFiles(path, pattern) : [];
    }

    [Fact]
    public async Task RunOnce_Twice_SendsEachShortlistOnce_AndReadsNothingTheSecondTime()
    {
        var first = await RunOnceAsync();

        Assert.Equal(3, first.GetProperty("feeds").GetInt32());
        Assert.True(first.GetProperty("candidates").GetProperty("new").GetInt32() > 40);
        Assert.Equal(9, first.GetProperty("quarantined").GetInt32());
        Assert.Equal(2, first.GetProperty("shortlists").GetInt32());
        Assert.Equal(0, first.GetProperty("deadLetters").GetInt32());
        var emails = Outbox("mail", "*.eml");
        Assert.Equal(first.GetProperty("emails").GetInt32(), emails.Length);
        foreach (var requisition in new[] { "ml-engineer-platform", "data-scientist-imaging" })
        {
            Assert.Contains(emails, f => Path.GetFileName(f).Contains(requisition, StringComparison.Ordinal));
            Assert.Contains(Outbox("teams", "*.json"), f => Path.GetFileName(f).Contains(requisition, StringComparison.Ordinal));
        }

        var listed = OutboxCommand.List(Path.Combine(Data.FullName, "outbox")).ToList();
        Assert.Equal(first.GetProperty("emails").GetInt32(), listed.Count(i => i.Kind == "email"));
        Assert.Equal(first.GetProperty("notifications").GetInt32(), listed.Count(i => i.Kind == "teams"));
        Assert.All(listed.Where(i => i.Kind == "email"), i => Assert.Matches(@"^Shortlist: .+ \[SL-[2-9A-Z]{6}\]$", i.Subject));

        var second = await RunOnceAsync();

        // The feed files have not changed since the first run: none is read again, so nothing is even compared.
        Assert.Equal(3, second.GetProperty("feedsNotModified").GetInt32());
        Assert.Equal(0, second.GetProperty("candidates").GetProperty("new").GetInt32());
        Assert.Equal(0, second.GetProperty("candidates").GetProperty("updated").GetInt32());
        Assert.Equal(0, second.GetProperty("candidates").GetProperty("unchanged").GetInt32());
        Assert.Equal(0, second.GetProperty("shortlists").GetInt32());
        Assert.Equal(0, second.GetProperty("emails").GetInt32());
        Assert.Equal(0, second.GetProperty("notifications").GetInt32());
        Assert.Equal(emails.Length, Outbox("mail", "*.eml").Length);
    }

    [Fact]
    public async Task RunOnce_WithFeedsReadOnePageAtATime_ContinuesThroughTheQueues_AndEndsTheSame()
    {
        // Pages of 4 candidates, one page per ReadFeed invocation: each feed continues through the local queue ~6 times.
        var config = CopySamples();
        var feeds = Path.Combine(config.FullName, "feeds.json");
        File.WriteAllText(feeds, File.ReadAllText(feeds).Replace("\"pageSize\": 50", "\"pageSize\": 4", StringComparison.Ordinal));
        var run = await RunOnceAsync(config, settings: new Dictionary<string, string?> { ["Pipeline:FeedPagesPerInvocation"] = "1" });

        Assert.Equal(3, run.GetProperty("feeds").GetInt32());
        Assert.Equal(68, run.GetProperty("candidates").GetProperty("new").GetInt32() + run.GetProperty("candidates").GetProperty("updated").GetInt32());
        Assert.Equal(9, run.GetProperty("quarantined").GetInt32());
        Assert.Equal(2, run.GetProperty("emails").GetInt32());
        Assert.Equal(0, run.GetProperty("deadLetters").GetInt32());
    }

    [Fact]
    public async Task RunOnce_AfterACandidateGainsASkill_SendsOnlyTheNewShortlistVersion()
    {
        var config = CopySamples();
        File.WriteAllText(Path.Combine(config.FullName, "requisitions.json"), """
            { "requisitions": [ { "id": "kubeflow", "title": "Kubeflow Engineer", "hiringManager": { "email": "hm@contoso.example" },
                                  "recruiters": [ "r@contoso.example" ], "requiredSkills": [ "Kubeflow" ], "shortlistSize": 50 } ] }
            """);
        await RunOnceAsync(config);
        Assert.Single(Outbox("mail", "*.eml"));

        var feed = Path.Combine(config.FullName, "feeds", "northfield-university.csv");
        var lines = File.ReadAllLines(feed);
        var row = Array.FindIndex(lines, l => l.Contains("Statistics; R", StringComparison.Ordinal) || l.Contains("scikit-learn", StringComparison.Ordinal));
        Assert.True(row > 0, "the sample feed has no row without Kubeflow to change");
        lines[row] = lines[row].Replace("SQL", "SQL; Kubeflow", StringComparison.Ordinal);
        File.WriteAllLines(feed, lines);

        var second = await RunOnceAsync(config);

        Assert.Equal(1, second.GetProperty("candidates").GetProperty("updated").GetInt32());
        Assert.Equal(1, second.GetProperty("shortlists").GetInt32());
        Assert.Equal(1, second.GetProperty("emails").GetInt32());
        Assert.Equal(2, Outbox("mail", "*.eml").Length);
        Assert.Contains(Outbox("mail", "*.eml"), f => f.Contains("-v2-", StringComparison.Ordinal));
    }

    [Fact]
    public async Task RunOnce_PoisonMessage_IsRedeliveredThenDeadLetteredAndReported_WhileTheRestFlows()
    {
        var queues = new LocalQueueStore(CliOptions.QueueDatabase(Data), TimeProvider.System);
        await queues.EnqueueAsync("candidates", ["""{ "feedId": "forged" }"""], default);

        var summary = await RunOnceAsync(maxDeliveries: 3);

        Assert.Equal(1, summary.GetProperty("deadLetters").GetInt32());
        Assert.Equal(1, summary.GetProperty("deadLettersTotal").GetInt32());
        Assert.Equal(2, summary.GetProperty("emails").GetInt32());
        var letter = Assert.Single(await queues.DeadLettersAsync(default));
        Assert.Equal(3, letter.DeliveryCount);
        Assert.Contains("not a valid CandidatePage", letter.Description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_Continuous_CatchesUpAMissedTimerOnce_AndStopsGracefullyWhenCancelled()
    {
        // PollFeeds last ran a day ago, so at least one six-hourly occurrence was missed while "stopped".
        var queues = new LocalQueueStore(CliOptions.QueueDatabase(Data), TimeProvider.System);
        await queues.SetTimerLastRunAsync("PollFeeds", DateTimeOffset.UtcNow.AddDays(-1), default);
        using var stop = new CancellationTokenSource();
        var output = new StringWriter();
        var error = new StringWriter();

        var started = DateTimeOffset.UtcNow;
        var run = RunCommand.RunAsync(Samples, Data, once: false, maxDeliveries: 10, verbose: false, json: true, output, error, stop.Token);

        // Wait until the caught-up PollFeeds has run and its pages are all screened.
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            var ran = await queues.GetTimerLastRunAsync("PollFeeds", default) >= started;
            var counts = await queues.CountsAsync(default);
            if (ran && counts.Sum(c => c.Active) == 0)
            {
                break;
            }

            await Task.Delay(100);
        }

        await stop.CancelAsync();
        var exit = await run;

        Assert.Equal(0, exit);
        Assert.Contains("past due", error.ToString(), StringComparison.Ordinal);
        using var summary = JsonDocument.Parse(output.ToString());
        Assert.Equal(3, summary.RootElement.GetProperty("feeds").GetInt32());
        Assert.True(summary.RootElement.GetProperty("candidates").GetProperty("new").GetInt32() > 40);
        // Shortlists wait for the quiet period after the last change (two minutes by default), so none yet.
        Assert.Equal(0, summary.RootElement.GetProperty("emails").GetInt32());
    }

    [Fact]
    public async Task ShortlistPreview_AfterARun_ShowsTheRankedShortlistWithEvidence_AndSendsNothing()
    {
        await RunOnceAsync();
        var emails = Outbox("mail", "*.eml").Length;
        var output = new StringWriter();
        var error = new StringWriter();

        var exit = await ShortlistCommand.PreviewAsync("ml-engineer-platform", json: true, Samples, Data, output, error, CancellationToken.None);

        Assert.True(exit == 0, error.ToString());
        using var preview = JsonDocument.Parse(output.ToString());
        var candidates = preview.RootElement.GetProperty("candidates").EnumerateArray().ToList();
        Assert.Equal([1, 2, 3, 4, 5], candidates.Select(c => c.GetProperty("rank").GetInt32()));
        Assert.All(candidates, c => Assert.All(
            c.GetProperty("requirements").EnumerateArray().Where(r => r.GetProperty("required").GetBoolean()),
            r => Assert.Equal("met", r.GetProperty("status").GetString())));
        var order = candidates.Select(c => (Score: c.GetProperty("score").GetDouble(), Id: c.GetProperty("candidateId").GetString()!)).ToList();
        Assert.Equal(order.OrderByDescending(o => o.Score).ThenBy(o => o.Id, StringComparer.Ordinal), order);
        Assert.Equal(JsonValueKind.Array, preview.RootElement.GetProperty("nearMisses").ValueKind);
        var mix = preview.RootElement.GetProperty("mix");
        Assert.Equal(5, mix.EnumerateObject().Sum(m => m.Value.GetInt32())); // each person once
        Assert.Equal(emails, Outbox("mail", "*.eml").Length);

        var unknown = await ShortlistCommand.PreviewAsync("no-such-role", json: true, Samples, Data, new StringWriter(), error, CancellationToken.None);
        Assert.Equal(2, unknown);
        Assert.Contains("data-scientist-imaging", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunOnce_WithGraphSettings_SendsThroughGraphOnce_AndWritesNoOutbox()
    {
        await using var graph = await Pipeline.Testing.GraphStandIn.StartAsync();
        var settings = new Dictionary<string, string?>
        {
            ["Graph:BaseUrl"] = graph.BaseUrl,
            ["Graph:Mailbox"] = "talent@contoso.example",
            ["Graph:AccessToken"] = "test-token",
        };

        var first = await RunOnceAsync(settings: settings);
        var second = await RunOnceAsync(settings: settings);

        Assert.Equal(2, first.GetProperty("emails").GetInt32());
        Assert.Equal(2, graph.SendMails.Count());
        Assert.Equal(2, graph.Activities.Count());
        Assert.StartsWith("Microsoft Graph", first.GetProperty("delivery").GetString(), StringComparison.Ordinal);
        Assert.Equal(0, second.GetProperty("emails").GetInt32());
        Assert.Equal(2, graph.SendMails.Count());
        Assert.Empty(Outbox("mail", "*.eml"));
    }

    [Fact]
    public async Task PipelineCommand_AsAProcess_RunsAndPrintsJson_AndListsDeadLetters()
    {
        var (exit, stdout, stderr) = await CliProcess.RunAsync("run", "--once", "--json", "--data", Data.FullName);
        Assert.True(exit == 0, stderr);
        Assert.DoesNotContain('\r', stderr); // no progress line: --json, and standard error is not a terminal
        using var summary = JsonDocument.Parse(stdout);
        foreach (var key in new[] { "feeds", "candidates", "quarantined", "shortlists", "emails", "notifications", "deadLetters" })
        {
            Assert.True(summary.RootElement.TryGetProperty(key, out _), $"missing key {key}");
        }

        // Per queue, what Service Bus would bill for: every page sent to "candidates" delivered once and completed,
        // one ScreenCandidates invocation each.
        var candidates = summary.RootElement.GetProperty("queues").GetProperty("candidates");
        var pages = candidates.GetProperty("sent").GetInt64();
        Assert.True(pages > 0, "no pages were sent to the candidates queue");
        Assert.Equal(pages, candidates.GetProperty("deliveries").GetInt64());
        Assert.Equal(pages, candidates.GetProperty("completed").GetInt64());
        Assert.Equal(0, candidates.GetProperty("abandoned").GetInt64() + candidates.GetProperty("deadLettered").GetInt64());
        Assert.True(candidates.GetProperty("largestBytes").GetInt64() > 0, "a page's size was not counted");
        Assert.Equal(pages, summary.RootElement.GetProperty("functions").GetProperty("ScreenCandidates").GetProperty("invocations").GetInt64());

        var (listExit, list, _) = await CliProcess.RunAsync("deadletters", "list", "--json", "--data", Data.FullName);
        Assert.Equal(0, listExit);
        Assert.Equal(0, JsonDocument.Parse(list).RootElement.GetArrayLength());

        var (statusExit, statusText, _) = await CliProcess.RunAsync("status", "--json", "--data", Data.FullName);
        Assert.Equal(0, statusExit);
        using (var status = JsonDocument.Parse(statusText))
        {
            Assert.Equal(["candidates", "feedreads", "mailsync", "notifications", "replies", "shortlists", "verifications"], status.RootElement.GetProperty("queues").EnumerateArray().Select(q => q.GetProperty("queue").GetString()));
            Assert.All(status.RootElement.GetProperty("queues").EnumerateArray(), q => Assert.Equal(0, q.GetProperty("active").GetInt64()));
            Assert.All(status.RootElement.GetProperty("shortlists").EnumerateArray(), r => Assert.Equal(1, r.GetProperty("shortlistVersion").GetInt32()));
            Assert.All(status.RootElement.GetProperty("feeds").EnumerateArray(), f => Assert.Equal("succeeded", f.GetProperty("outcome").GetString()));
        }

        var (feedsExit, feeds, _) = await CliProcess.RunAsync("feeds", "list", "--json", "--data", Data.FullName);
        Assert.Equal(0, feedsExit);
        var listed = JsonDocument.Parse(feeds).RootElement.EnumerateArray().ToList();
        Assert.Equal(3, listed.Count);
        Assert.All(listed, f => Assert.Equal("succeeded", f.GetProperty("lastRun").GetProperty("outcome").GetString()));

        var (certsExit, certs, _) = await CliProcess.RunAsync("certs", "catalogue", "--json");
        Assert.Equal(0, certsExit);
        Assert.Contains(JsonDocument.Parse(certs).RootElement.GetProperty("certifications").EnumerateArray(),
            c => c.GetProperty("id").GetString() == "aws-mls-c01" && c.GetProperty("successor").GetString() == "aws-mla-c01");

        var (verifyExit, verify, _) = await CliProcess.RunAsync("certs", "verify", "--url", "https://169.254.169.254/latest/meta-data/", "--email", "a@b.example", "--json");
        Assert.Equal(0, verifyExit);
        using (var verdict = JsonDocument.Parse(verify))
        {
            Assert.Equal("Refused", verdict.RootElement.GetProperty("outcome").GetString());
            Assert.Equal(0, verdict.RootElement.GetProperty("evidence").GetProperty("fetched").GetArrayLength());
        }

        var (badUrlExit, _, badUrl) = await CliProcess.RunAsync("certs", "verify", "--url", "not a url", "--email", "a@b.example");
        Assert.Equal(2, badUrlExit);
        Assert.Contains("not an absolute URL", badUrl, StringComparison.Ordinal);

        var (helpExit, help, _) = await CliProcess.RunAsync("run", "--help");
        Assert.Equal(0, helpExit);
        Assert.Contains("--once", help, StringComparison.Ordinal);
        Assert.Contains("--config", help, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PipelineCommand_BadConfiguration_ExitsWithAClearMessage()
    {
        var config = CopySamples();
        File.WriteAllText(Path.Combine(config.FullName, "feeds.json"), """{ "feeds": [ { "id": "x", "source": "", "location": "" } ] }""");

        var (exit, _, stderr) = await CliProcess.RunAsync("run", "--once", "--config", config.FullName, "--data", Data.FullName);

        Assert.Equal(2, exit);
        Assert.Contains("feed 'x': 'source' is required", stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CandidatesCommands_ShowAMergeByPhone_AndSplitUndoesIt()
    {
        var config = CopySamples();
        File.WriteAllText(Path.Combine(config.FullName, "feeds.json"), """
            { "feeds": [
              { "id": "uni-a", "kind": "university", "source": "Uni A", "format": "csv", "location": "feeds/a.csv" },
              { "id": "camp-b", "kind": "bootcamp", "source": "Camp B", "format": "csv", "location": "feeds/b.csv" } ] }
            """);
        File.WriteAllText(Path.Combine(config.FullName, "feeds", "a.csv"), "email,name,phone,skills\nana@uni.example,Ana Lima,+1 617 555 0101,PyTorch\n");
        File.WriteAllText(Path.Combine(config.FullName, "feeds", "b.csv"), "email,name,phone,skills\nana.lima@mail.example,Ana L,+1 617 555 0101,Kubeflow\n");
        await RunOnceAsync(config);

        var shown = new StringWriter();
        Assert.Equal(0, await CandidatesCommand.ShowAsync("Ana.Lima@mail.example", json: true, config, Data, shown, new StringWriter(), CancellationToken.None));
        using var person = JsonDocument.Parse(shown.ToString());
        var id = person.RootElement.GetProperty("profile").GetProperty("candidateId").GetString()!;
        Assert.Equal(["email", "phone"], person.RootElement.GetProperty("records").EnumerateArray().Select(r => r.GetProperty("matchedBy").GetString()).Order());

        // The two feeds are screened at the same time, so either record may be the one that joined the other's person.
        var joined = person.RootElement.GetProperty("records").EnumerateArray().Single(r => r.GetProperty("matchedBy").GetString() == "phone");
        var joinedFeed = joined.GetProperty("feedId").GetString()!;
        var joinedEmail = joined.GetProperty("record").GetProperty("email").GetString()!;
        var said = new StringWriter();
        Assert.Equal(0, await CandidatesCommand.SplitAsync(id, joinedFeed, config, Data, said, new StringWriter(), CancellationToken.None));
        Assert.Contains($"Moved the records of '{joinedFeed}'", said.ToString(), StringComparison.Ordinal);

        var after = new StringWriter();
        Assert.Equal(0, await CandidatesCommand.ShowAsync(joinedEmail, json: true, config, Data, after, new StringWriter(), CancellationToken.None));
        using var apart = JsonDocument.Parse(after.ToString());
        Assert.NotEqual(id, apart.RootElement.GetProperty("profile").GetProperty("candidateId").GetString());
        Assert.Equal(1, await CandidatesCommand.SplitAsync(id, joinedFeed, config, Data, new StringWriter(), new StringWriter(), CancellationToken.None));
    }

    [Fact]
    public async Task ReplySubmitted_IsRecordedOnTheNextRun_ConfirmedOnce_AndListed()
    {
        await RunOnceAsync();
        var subject = OutboxCommand.List(Path.Combine(Data.FullName, "outbox")).Single(i => i.Kind == "email" && i.Subject!.Contains("Machine Learning Engineer", StringComparison.Ordinal)).Subject!;
        var reply = Path.Combine(_root, "reply.txt");
        File.WriteAllText(reply, "Hi,\nLet's interview 1 and pass on 2.\n\nThanks,\nDana\n\nOn Tue, Talent Pipeline wrote:\n> Reply yes to 1 and 3");
        var queued = new StringWriter();
        Assert.Equal(0, await RepliesCommand.SubmitAsync(new FileInfo(reply), "Dana.Whitfield@contoso.example", "RE: " + subject, Data, queued, new StringWriter(), CancellationToken.None));

        var run = await RunOnceAsync();
        var again = await RunOnceAsync();

        Assert.Equal(2, run.GetProperty("decisions").GetInt32());
        Assert.Equal(0, again.GetProperty("decisions").GetInt32());
        var listed = new StringWriter();
        Assert.Equal(0, await DecisionsCommand.ListAsync("ml-engineer-platform", json: true, Samples, Data, listed, new StringWriter(), CancellationToken.None));
        using var decisions = JsonDocument.Parse(listed.ToString());
        Assert.Equal(["1:interview", "2:reject"], decisions.RootElement.EnumerateArray().Select(d => $"{d.GetProperty("candidate").GetInt32()}:{d.GetProperty("decision").GetString()}"));
        Assert.Single(OutboxCommand.List(Path.Combine(Data.FullName, "outbox")), i => i.Kind == "email" && i.Subject == "RE: " + subject);
    }

    [Fact]
    public async Task RunOnce_AfterAReply_CountsTheConfirmationEmailAndTheRecruitersNotification()
    {
        await RunOnceAsync();
        var subject = OutboxCommand.List(Path.Combine(Data.FullName, "outbox")).Single(i => i.Kind == "email" && i.Subject!.Contains("Machine Learning Engineer", StringComparison.Ordinal)).Subject!;
        var reply = Path.Combine(_root, "reply.txt");
        File.WriteAllText(reply, "Interview 1 and pass on 2.");
        Assert.Equal(0, await RepliesCommand.SubmitAsync(new FileInfo(reply), "Dana.Whitfield@contoso.example", "RE: " + subject, Data, new StringWriter(), new StringWriter(), CancellationToken.None));
        var before = OutboxCommand.List(Path.Combine(Data.FullName, "outbox")).ToList();

        var run = await RunOnceAsync();

        var written = OutboxCommand.List(Path.Combine(Data.FullName, "outbox")).ToList();
        Assert.Equal(1, written.Count(i => i.Kind == "email") - before.Count(i => i.Kind == "email"));
        Assert.Equal(1, written.Count(i => i.Kind == "teams") - before.Count(i => i.Kind == "teams"));
        Assert.Equal(1, run.GetProperty("emails").GetInt32());
        Assert.Equal(1, run.GetProperty("notifications").GetInt32());
        Assert.Equal(2, run.GetProperty("decisions").GetInt32());
    }

    [Fact]
    public async Task RunOnce_GraphFailsTheTeamsStepAfterAnEmailWasSent_CountsEachEmailAndNotificationSentOnce()
    {
        await using var graph = await Pipeline.Testing.GraphStandIn.StartAsync();
        // Teams fails more often than the SDK retries: an invocation that sent its email fails on its Teams step, and
        // its redelivery sends only the notification.
        graph.FailActivities(8);
        var settings = new Dictionary<string, string?>
        {
            ["Graph:BaseUrl"] = graph.BaseUrl,
            ["Graph:Mailbox"] = "talent@contoso.example",
            ["Graph:AccessToken"] = "test-token",
        };

        var run = await RunOnceAsync(settings: settings);

        Assert.True(run.GetProperty("failedInvocations").GetInt32() > 0, run.ToString());
        Assert.Equal(2, graph.SentItemCount);
        Assert.Equal(2, run.GetProperty("emails").GetInt32());
        Assert.Equal(2, run.GetProperty("notifications").GetInt32());
    }

    [Fact]
    public async Task RunOnce_Json_WhenTheAppLogsAWarning_PrintsOnlyTheSummaryOnStdout()
    {
        // A feed whose file is gone: ReadFeed warns, the other feeds go on. The warning belongs on stderr.
        var config = CopySamples();
        File.Delete(Path.Combine(config.FullName, "feeds", "lakeshore-tech.csv"));

        var (exit, stdout, stderr) = await CliProcess.RunAsync("run", "--once", "--json", "--config", config.FullName, "--data", Data.FullName);

        Assert.True(exit == 0, stderr);
        Assert.Contains("could not be read", stderr, StringComparison.Ordinal);
        using var summary = JsonDocument.Parse(stdout);
        Assert.Equal(1, summary.RootElement.GetProperty("feedsFailed").GetInt32());
    }

    private DirectoryInfo CopySamples()
    {
        var target = Path.Combine(_root, "config");
        foreach (var file in Directory.EnumerateFiles(Samples.FullName, "*", SearchOption.AllDirectories))
        {
            var path = Path.Combine(target, Path.GetRelativePath(Samples.FullName, file));
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.Copy(file, path);
        }

        return new DirectoryInfo(target);
    }

    [Fact]
    public async Task ExportThenErase_ExportHoldsEverything_ErasureLeavesNoTraceInAnyTable_AndSurvivesAReread()
    {
        const string email = "priya.raman0@students.northfield.example";
        // Her email, phone, profile and id; not her name: Lakeshore lists another Priya Raman, who must stay.
        string[] traces = [email, "+16175551000", "linkedin.com/in/priya-raman-0", Pipeline.Domain.Candidates.CandidateId.FromEmail(email)];
        var namesake = Pipeline.Domain.Candidates.CandidateId.FromEmail("priya.raman40@alumni.lakeshore-tech.example");
        var config = CopySamples();
        await RunOnceAsync(config);

        var (exportExit, exported, exportError) = await CliProcess.RunAsync("export", "--email", email.ToUpperInvariant(), "--config", config.FullName, "--data", Data.FullName);
        Assert.True(exportExit == 0, exportError);
        using (var export = JsonDocument.Parse(exported))
        {
            var root = export.RootElement;
            Assert.Equal(email, root.GetProperty("profile").GetProperty("email").GetString());
            Assert.True(root.GetProperty("records").GetArrayLength() >= 1);
            Assert.True(root.GetProperty("identities").GetArrayLength() >= 1); // the phone and profile URL keys
            Assert.True(root.GetProperty("shortlists").GetArrayLength() >= 1); // she is on the ML platform shortlist
            Assert.True(root.GetProperty("pools").GetArrayLength() >= 1);
        }

        var (eraseExit, erased, eraseError) = await CliProcess.RunAsync("erase", "--email", email, "--json", "--config", config.FullName, "--data", Data.FullName);
        Assert.True(eraseExit == 0, eraseError);
        using (var report = JsonDocument.Parse(erased))
        {
            Assert.True(report.RootElement.GetProperty("found").GetBoolean());
            Assert.StartsWith("erased-", report.RootElement.GetProperty("tombstone").GetString(), StringComparison.Ordinal);
        }

        await AssertNoTraceAsync(traces);
        var (namesakeExit, namesakeShown, _) = await CliProcess.RunAsync("candidates", "show", namesake, "--config", config.FullName, "--data", Data.FullName);
        Assert.Equal(0, namesakeExit);
        Assert.Contains("Priya Raman", namesakeShown, StringComparison.Ordinal);

        // The feed is read again (its file changed): her row is dropped, not stored again.
        var feed = Path.Combine(config.FullName, "feeds", "northfield-university.csv");
        File.SetLastWriteTimeUtc(feed, File.GetLastWriteTimeUtc(feed).AddMinutes(1));
        var reread = await RunOnceAsync(config);
        Assert.True(reread.GetProperty("candidates").GetProperty("unchanged").GetInt32() > 0, reread.ToString()); // the feed was read
        await AssertNoTraceAsync(traces);
        var (_, again, _) = await CliProcess.RunAsync("export", "--email", email, "--config", config.FullName, "--data", Data.FullName);
        Assert.Equal("", again.Trim());
    }

    /// <summary>No row of any table has the strings in its keys or values.</summary>
    private async Task AssertNoTraceAsync(string[] traces)
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        var store = new Pipeline.Storage.Sqlite.SqliteTableStore(Path.Combine(Data.FullName, "pipeline.db"), TimeProvider.System);
        foreach (var table in Pipeline.Core.Tables.All)
        {
            await foreach (var entity in store.GetTable(table).QueryAsync())
            {
                var text = string.Join("\n", entity.Properties.Values.Select(v => v?.ToString())) + "\n" + entity.PartitionKey + "\n" + entity.RowKey;
                foreach (var trace in traces)
                {
                    Assert.False(text.Contains(trace, StringComparison.OrdinalIgnoreCase), $"{table} {entity.PartitionKey}/{entity.RowKey} still holds '{trace}'");
                }
            }
        }

        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
    }
}
