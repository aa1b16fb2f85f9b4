using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;
using Azure.Core;
using Azure.Monitor.OpenTelemetry.AspNetCore;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.VisualBasic.FileIO;
using OpenTelemetry;
using OpenTelemetry.Logs;
using OpenTelemetry.Trace;
using Pipeline.Core.Messages;
using Pipeline.Core.Privacy;
using Pipeline.Testing;
using Pipeline.Functions.Hosting;

namespace Pipeline.Functions.Tests.Hosting;

/// <summary>
/// Traces and logs as Application Insights would receive them (the Azure Monitor distro configured, an in-memory
/// exporter beside its own): a span per invocation with its outgoing calls, and no candidate's email, name or phone
/// anywhere in what is exported.
/// </summary>
public sealed partial class TelemetryTests
{
    private readonly List<Activity> _collected = [];
    private readonly List<LogRecord> _logs = [];
    private int _handlerPort;

    /// <summary>The handler's spans: the Graph stand-in runs in this process too, and its own server spans are not ours.</summary>
    private List<Activity> _spans => [.. _collected.ToList().Where(s => s.Kind != ActivityKind.Server || Equals(s.GetTagItem("server.port"), _handlerPort))];

    [Fact]
    public async Task SamplePipeline_ThroughGraph_ExportsNoCandidatesEmailNameOrPhone()
    {
        await using var graph = await GraphStandIn.StartAsync();
        await using (var handler = await StartAsync(graph))
        {
            var ready = await handler.SendShortlistAsync();
            await handler.PostAsync("ProcessReply", RunningHandler.ServiceBusEnvelope("reply", new IncomingReply
            {
                InternetMessageId = "<reply-1@mail.contoso.example>",
                From = "dana.whitfield@contoso.example",
                Subject = "RE: " + graph.SendMails.Single().Body!["Message"]!["subject"]!.GetValue<string>(),
                Body = "Interview 1, pass on 2.",
                ReceivedAt = DateTimeOffset.UtcNow,
            }));
            Assert.True(ready.GetProperty("version").GetInt32() >= 1);
            handler.Services.GetRequiredService<TracerProvider>().ForceFlush();
        }

        var exported = Exported();
        Assert.Contains(_spans, s => s.DisplayName == "NotifyShortlist" && Equals(s.GetTagItem("pipeline.count.emails"), 1L));
        Assert.Contains(_spans, s => s.DisplayName == "ScreenCandidates" && ((string?)s.GetTagItem("pipeline.requisitions.marked"))?.Contains("ml-engineer-platform", StringComparison.Ordinal) == true);
        Assert.Contains(_spans, s => s.Kind == ActivityKind.Client); // the Graph and feed calls are there...
        var leaks = PersonalData().Where(p => exported.Contains(p, StringComparison.OrdinalIgnoreCase)).ToList();
        Assert.True(leaks.Count == 0, $"Exported telemetry holds personal data: {string.Join(", ", leaks.Take(5))}");
        Assert.True(PersonalData().Count > 100); // ...and the search looked for every sample candidate
    }

    [Fact]
    public async Task Invocation_HasASpan_WithFunctionTriggerOutcomeMessageIdAndDeliveryCount()
    {
        await using var graph = await GraphStandIn.StartAsync();
        await using (var handler = await StartAsync(graph))
        {
            await handler.PostAsync("BuildShortlist", RunningHandler.ServiceBusEnvelope("request", new ShortlistRequest { RequisitionId = "ml-engineer-platform" }, deliveryCount: 3));
        }

        var span = Assert.Single(_spans, s => s.DisplayName == "BuildShortlist");
        Assert.Equal("pubsub", span.GetTagItem("faas.trigger"));
        Assert.Equal("shortlists", span.GetTagItem("messaging.destination.name"));
        Assert.Equal(3, span.GetTagItem("messaging.servicebus.message.delivery_count"));
        Assert.Matches("^[0-9a-f-]{36}$", (string)span.GetTagItem("messaging.message.id")!);
        Assert.Equal("ml-engineer-platform", span.GetTagItem("pipeline.requisition"));
        Assert.Equal("succeeded", span.GetTagItem("pipeline.outcome"));
        Assert.NotNull(span.Parent); // under the request the host's call made
    }

    [Fact]
    public async Task OutgoingCalls_KeepOnlyTheirHost()
    {
        await using var graph = await GraphStandIn.StartAsync();
        await using (var handler = await StartAsync(graph))
        {
            await handler.SendShortlistAsync();
        }

        var calls = _spans.Where(s => s.Kind == ActivityKind.Client && s.GetTagItem("url.full") is string).ToList();
        Assert.NotEmpty(calls);
        Assert.All(calls, c => Assert.Matches(@"^https?://[^/]+/$", (string)c.GetTagItem("url.full")!));
        Assert.Contains(calls, c => ((string)c.GetTagItem("url.full")!).StartsWith(graph.BaseUrl.Split("/v1.0")[0], StringComparison.Ordinal));
    }

