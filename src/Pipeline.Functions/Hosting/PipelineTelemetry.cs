using System.Diagnostics;
using Azure.Identity;
using Azure.Monitor.OpenTelemetry.AspNetCore;
using OpenTelemetry;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using Pipeline.Core.Messages;

namespace Pipeline.Functions.Hosting;

/// <summary>
/// Traces: a span per invocation (function, trigger, outcome, message id, delivery count, what the message is about
/// and what the invocation counted), with the outgoing HTTP calls (Graph, Table storage, feeds, badge hosts) as its
/// children. Exported to Application Insights, with the app's Entra identity (local authentication stays off), when
/// <c>APPLICATIONINSIGHTS_CONNECTION_STRING</c> is set. Outgoing calls keep only their host: paths carry mailbox
/// addresses, credential links and table keys.
/// </summary>
public static class PipelineTelemetry
{
    public const string SourceName = "Pipeline.Functions";

    public const string ConnectionStringSetting = "APPLICATIONINSIGHTS_CONNECTION_STRING";

    private static readonly ActivitySource Source = new(SourceName);

    public static IServiceCollection AddPipelineTelemetry(this IServiceCollection services, IConfiguration configuration)
    {
        // Without a destination nothing listens: no span is even created (StartActivity answers null).
        if (configuration[ConnectionStringSetting] is not { Length: > 0 } connectionString)
        {
            return services;
        }

        var clientId = configuration["Pipeline:ManagedIdentityClientId"];
        services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService("pipeline-functions"))
            .WithTracing(tracing => tracing.AddSource(SourceName).AddProcessor(new HostOnlyUrls()))
            .UseAzureMonitor(monitor =>
            {
                monitor.ConnectionString = connectionString;
                monitor.Credential = string.IsNullOrWhiteSpace(clientId)
                    ? new DefaultAzureCredential()
                    : new ManagedIdentityCredential(ManagedIdentityId.FromUserAssignedClientId(clientId));
            });
        return services;
    }

    /// <summary>Starts the span of one invocation; null when nothing listens.</summary>
    internal static Activity? StartInvocation(InvocationContext context)
    {
        var activity = Source.StartActivity(context.Function.Name, ActivityKind.Internal);
        if (activity is null)
        {
            return null;
        }

        var trigger = context.Function.Trigger;
        activity.SetTag("faas.invocation_id", context.InvocationId);
        activity.SetTag("faas.trigger", trigger.Type switch
        {
            FunctionMetadata.ServiceBusTrigger => "pubsub",
            FunctionMetadata.TimerTrigger => "timer",
            FunctionMetadata.HttpTrigger => "http",
            _ => "other",
        });
        activity.SetTag("pipeline.function", context.Function.Name);
        if (trigger.QueueName is { } queue)
        {
            activity.SetTag("messaging.system", "servicebus");
            activity.SetTag("messaging.destination.name", queue);
            activity.SetTag("messaging.message.id", MetadataValues.GetString(context.Metadata, "MessageId"));
            activity.SetTag("messaging.servicebus.message.delivery_count", MetadataValues.GetInt32(context.Metadata, "DeliveryCount"));
        }

        return activity;
    }

    /// <summary>Tags the current invocation's span with what its message is about.</summary>
    internal static void Describe(object message)
    {
        if (message is ITracedMessage traced)
        {
            foreach (var (key, value) in traced.TraceTags())
            {
                TagInvocation(key, value);
            }
        }
    }

    /// <summary>Lets a trace follow a shortlist back to the pages and checks that changed its requisition.</summary>
    internal static void TagRequisitionsMarked(IReadOnlyList<string> requisitionIds) =>
        TagInvocation("pipeline.requisitions.marked", requisitionIds.Count > 0 ? string.Join(',', requisitionIds) : null);

    /// <summary>Adds an id or count to the current invocation's span, if it is traced.</summary>
    internal static void TagInvocation(string key, object? value)
    {
        if (value is not null && Activity.Current is { Source.Name: SourceName } activity)
        {
            activity.SetTag(key, value);
        }
    }

    internal static void Succeeded(Activity? activity, FunctionResult result)
    {
        if (activity is null)
        {
            return;
        }

        foreach (var (metric, value) in result.Metrics)
        {
            activity.SetTag("pipeline.count." + metric, value);
        }

        if (result.Http is { } http)
        {
            activity.SetTag("http.response.status_code", http.StatusCode);
        }

        activity.SetTag("pipeline.outcome", "succeeded");
    }

    internal static void Refused(Activity? activity)
    {
        activity?.SetTag("pipeline.outcome", "refused");
        activity?.SetStatus(ActivityStatusCode.Error, "The input was refused; the host retries, then dead-letters.");
    }

    internal static void RetryLater(Activity? activity) => activity?.SetTag("pipeline.outcome", "retry");

    /// <summary>Marks the span failed with the exception's type only (messages may quote data). Never catches.</summary>
    internal static bool Failed(Activity? activity, Exception exception)
    {
        activity?.SetTag("pipeline.outcome", "failed");
        activity?.SetTag("error.type", exception.GetType().FullName);
        activity?.SetStatus(ActivityStatusCode.Error, exception.GetType().Name);
        return false;
    }

    /// <summary>Outgoing calls keep scheme, host and port: their paths and queries can name people or hold keys.</summary>
    private sealed class HostOnlyUrls : BaseProcessor<Activity>
    {
        public override void OnEnd(Activity activity)
        {
            if (activity.Kind != ActivityKind.Client)
            {
                return;
            }

            foreach (var name in (string[])["url.full", "http.url"])
            {
                if (activity.GetTagItem(name) is string url && Uri.TryCreate(url, UriKind.Absolute, out var uri))
                {
                    activity.SetTag(name, uri.GetLeftPart(UriPartial.Authority) + "/");
                }
            }

            activity.SetTag("url.path", null);
            activity.SetTag("url.query", null);
            activity.SetTag("http.target", null);
        }
    }
}
