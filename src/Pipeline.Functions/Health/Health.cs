using System.Text.Json;
using Pipeline.Core;
using Pipeline.Core.Configuration;
using Pipeline.Functions.Hosting;
using Pipeline.Storage;

namespace Pipeline.Functions.Health;

/// <summary>HTTP GET <c>/api/health</c>: whether the store answers, and what is configured.</summary>
public sealed class Health(ITableStore store, PipelineConfiguration configuration) : HttpFunction
{
    protected override async Task<FunctionResult> RunAsync(HttpTriggerRequest request, CancellationToken cancellationToken)
    {
        var storeOk = true;
        try
        {
            await store.GetTable(Tables.Feeds).GetAsync("health", "probe", cancellationToken);
        }
        catch (Azure.RequestFailedException)
        {
            storeOk = false;
        }

        var body = JsonSerializer.Serialize(new
        {
            status = storeOk ? "healthy" : "unhealthy",
            store = storeOk ? "ok" : "unreachable",
            feeds = configuration.Feeds.Count,
            requisitions = configuration.Requisitions.Count,
        });
        return new FunctionResult
        {
            Http = new HttpOutput(storeOk ? 200 : 503, body, new Dictionary<string, string> { ["Content-Type"] = "application/json" }),
        };
    }
}
