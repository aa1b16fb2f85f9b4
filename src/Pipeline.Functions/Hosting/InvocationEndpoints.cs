using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Pipeline.Core;
using Pipeline.Domain;

namespace Pipeline.Functions.Hosting;

/// <summary>The custom-handler protocol: <c>GET /</c> for readiness and <c>POST /{FunctionName}</c> per invocation.</summary>
public static class InvocationEndpoints
{
    private const string Ready = """{"status":"ready"}""";

    public static IEndpointRouteBuilder MapInvocations(this IEndpointRouteBuilder app)
    {
        // The host polls the root until anything answers; answer at once and cheaply (no serializer on the way).
        app.MapGet("/", () => TypedResults.Text(Ready, "application/json"));
        app.MapPost("/{functionName}", InvokeAsync);
        return app;
    }

    internal static async Task<Results<Ok<InvocationResponse>, ProblemHttpResult>> InvokeAsync(
        string functionName,
        HttpRequest request,
        FunctionRegistry registry,
        ILoggerFactory loggerFactory,
        CancellationToken cancellationToken)
    {
        if (!registry.TryGet(functionName, out var metadata, out var function))
        {
            return TypedResults.Problem($"There is no function named '{functionName}'.", statusCode: StatusCodes.Status404NotFound, title: "Unknown function");
        }

        InvocationRequest? envelope;
        try
        {
            envelope = await JsonSerializer.DeserializeAsync<InvocationRequest>(request.Body, cancellationToken: cancellationToken);
        }
        catch (JsonException e)
        {
            return BadEnvelope($"The body is not JSON: {e.Message}");
        }

        var trigger = metadata.Trigger;
        if (envelope?.Data is null)
        {
            return BadEnvelope("The body has no 'Data' object; the host sends {\"Data\": {...}, \"Metadata\": {...}}.");
        }

        if (!envelope.Data.TryGetValue(trigger.Name, out var triggerData) || triggerData.ValueKind is JsonValueKind.Null or JsonValueKind.Undefined)
        {
            return BadEnvelope($"'Data' has no '{trigger.Name}' entry, the {trigger.Type} binding of {metadata.Name}.");
        }

        var invocationId = request.Headers["X-Azure-Functions-InvocationId"].FirstOrDefault() ?? Guid.NewGuid().ToString();
        var context = new InvocationContext(metadata, invocationId, triggerData, envelope.Metadata ?? []);
        var logger = loggerFactory.CreateLogger("Pipeline.Functions." + metadata.Name);
        FunctionResult result;
        using (var activity = PipelineTelemetry.StartInvocation(context))
        using (logger.BeginScope(new Dictionary<string, object> { ["InvocationId"] = invocationId, ["FunctionName"] = metadata.Name }))
        {
            try
            {
                result = await function.InvokeAsync(context, cancellationToken);
                PipelineTelemetry.Succeeded(activity, result);
            }
            catch (InvalidInvocationException e)
            {
                PipelineTelemetry.Refused(activity);
                logger.LogWarning("{FunctionName} refused its input: {Reason}", metadata.Name, e.Message);
                return BadEnvelope(e.Message);
            }
            catch (RetryLaterException e)
            {
                PipelineTelemetry.RetryLater(activity);
                logger.LogWarning("{FunctionName} will be retried: {Reason}", metadata.Name, e.Message);
                return TypedResults.Problem(e.Message, statusCode: StatusCodes.Status503ServiceUnavailable, title: "In progress elsewhere; retry later");
            }
            catch (Exception e) when (PipelineTelemetry.Failed(activity, e))
            {
                throw; // never reached: Failed only marks the span
            }
        }

        return TypedResults.Ok(ToResponse(metadata, result));
    }

    private static InvocationResponse ToResponse(FunctionMetadata metadata, FunctionResult result)
    {
        var outputs = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        foreach (var (queue, messages) in result.Messages)
        {
            var binding = metadata.QueueOutput(queue)
                ?? throw new InvalidOperationException($"{metadata.Name} sent to queue '{queue}', but its function.json declares no output binding for that queue.");
            // An array makes one Service Bus message per element.
            outputs[binding.Name] = JsonSerializer.SerializeToElement(messages, DomainJson.Options);
        }

        if (result.Http is not null)
        {
            var binding = metadata.HttpOutput ?? throw new InvalidOperationException($"{metadata.Name} returned an HTTP response but declares no http output.");
            outputs[binding.Name] = JsonSerializer.SerializeToElement(result.Http);
        }

        return new InvocationResponse { Outputs = outputs, Logs = result.Logs, ReturnValue = result.Metrics };
    }

    private static ProblemHttpResult BadEnvelope(string detail) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status400BadRequest, title: "Invalid invocation");
}
