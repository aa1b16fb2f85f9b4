using System.CommandLine;
using System.Text.Json;
using Azure;
using Azure.Messaging.ServiceBus;
using Azure.Messaging.ServiceBus.Administration;
using Moq;
using Pipeline.Cli.Commands;
using Pipeline.Cli.ServiceBus;

namespace Pipeline.Cli.Tests.ServiceBus;

/// <summary>
/// <c>pipeline deadletters list|replay --namespace</c> and <c>status --namespace</c> on Azure.Messaging.ServiceBus,
/// whose clients are mocked (no Service Bus runs here): listing peeks and never locks; replay sends a copy with every
/// property and a fresh id, and completes the dead letter only after the send; a failed send leaves it dead-lettered.
/// </summary>
public sealed class ServiceBusDeadLetterTests
{
    private readonly Mock<ServiceBusClient> _client = new(MockBehavior.Strict);
    private readonly Mock<ServiceBusAdministrationClient> _administration = new(MockBehavior.Strict);
    private readonly Dictionary<string, Mock<ServiceBusReceiver>> _receivers = [];
    private readonly Dictionary<string, Mock<ServiceBusSender>> _senders = [];
    private readonly Dictionary<string, Queue<ServiceBusReceivedMessage>> _deadLetters = [];
    private readonly List<string> _calls = [];
    private readonly List<ServiceBusMessage> _sent = [];
    private readonly List<ServiceBusReceiverOptions> _receiverOptions = [];

    public ServiceBusDeadLetterTests()
    {
        DeadLetter("shortlists", "m-1", """{"requisitionId":"ml-engineer-platform"}""", "BuildShortlist answered 500", sequence: 11);
        DeadLetter("shortlists", "m-2", """{"requisitionId":"data-scientist-imaging"}""", "BuildShortlist answered 500", sequence: 12);
        DeadLetter("replies", "m-3", """{"internetMessageId":"<a@b>"}""", "ProcessReply answered 500", sequence: 13);
        _client.Setup(c => c.CreateReceiver(It.IsAny<string>(), It.IsAny<ServiceBusReceiverOptions>()))
            .Returns((string queue, ServiceBusReceiverOptions options) =>
            {
                _receiverOptions.Add(options);
                return Receiver(queue).Object;
            });
        _client.Setup(c => c.CreateSender(It.IsAny<string>())).Returns((string queue) => Sender(queue).Object);
        _client.Setup(c => c.DisposeAsync()).Returns(ValueTask.CompletedTask);
    }

    [Fact]
    public async Task List_PeeksEveryQueuesDeadLetters_WithTheirReasons_AndNeverLocksOne()
    {
        var (exit, stdout, stderr) = await PipelineAsync("deadletters", "list", "--namespace", "contoso-bus", "--json");

        Assert.True(exit == 0, stderr);
        using var listed = JsonDocument.Parse(stdout);
        var letters = listed.RootElement.EnumerateArray().ToList();
        Assert.Equal(["m-1", "m-2", "m-3"], letters.Select(l => l.GetProperty("messageId").GetString()).Order());
        Assert.All(letters, l => Assert.Equal("MaxDeliveryCountExceeded", l.GetProperty("reason").GetString()));
        Assert.Contains(letters, l => l.GetProperty("description").GetString() == "ProcessReply answered 500");
        Assert.All(_receiverOptions, o => Assert.Equal(SubQueue.DeadLetter, o.SubQueue));
        foreach (var receiver in _receivers.Values)
        {
            receiver.Verify(r => r.ReceiveMessageAsync(It.IsAny<TimeSpan?>(), It.IsAny<CancellationToken>()), Times.Never);
            receiver.Verify(r => r.ReceiveMessagesAsync(It.IsAny<int>(), It.IsAny<TimeSpan?>(), It.IsAny<CancellationToken>()), Times.Never);
            receiver.Verify(r => r.CompleteMessageAsync(It.IsAny<ServiceBusReceivedMessage>(), It.IsAny<CancellationToken>()), Times.Never);
            receiver.Verify(r => r.AbandonMessageAsync(It.IsAny<ServiceBusReceivedMessage>(), It.IsAny<IDictionary<string, object>>(), It.IsAny<CancellationToken>()), Times.Never);
        }
    }

