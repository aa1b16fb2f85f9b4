using System.CommandLine;

namespace Pipeline.Cli.Commands;

/// <summary>Options every command takes.</summary>
internal static class CliOptions
{
    public static Option<DirectoryInfo> Config { get; } = new("--config")
    {
        Description = "Folder with feeds.json and requisitions.json",
        HelpName = "dir",
        Recursive = true,
        DefaultValueFactory = _ => new DirectoryInfo(Path.Combine(AppContext.BaseDirectory, "samples")),
    };

    public static Option<DirectoryInfo> Data { get; } = new("--data")
    {
        Description = "Folder for the embedded store, local queues and outbox",
        HelpName = "dir",
        Recursive = true,
        DefaultValueFactory = _ => new DirectoryInfo(".pipeline"),
    };

    public static Option<bool> Json { get; } = new("--json")
    {
        Description = "Print the result as JSON",
    };

    /// <summary>An Azure Service Bus namespace to work on instead of the local host's queues.</summary>
    public static Option<string?> ServiceBusNamespace { get; } = new("--namespace")
    {
        Description = "A Service Bus namespace (name, host or URL) to work on instead of the local queues; default: ServiceBusConnection__fullyQualifiedNamespace",
        HelpName = "namespace",
        DefaultValueFactory = _ => Environment.GetEnvironmentVariable("ServiceBusConnection__fullyQualifiedNamespace"),
    };

    public static string QueueDatabase(DirectoryInfo data) => Path.Combine(data.FullName, "host-queues.db");

    /// <summary>The settings every command starts the function app with: its configuration and data folders and its app root.</summary>
    public static Dictionary<string, string?> AppSettings(DirectoryInfo config, DirectoryInfo data) => new()
    {
        ["Pipeline:ConfigDirectory"] = config.FullName,
        ["Pipeline:DataDirectory"] = data.FullName,
        ["FUNCTIONS_APP_ROOT_PATH"] = AppContext.BaseDirectory,
    };

    public static Dictionary<string, string?> AppSettings(ParseResult parse) => AppSettings(parse.GetValue(Config)!, parse.GetValue(Data)!);
}
