using System.Net;
using System.Text.Json;

namespace Pipeline.Functions.Tests.Health;

/// <summary>The anonymous health endpoint, answered as an HTTP output object.</summary>
public sealed class HealthTests : IAsyncLifetime
{
    private RunningHandler _handler = null!;

    public async ValueTask InitializeAsync() => _handler = await RunningHandler.StartAsync();

    public async ValueTask DisposeAsync() => await _handler.DisposeAsync();

    [Fact]
    public async Task Health_HttpPayload_AnswersAnHttpOutputObject()
    {
        var (response, body) = await _handler.PostAsync("Health", RunningHandler.Fixture("http-invocation.json"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var res = body.GetProperty("Outputs").GetProperty("res");
        Assert.Equal(200, res.GetProperty("statusCode").GetInt32());
        using var inner = JsonDocument.Parse(res.GetProperty("body").GetString()!);
        Assert.Equal("healthy", inner.RootElement.GetProperty("status").GetString());
        Assert.Equal("application/json", res.GetProperty("headers").GetProperty("Content-Type").GetString());
    }
}
