using Pipeline.Functions.Hosting;

namespace Pipeline.Functions.Tests.Hosting;

/// <summary>The reading of the app's <c>function.json</c> files: what the host is told, and the refusals that stop a start.</summary>
public sealed class FunctionCatalogTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "pipeline-tests", "catalog-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }

    private string Write(string function, string json)
    {
        Directory.CreateDirectory(Path.Combine(_root, function));
        File.WriteAllText(Path.Combine(_root, function, "function.json"), json);
        return _root;
    }

    [Fact]
    public void Load_TheShippedFunctions_ReadsEveryBindingTheHostUses()
    {
        var functions = FunctionCatalog.Load(AppContext.BaseDirectory).ToDictionary(f => f.Name);

        Assert.Equal(20, functions.Count);
        var health = functions["Health"];
        Assert.Equal((FunctionMetadata.HttpTrigger, "health"), (health.Trigger.Type, health.Trigger.Route));
        Assert.Equal(["get"], health.Trigger.Methods);
        Assert.NotNull(health.HttpOutput);
        Assert.Equal("candidates", functions["ScreenCandidates"].Trigger.QueueName);
        Assert.Equal(FunctionMetadata.TimerTrigger, functions["PollFeeds"].Trigger.Type);
        Assert.False(string.IsNullOrEmpty(functions["PollFeeds"].Trigger.Schedule));
        Assert.NotNull(functions["ReadFeed"].QueueOutput("candidates"));
    }

    [Fact]
    public void Load_PropertiesTheAppDoesNotUse_AreLeft_AndNullsAreAbsent()
    {
        var root = Write("Probe", """
            { "bindings": [ { "type": "httpTrigger", "direction": "in", "name": "req", "authLevel": "function", "route": null,
                              "methods": [ "get", "post" ], "extra": { "nested": [1, 2] } } ], "disabled": false }
            """);

        var binding = Assert.Single(Assert.Single(FunctionCatalog.Load(root)).Bindings);

        Assert.Equal(("httpTrigger", "in", "req", null), (binding.Type, binding.Direction, binding.Name, binding.Route));
        Assert.Equal(["get", "post"], binding.Methods);
    }

    [Theory]
    [InlineData("""{ "bindings": [ { "direction": "in", "name": "timer" } ] }""", "binding 1 has no \"type\"")]
    [InlineData("""{ "bindings": [ { "type": "timerTrigger", "direction": "in", "name": 3 } ] }""", "binding 1: \"name\" is not a string")]
    [InlineData("""{ "bindings": [ { "type": "httpTrigger", "direction": "in", "name": "req", "methods": "get" } ] }""", "\"methods\" is not an array of strings")]
    [InlineData("""{ "bindings": { "type": "timerTrigger" } }""", "\"bindings\" is not an array")]
    [InlineData("""[ ]""", "the document is not an object")]
    [InlineData("""{ "bindings": [ """, "is not valid function.json")]
    [InlineData("""{ "bindings": [ { "type": "timerTrigger", "direction": "in", "name": "a" }, { "type": "queueTrigger", "direction": "in", "name": "b" } ] }""", "must declare exactly one trigger binding")]
    [InlineData("""{ "bindings": [ { "type": "http", "direction": "out", "name": "res" } ] }""", "must declare exactly one trigger binding")]
    public void Load_ABrokenDeclaration_IsRefusedNamingItsFileAndTheProblem(string json, string problem)
    {
        var root = Write("Broken", json);

        var e = Assert.Throws<InvalidOperationException>(() => FunctionCatalog.Load(root));

        Assert.Contains(Path.Combine("Broken", "function.json"), e.Message, StringComparison.Ordinal);
        Assert.Contains(problem, e.Message, StringComparison.Ordinal);
    }
}