    private async Task<RunningHandler> StartAsync(GraphStandIn graph)
    {
        var handler = await RunningHandler.StartAsync(
            settings: RunningHandler.GraphSettings(graph, (PipelineTelemetry.ConnectionStringSetting,
                "InstrumentationKey=00000000-0000-0000-0000-000000000000;IngestionEndpoint=http://127.0.0.1:9/")),
            configure: builder =>
            {
                // Export nowhere real: a credential that hands out a dummy token, no offline storage on disk; and every
                // span kept (the distro samples by rate), so the search sees all there could be.
                builder.Services.Configure<AzureMonitorOptions>(o =>
                {
                    o.Credential = new DummyCredential();
                    o.DisableOfflineStorage = true;
                    o.TracesPerSecond = null;
                    o.SamplingRatio = 1.0F;
                });
                builder.Services.ConfigureOpenTelemetryTracerProvider(tracing => tracing.AddInMemoryExporter(_collected));
                builder.Logging.AddOpenTelemetry(logging =>
                {
                    logging.IncludeFormattedMessage = true;
                    logging.IncludeScopes = true;
                    logging.AddInMemoryExporter(_logs);
                });
            });
        _handlerPort = handler.Client.BaseAddress!.Port;
        return handler;
    }

    /// <summary>Everything a span or log record carries, as text.</summary>
    private string Exported()
    {
        var text = new StringBuilder();
        foreach (var span in _spans.ToList())
        {
            text.AppendLine(span.DisplayName).AppendLine(span.StatusDescription);
            foreach (var (key, value) in span.TagObjects)
            {
                text.Append(key).Append('=').AppendLine(value?.ToString());
            }

            foreach (var e in span.Events)
            {
                text.AppendLine(e.Name);
                foreach (var (key, value) in e.Tags)
                {
                    text.Append(key).Append('=').AppendLine(value?.ToString());
                }
            }
        }

        foreach (var log in _logs.ToList())
        {
            text.AppendLine(log.FormattedMessage).AppendLine(log.Body).AppendLine(log.Exception?.ToString());
            foreach (var (key, value) in log.Attributes ?? [])
            {
                text.Append(key).Append('=').AppendLine(value?.ToString());
            }

            log.ForEachScope((scope, sb) =>
            {
                foreach (var (key, value) in scope)
                {
                    sb.Append(key).Append('=').AppendLine(value?.ToString());
                }
            }, text);
        }

        return text.ToString();
    }

    /// <summary>Every sample candidate's email, name and phone (as written and as digits), read from the sample feeds.</summary>
    private static IReadOnlyList<string> PersonalData()
    {
        var found = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var feeds = Path.Combine(AppContext.BaseDirectory, "samples", "feeds");
        foreach (var file in Directory.EnumerateFiles(feeds, "*.csv"))
        {
            using var parser = new TextFieldParser(file) { TextFieldType = FieldType.Delimited, HasFieldsEnclosedInQuotes = true };
            parser.SetDelimiters(",");
            var header = parser.ReadFields()!.Select(h => h.Trim('\uFEFF').ToLowerInvariant()).ToList();
            while (!parser.EndOfData)
            {
                string[] row;
                try
                {
                    row = parser.ReadFields()!;
                }
                catch (MalformedLineException)
                {
                    // The samples' deliberately broken rows: their emails still count.
                    foreach (Match m in Email().Matches(parser.ErrorLine))
                    {
                        Add(m.Value);
                    }

                    continue;
                }

                foreach (var (column, value) in header.Zip(row))
                {
                    if (column.Contains("email", StringComparison.Ordinal) || column.Contains("name", StringComparison.Ordinal) ||
                        column.Contains("phone", StringComparison.Ordinal) || column.Contains("mobile", StringComparison.Ordinal))
                    {
                        Add(value);
                    }
                }
            }
        }

        foreach (var file in Directory.EnumerateFiles(feeds, "*.json"))
        {
            foreach (Match m in JsonPersonalField().Matches(File.ReadAllText(file)))
            {
                Add(m.Groups[1].Value);
            }
        }

        return [.. found];

        void Add(string value)
        {
            value = value.Trim();
            if (value.Length < 5 || !value.Any(char.IsLetterOrDigit))
            {
                return;
            }

            found.Add(value);
            if (value.StartsWith('+'))
            {
                found.Add("+" + new string([.. value.Where(char.IsAsciiDigit)])); // the normalised form
            }
        }
    }

    [GeneratedRegex(@"[\w.+-]+@[\w-]+(\.[\w-]+)+")]
    private static partial Regex Email();

    [GeneratedRegex("\"(?:name|email|phone)\"\\s*:\\s*\"([^\"]+)\"")]
    private static partial Regex JsonPersonalField();

    private sealed class DummyCredential : TokenCredential
    {
        public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken) => new("dummy", DateTimeOffset.MaxValue);

        public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
            ValueTask.FromResult(GetToken(requestContext, cancellationToken));
    }
}
