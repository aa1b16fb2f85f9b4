using System.Diagnostics;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Pipeline.Functions.Hosting;

namespace Pipeline.Functions.Tests;

/// <summary><c>dotnet publish</c> of the function app yields a complete custom-handler app folder.</summary>
public sealed class PublishedAppTests : IAsyncLifetime
{
    private readonly string _output = Path.Combine(Path.GetTempPath(), "pipeline-tests", "publish-" + Guid.NewGuid().ToString("N"));

    public async ValueTask InitializeAsync()
    {
        var project = Path.Combine(RepositoryRoot(), "src", "Pipeline.Functions", "Pipeline.Functions.csproj");
        var start = new ProcessStartInfo("dotnet", ["publish", project, "-c", "Release", "-o", _output, "--nologo"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, $"dotnet publish failed:\n{await stdout}\n{await stderr}");
    }

    public ValueTask DisposeAsync()
    {
        try
        {
            Directory.Delete(_output, recursive: true);
        }
        catch (IOException)
        {
            // Harmless leftover in the temp folder.
        }

        return ValueTask.CompletedTask;
    }

    [Fact]
    public async Task PublishedFolder_IsACompleteCustomHandlerApp_WhoseDeclarationsMatchTheHandlers()
    {
        using var host = JsonDocument.Parse(File.ReadAllText(Path.Combine(_output, "host.json")));
        var description = host.RootElement.GetProperty("customHandler").GetProperty("description");
        Assert.Equal("dotnet", description.GetProperty("defaultExecutablePath").GetString());
        var entry = description.GetProperty("arguments")[0].GetString()!;
        Assert.True(File.Exists(Path.Combine(_output, entry)), $"host.json starts {entry}, which is not in the published folder");
        Assert.True(File.Exists(Path.Combine(_output, Path.ChangeExtension(entry, ".runtimeconfig.json"))));
        Assert.StartsWith("[4.", host.RootElement.GetProperty("extensionBundle").GetProperty("version").GetString(), StringComparison.Ordinal);

        var declared = FunctionCatalog.Load(_output);
        Assert.Equal(["BuildShortlist", "CatchUpReplies", "Decision", "Health", "MailLifecycle", "MailWebhook", "NotifyShortlist", "PollFeeds", "ProcessReply", "ReadFeed", "RemindHiringManagers", "RenewMailSubscription", "ScheduleShortlists", "ScreenCandidates", "SyncInbox", "TeamsTab"], declared.Select(f => f.Name).Order());

        // The handler's route table: every registered function, with the trigger its code takes.
        await using var handler = await RunningHandler.StartAsync(settings: new Dictionary<string, string?> { ["FUNCTIONS_APP_ROOT_PATH"] = _output });
        var functions = handler.Services.GetServices<IPipelineFunction>().ToDictionary(f => f.Name);
        Assert.Equal(declared.Select(f => f.Name).Order(), functions.Keys.Order());
        foreach (var function in declared)
        {
            Assert.Equal(functions[function.Name].TriggerType, function.Trigger.Type);
        }
    }

    private static string RepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Pipeline.sln")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new InvalidOperationException("Pipeline.sln not found above " + AppContext.BaseDirectory);
    }
}