    [Fact]
    public async Task Replay_SendsACopyWithEveryProperty_AndAFreshId_ThenCompletesTheDeadLetter()
    {
        var (exit, stdout, stderr) = await PipelineAsync("deadletters", "replay", "--queue", "shortlists", "--namespace", "contoso-bus");

        Assert.True(exit == 0, stderr);
        Assert.Contains("2 messages put back", stdout, StringComparison.Ordinal);
        Assert.Equal(["send m-1", "complete m-1", "send m-2", "complete m-2"], _calls);
        var copy = _sent[0];
        Assert.Equal("""{"requisitionId":"ml-engineer-platform"}""", copy.Body.ToString());
        Assert.Equal("application/json", copy.ContentType);
        Assert.Equal("corr-m-1", copy.CorrelationId);
        Assert.Equal("shortlist", copy.Subject);
        Assert.Equal("contoso", copy.ApplicationProperties["tenant"]);
        Assert.Equal(3, copy.ApplicationProperties["attempt"]);
        Assert.Equal("m-1", copy.ApplicationProperties[ServiceBusDeadLetters.ReplayedFrom]);
        Assert.DoesNotContain(_sent, m => m.MessageId is "m-1" or "m-2"); // duplicate detection would drop the old id
        Assert.Single(_deadLetters["replies"]); // another queue, not asked for
    }

    [Fact]
    public async Task Replay_WhoseSendFails_AbandonsTheDeadLetter_NeverCompletesIt_AndSaysSo()
    {
        Sender("shortlists").Setup(s => s.SendMessageAsync(It.IsAny<ServiceBusMessage>(), It.IsAny<CancellationToken>()))
            .ThrowsAsync(new ServiceBusException("The service is busy.", ServiceBusFailureReason.ServiceBusy));

        var (exit, _, stderr) = await PipelineAsync("deadletters", "replay", "--queue", "shortlists", "--namespace", "contoso-bus");

        Assert.Equal(1, exit);
        Assert.Contains("stays dead-lettered", stderr, StringComparison.Ordinal);
        Assert.Contains("busy", stderr, StringComparison.Ordinal);
        Assert.Equal(["abandon m-1"], _calls);
        Receiver("shortlists").Verify(r => r.CompleteMessageAsync(It.IsAny<ServiceBusReceivedMessage>(), It.IsAny<CancellationToken>()), Times.Never);
    }

