using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Pipeline.Core.Configuration;
using Pipeline.Core.Effects;
using Pipeline.Functions;
using Pipeline.Storage;

namespace Pipeline.Cli.LocalHost;

/// <summary>
/// The function app, started the way the Functions host starts it (its own HTTP server on a loopback port chosen at
/// start), so that the local host talks to it over the same protocol as in Azure.
/// </summary>
public sealed class HandlerServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private HandlerServer(WebApplication app, Uri baseAddress)
    {
        _app = app;
        BaseAddress = baseAddress;
    }

    public Uri BaseAddress { get; }

    /// <summary>The app's table store, for the run summary's count of what was sent.</summary>
    public ITableStore Tables => _app.Services.GetRequiredService<ITableStore>();

    public GraphOptions Graph => _app.Services.GetRequiredService<IOptions<GraphOptions>>().Value;

    public PipelineOptions Options => _app.Services.GetRequiredService<IOptions<PipelineOptions>>().Value;

    /// <summary>
    /// Starts the app. <paramref name="lease"/>, the run's lease, names the app's effect claims, so the next run can tell
    /// this one's claims from a live run's if this process is killed.
    /// </summary>
    public static async Task<HandlerServer> StartAsync(IReadOnlyDictionary<string, string?> settings, bool verbose, CancellationToken cancellationToken, RunLease? lease = null)
    {
        var (app, address) = await HandlerApp.StartOnLoopbackAsync(settings, builder =>
        {
            if (lease is not null)
            {
                builder.Services.AddSingleton<IEffectHolders>(lease);
            }

            // The pipeline command owns Ctrl+C; the embedded app must not take the signal for itself.
            builder.Services.AddSingleton<IHostLifetime, EmbeddedLifetime>();
            builder.Logging.ClearProviders();
            // The app's log goes to stderr, whatever its level: stdout is the command's own output (--json included).
            builder.Services.Configure<Microsoft.Extensions.Logging.Console.ConsoleLoggerOptions>(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
            if (verbose)
            {
                builder.Logging.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Information);
            }
            else
            {
                builder.Logging.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Warning);
                // The handler logs every unhandled exception once; the host reports dead letters itself.
                builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Critical);
            }
        }, cancellationToken);
        return new HandlerServer(app, address);
    }

    /// <summary>
    /// Starts the app for a command, or writes why it cannot start (a setting or configuration file, named in the
    /// message) and returns null; the command then exits with 2.
    /// </summary>
    public static async Task<HandlerServer?> TryStartAsync(IReadOnlyDictionary<string, string?> settings, bool verbose, TextWriter error, CancellationToken cancellationToken, RunLease? lease = null)
    {
        try
        {
            return await StartAsync(settings, verbose, cancellationToken, lease);
        }
        catch (Exception e) when (HandlerApp.StartRefusal(e) is { } problems)
        {
            await error.WriteLineAsync("The function app could not start:" + string.Concat(problems.Select(p => Environment.NewLine + "  " + p)));
            return null;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private sealed class EmbeddedLifetime : IHostLifetime
    {
        public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
