using Microsoft.Extensions.Options;

namespace Pipeline.Functions.Hosting;

public sealed class HostingOptions
{
    /// <summary>The app folder holding host.json and the function folders (the host sets FUNCTIONS_APP_ROOT_PATH).</summary>
    public string AppRoot { get; set; } = AppContext.BaseDirectory;
}

/// <summary>
/// Pairs each function.json with the code that runs it, and refuses to start when they disagree: a declared function
/// without code, code without a declaration, or a trigger of the wrong type.
/// </summary>
public sealed class FunctionRegistry
{
    private readonly Dictionary<string, (FunctionMetadata Metadata, IPipelineFunction Function)> _functions = new(StringComparer.OrdinalIgnoreCase);

    public FunctionRegistry(IEnumerable<IPipelineFunction> functions, IOptions<HostingOptions> options)
    {
        var declared = FunctionCatalog.Load(options.Value.AppRoot).ToDictionary(f => f.Name, StringComparer.OrdinalIgnoreCase);
        var code = functions.ToDictionary(f => f.Name, StringComparer.OrdinalIgnoreCase);
        var problems = new List<string>();
        foreach (var name in declared.Keys.Except(code.Keys, StringComparer.OrdinalIgnoreCase))
        {
            problems.Add($"{name}/function.json has no handler class named {name}.");
        }

        foreach (var name in code.Keys.Except(declared.Keys, StringComparer.OrdinalIgnoreCase))
        {
            problems.Add($"handler {name} has no {name}/function.json in {options.Value.AppRoot}.");
        }

        foreach (var (name, metadata) in declared)
        {
            if (code.TryGetValue(name, out var function))
            {
                if (metadata.Trigger.Type != function.TriggerType)
                {
                    problems.Add($"{name}/function.json declares a {metadata.Trigger.Type}, but the handler takes a {function.TriggerType}.");
                }

                _functions[name] = (metadata, function);
            }
        }

        if (problems.Count > 0)
        {
            throw new InvalidOperationException("The function declarations and handlers disagree: " + string.Join(" ", problems));
        }
    }

    public IEnumerable<FunctionMetadata> Declarations => _functions.Values.Select(f => f.Metadata);

    public bool TryGet(string name, out FunctionMetadata metadata, out IPipelineFunction function)
    {
        var found = _functions.TryGetValue(name, out var entry);
        (metadata, function) = (entry.Metadata, entry.Function);
        return found;
    }
}