    [Fact]
    public async Task Status_WithANamespace_CountsFromTheQueuesRuntimeProperties_AndShowsWhyMessagesDied()
    {
        _administration.Setup(a => a.GetQueueRuntimePropertiesAsync(It.IsAny<string>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync((string queue, CancellationToken _) => Response.FromValue(
                ServiceBusModelFactory.QueueRuntimeProperties(queue, activeMessageCount: queue == "candidates" ? 4 : 0, deadLetterMessageCount: _deadLetters.GetValueOrDefault(queue)?.Count ?? 0),
                Mock.Of<Response>()));
        var data = Directory.CreateTempSubdirectory("pipeline-status-").FullName;
        try
        {
            var (exit, stdout, stderr) = await PipelineAsync("status", "--json", "--namespace", "contoso-bus", "--data", data);

            Assert.True(exit == 0, stderr);
            using var status = JsonDocument.Parse(stdout);
            var queues = status.RootElement.GetProperty("queues").EnumerateArray().ToDictionary(q => q.GetProperty("queue").GetString()!);
            Assert.Equal(2, queues["shortlists"].GetProperty("deadLettered").GetInt32());
            Assert.Equal(4, queues["candidates"].GetProperty("active").GetInt32());
            Assert.Equal(1, queues["replies"].GetProperty("deadLettered").GetInt32());
            Assert.Contains(status.RootElement.GetProperty("lastErrors").EnumerateArray(), e => e.GetString() == "queue replies: MaxDeliveryCountExceeded ProcessReply answered 500");
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(data, recursive: true);
        }
    }

    [Fact]
    public async Task Count_WithoutTheRightToReadQueueProperties_CountsDeadLettersByPeeking()
    {
        _administration.Setup(a => a.GetQueueRuntimePropertiesAsync(It.IsAny<string>(), It.IsAny<CancellationToken>()))
            .ThrowsAsync(new UnauthorizedAccessException("Manage, EntityRead claims required for this operation."));
        await using var bus = new ServiceBusDeadLetters(_client.Object, _administration.Object);

        var (active, dead, capped) = await bus.CountAsync("shortlists", TestContext.Current.CancellationToken);

        Assert.Null(active);
        Assert.Equal(2, dead);
        Assert.False(capped);
    }

    [Theory]
    [InlineData("contoso-bus", "contoso-bus.servicebus.windows.net")]
    [InlineData("contoso-bus.servicebus.windows.net", "contoso-bus.servicebus.windows.net")]
    [InlineData("sb://contoso-bus.servicebus.windows.net/", "contoso-bus.servicebus.windows.net")]
    [InlineData("https://contoso-bus.servicebus.usgovcloudapi.net/", "contoso-bus.servicebus.usgovcloudapi.net")]
    public void FullyQualifiedNamespace_FromANameHostOrUrl_IsTheHost(string given, string expected) =>
        Assert.Equal(expected, ServiceBusDeadLetters.FullyQualifiedNamespace(given));

    private void DeadLetter(string queue, string id, string body, string description, long sequence)
    {
        var message = ServiceBusModelFactory.ServiceBusReceivedMessage(
            body: BinaryData.FromString(body), messageId: id, correlationId: "corr-" + id, subject: "shortlist", contentType: "application/json",
            properties: new Dictionary<string, object>
            {
                ["tenant"] = "contoso",
                ["attempt"] = 3,
                ["DeadLetterReason"] = "MaxDeliveryCountExceeded",
                ["DeadLetterErrorDescription"] = description,
            },
            deliveryCount: 10, sequenceNumber: sequence, enqueuedTime: new DateTimeOffset(2026, 12, 1, 9, 0, 0, TimeSpan.Zero));
        (_deadLetters.TryGetValue(queue, out var letters) ? letters : _deadLetters[queue] = new Queue<ServiceBusReceivedMessage>()).Enqueue(message);
    }

    /// <summary>A dead-letter receiver over the queue above: peeks from a sequence number, receives in order.</summary>
    private Mock<ServiceBusReceiver> Receiver(string queue)
    {
        if (_receivers.TryGetValue(queue, out var existing))
        {
            return existing;
        }

        var receiver = new Mock<ServiceBusReceiver>();
        var letters = _deadLetters.TryGetValue(queue, out var l) ? l : _deadLetters[queue] = new Queue<ServiceBusReceivedMessage>();
        receiver.Setup(r => r.PeekMessagesAsync(It.IsAny<int>(), It.IsAny<long?>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync((int max, long? from, CancellationToken _) =>
                (IReadOnlyList<ServiceBusReceivedMessage>)letters.Where(m => from is null || m.SequenceNumber >= from).Take(max).ToList());
        receiver.Setup(r => r.ReceiveMessageAsync(It.IsAny<TimeSpan?>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync(() => letters.TryPeek(out var next) && !_calls.Contains("abandon " + next.MessageId) ? next : null);
        receiver.Setup(r => r.CompleteMessageAsync(It.IsAny<ServiceBusReceivedMessage>(), It.IsAny<CancellationToken>()))
            .Callback((ServiceBusReceivedMessage m, CancellationToken _) =>
            {
                _calls.Add("complete " + m.MessageId);
                Assert.Same(m, letters.Dequeue());
            })
            .Returns(Task.CompletedTask);
        receiver.Setup(r => r.AbandonMessageAsync(It.IsAny<ServiceBusReceivedMessage>(), It.IsAny<IDictionary<string, object>>(), It.IsAny<CancellationToken>()))
            .Callback((ServiceBusReceivedMessage m, IDictionary<string, object> _, CancellationToken _) => _calls.Add("abandon " + m.MessageId))
            .Returns(Task.CompletedTask);
        receiver.Setup(r => r.DisposeAsync()).Returns(ValueTask.CompletedTask);
        return _receivers[queue] = receiver;
    }

    private Mock<ServiceBusSender> Sender(string queue)
    {
        if (_senders.TryGetValue(queue, out var existing))
        {
            return existing;
        }

        var sender = new Mock<ServiceBusSender>();
        sender.Setup(s => s.SendMessageAsync(It.IsAny<ServiceBusMessage>(), It.IsAny<CancellationToken>()))
            .Callback((ServiceBusMessage m, CancellationToken _) =>
            {
                _calls.Add("send " + m.ApplicationProperties[ServiceBusDeadLetters.ReplayedFrom]);
                _sent.Add(m);
            })
            .Returns(Task.CompletedTask);
        sender.Setup(s => s.DisposeAsync()).Returns(ValueTask.CompletedTask);
        return _senders[queue] = sender;
    }

    /// <summary>The commands as Program wires them, with the mocked clients in place of a namespace.</summary>
    private async Task<(int Exit, string Stdout, string Stderr)> PipelineAsync(params string[] args)
    {
        ServiceBusDeadLetters Connect(string ns)
        {
            Assert.Equal("contoso-bus", ns);
            return new ServiceBusDeadLetters(_client.Object, _administration.Object);
        }

        var root = new RootCommand { CliOptions.Config, CliOptions.Data, DeadLettersCommand.Create(Connect), StatusCommand.Create(Connect) };
        var (output, error) = (new StringWriter(), new StringWriter());
        var exit = await root.Parse(args).InvokeAsync(new InvocationConfiguration { Output = output, Error = error }, TestContext.Current.CancellationToken);
        return (exit, output.ToString(), error.ToString());
    }
}
