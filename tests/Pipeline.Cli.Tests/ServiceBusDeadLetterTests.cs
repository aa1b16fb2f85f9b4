using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Pipeline.Tests.Shared;

namespace Pipeline.Cli.Tests;

/// <summary>
/// <c>pipeline deadletters list|replay --namespace</c> against a loopback stand-in of the Service Bus REST API: the
/// command as a process, with a bearer token, as an admin runs it against Azure.
/// </summary>
public sealed class ServiceBusDeadLetterTests : IAsyncLifetime
{
    private ServiceBusStandIn _bus = null!;

    public async ValueTask InitializeAsync()
    {
        _bus = await ServiceBusStandIn.StartAsync();
        _bus.DeadLetter("shortlists", "m-1", """{"requisitionId":"ml-engineer-platform"}""", "MaxDeliveryCountExceeded", "BuildShortlist answered 500");
        _bus.DeadLetter("shortlists", "m-2", """{"requisitionId":"data-scientist-imaging"}""", "MaxDeliveryCountExceeded", "BuildShortlist answered 500");
        _bus.DeadLetter("replies", "m-3", """{"internetMessageId":"<a@b>"}""", "MaxDeliveryCountExceeded", "ProcessReply answered 500");
    }

    public async ValueTask DisposeAsync() => await _bus.DisposeAsync();

    [Fact]
    public async Task List_ShowsEveryQueuesDeadLettersWithTheirReasons_AndLeavesThemThere()
    {
        var (exit, stdout, stderr) = await PipelineAsync("deadletters", "list", "--namespace", _bus.Address.ToString(), "--json");

        Assert.True(exit == 0, stderr);
        using var listed = JsonDocument.Parse(stdout);
        var letters = listed.RootElement.EnumerateArray().ToList();
        Assert.Equal(["m-1", "m-2", "m-3"], letters.Select(l => l.GetProperty("messageId").GetString()).Order());
        Assert.All(letters, l => Assert.Equal("MaxDeliveryCountExceeded", l.GetProperty("reason").GetString()));
        Assert.Contains(letters, l => l.GetProperty("description").GetString() == "ProcessReply answered 500");
        Assert.Equal(2, _bus.DeadLetters["shortlists"].Count);
        Assert.All(_bus.DeadLetters.Values.SelectMany(m => m), m => Assert.Null(m.LockToken)); // unlocked again
    }

    [Fact]
    public async Task Replay_PutsEachBackWithAFreshId_ThenRemovesItFromTheDeadLetterQueue()
    {
        var (exit, stdout, stderr) = await PipelineAsync("deadletters", "replay", "--queue", "shortlists", "--namespace", _bus.Address.ToString());

        Assert.True(exit == 0, stderr);
        Assert.Contains("2 messages put back", stdout, StringComparison.Ordinal);
        Assert.Empty(_bus.DeadLetters["shortlists"]);
        var resent = _bus.Queues["shortlists"];
        Assert.Equal(["""{"requisitionId":"data-scientist-imaging"}""", """{"requisitionId":"ml-engineer-platform"}"""], resent.Select(m => Encoding.UTF8.GetString(m.Body)).Order());
        Assert.DoesNotContain(resent, m => m.MessageId is "m-1" or "m-2");
        Assert.Single(_bus.DeadLetters["replies"]); // another queue, not asked for
    }

    [Fact]
    public async Task Replay_WhoseSendFails_LeavesTheMessageDeadLettered_AndSaysSo()
    {
        _bus.FailSends = true;

        var (exit, _, stderr) = await PipelineAsync("deadletters", "replay", "--queue", "shortlists", "--namespace", _bus.Address.ToString());

        Assert.Equal(1, exit);
        Assert.Contains("stays dead-lettered", stderr, StringComparison.Ordinal);
        Assert.Contains("500", stderr, StringComparison.Ordinal);
        Assert.Equal(2, _bus.DeadLetters["shortlists"].Count);
        Assert.All(_bus.DeadLetters["shortlists"], m => Assert.Null(m.LockToken));
        Assert.False(_bus.Queues.ContainsKey("shortlists") && _bus.Queues["shortlists"].Count > 0);
    }

    [Fact]
    public async Task Status_WithANamespace_CountsItsQueues_AndShowsWhyMessagesDied()
    {
        var data = Directory.CreateTempSubdirectory("pipeline-status-").FullName;
        try
        {
            var (exit, stdout, stderr) = await PipelineAsync("status", "--json", "--namespace", _bus.Address.ToString(), "--data", data);

            Assert.True(exit == 0, stderr);
            using var status = JsonDocument.Parse(stdout);
            var queues = status.RootElement.GetProperty("queues").EnumerateArray().ToDictionary(q => q.GetProperty("queue").GetString()!);
            Assert.Equal(2, queues["shortlists"].GetProperty("deadLettered").GetInt32());
            Assert.Equal(0, queues["shortlists"].GetProperty("active").GetInt32());
            Assert.Equal(1, queues["replies"].GetProperty("deadLettered").GetInt32());
            Assert.Contains(status.RootElement.GetProperty("lastErrors").EnumerateArray(), e => e.GetString() == "queue replies: MaxDeliveryCountExceeded ProcessReply answered 500");
            Assert.False(status.RootElement.GetProperty("mailSubscription").GetProperty("enabled").GetBoolean());
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(data, recursive: true);
        }
    }

    [Fact]
    public async Task FixedToken_IsRefusedForAnEndpointThatIsNotLoopback()
    {
        var (exit, _, stderr) = await PipelineAsync("deadletters", "list", "--namespace", "contoso-bus");
        Assert.Equal(1, exit);
        Assert.Contains("loopback test endpoints only", stderr, StringComparison.Ordinal);
    }

    private static async Task<(int Exit, string Stdout, string Stderr)> PipelineAsync(params string[] args)
    {
        var start = new ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "pipeline.dll"), .. args])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment["PIPELINE_SERVICEBUS_ACCESS_TOKEN"] = ServiceBusStandIn.Token;
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await stdout, await stderr);
    }
}
