using Microsoft.Extensions.Options;

namespace Pipeline.Functions.Hosting;

public sealed class HostingOptions
{
    /// <summary>The app folder holding host.json and the function folders (the host sets FUNCTIONS_APP_ROOT_PATH).</summary>
    public string AppRoot { get; set; } = AppContext.BaseDirectory;
}

/// <summary>
/// Pairs each function.json with the code that runs it, and refuses to start when they disagree: a declared function
/// without code, code without a declaration, or a trigger of the wrong type. The check goes by the functions' types;
/// each function, with the stores and clients it needs, is built on its first invocation, not before the first answer.
/// </summary>
public sealed class FunctionRegistry
{
    private readonly Dictionary<string, (FunctionMetadata Metadata, Lazy<IPipelineFunction> Function)> _functions = new(StringComparer.OrdinalIgnoreCase);

    /// <param name="functions">The function types (a type's name is its function's name).</param>
    /// <param name="services">Builds a function, with what its constructor takes, when it is first invoked.</param>
    public FunctionRegistry(IEnumerable<Type> functions, IServiceProvider services, IOptions<HostingOptions> options)
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
            if (code.TryGetValue(name, out var type))
            {
                var function = new Lazy<IPipelineFunction>(() => (IPipelineFunction)ActivatorUtilities.CreateInstance(services, type));
                var trigger = TriggerTypeOf(type) ?? function.Value.TriggerType;
                if (metadata.Trigger.Type != trigger)
                {
                    problems.Add($"{name}/function.json declares a {metadata.Trigger.Type}, but the handler takes a {trigger}.");
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
        metadata = entry.Metadata;
        function = found ? entry.Function.Value : null!;
        return found;
    }

    /// <summary>The trigger a function type takes, known from its base class; null for other implementations.</summary>
    internal static string? TriggerTypeOf(Type type)
    {
        for (var t = type.BaseType; t is not null; t = t.BaseType)
        {
            if (t == typeof(TimerFunction))
            {
                return FunctionMetadata.TimerTrigger;
            }

            if (t == typeof(HttpFunction))
            {
                return FunctionMetadata.HttpTrigger;
            }

            if (t.IsGenericType && t.GetGenericTypeDefinition() == typeof(QueueFunction<>))
            {
                return FunctionMetadata.ServiceBusTrigger;
            }
        }

        return null;
    }
}
