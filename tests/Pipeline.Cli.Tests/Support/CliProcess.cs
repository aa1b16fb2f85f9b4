using System.Diagnostics;

namespace Pipeline.Cli.Tests.Support;

/// <summary>The built <c>pipeline</c> command as a process of its own, as an admin runs it.</summary>
internal static class CliProcess
{
    public static ProcessStartInfo StartInfo(params string[] args) =>
        new("dotnet", [Path.Combine(AppContext.BaseDirectory, "pipeline.dll"), .. args])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };

    /// <summary>Runs it to the end; answers its exit code and what it printed.</summary>
    public static async Task<(int Exit, string Stdout, string Stderr)> RunAsync(params string[] args)
    {
        using var process = Process.Start(StartInfo(args))!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await stdout, await stderr);
    }
}
