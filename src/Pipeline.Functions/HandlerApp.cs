using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Pipeline.Core.Configuration;
using Pipeline.Functions.Hosting;

namespace Pipeline.Functions;

/// <summary>Builds the custom handler: the Functions host's HTTP peer.</summary>
public static class HandlerApp
{
    /// <param name="args">Command-line arguments (configuration overrides such as <c>--Pipeline:DataDirectory=...</c>).</param>
    /// <param name="configure">Lets a caller (the local host, tests) adjust configuration and logging before the build.</param>
    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        // The slim builder leaves out what a loopback HTTP peer of the Functions host never uses (HTTPS and QUIC set-up,
        // host filtering, the EventSource and debug loggers) and starts faster for it (#20); console logging stays.
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });

        // The host picks the port and passes it in FUNCTIONS_CUSTOMHANDLER_PORT; listen on loopback only.
        if (builder.Configuration["FUNCTIONS_CUSTOMHANDLER_PORT"] is { Length: > 0 } port)
        {
            builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        }

        configure?.Invoke(builder);

        // The settings are complete: read the configuration files while the host builds itself.
        var loading = PipelineConfiguration.BeginLoad(builder.Configuration);
        builder.Services.AddPipelineFunctions(builder.Configuration);
        builder.Services.AddPipelineTelemetry(builder.Configuration);
        builder.Services.AddSingleton(services => loading.GetAwaiter().GetResult() ?? ActivatorUtilities.CreateInstance<PipelineConfiguration>(services));

        var app = builder.Build();

        // Checked before the first answer, side by side (each scale-out pays for them): the configuration files, the
        // function declarations and the settings. A bad one stops the start with a clear message. The tables are
        // created meanwhile; the host's start waits for them.
        _ = app.Services.GetRequiredService<Pipeline.Core.StoreInitializer>().BeginAsync();
        var configuration = Task.Run(app.Services.GetRequiredService<PipelineConfiguration>);
        var registry = Task.Run(app.Services.GetRequiredService<FunctionRegistry>);
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.MapInvocations();
        var graph = Check(() => _ = app.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<GraphOptions>>().Value);
        var teams = Check(() => _ = app.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<TeamsOptions>>().Value);
        try
        {
            Task.WaitAll(configuration, registry);
        }
        catch (AggregateException)
        {
            // Each is looked at below.
        }

        // The first refusal in a fixed order, as if they had been checked one after the other.
        foreach (var failure in new[] { registry.Exception?.InnerException, configuration.Exception?.InnerException, graph, teams })
        {
            if (failure is not null)
            {
                System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(failure);
            }
        }

        return app;
    }

    private static Exception? Check(Action check)
    {
        try
        {
            check();
            return null;
        }
        catch (Exception e)
        {
            return e;
        }
    }

    /// <summary>
    /// Why the app could not start, one line per problem (each bad setting or configuration file named), when
    /// <paramref name="exception"/> is a start-up refusal; null for anything else, which is a bug to show in full.
    /// </summary>
    public static IReadOnlyList<string>? StartRefusal(Exception exception) => Core.Configuration.StartRefusal.Problems(exception);

    /// <summary>
    /// Builds and starts the handler on a free loopback port, with the given settings on top of the usual sources,
    /// as the local host and the tests run it. Returns the app and the address it listens on.
    /// </summary>
    public static async Task<(WebApplication App, Uri Address)> StartOnLoopbackAsync(
        IReadOnlyDictionary<string, string?> settings, Action<WebApplicationBuilder>? configure = null, CancellationToken cancellationToken = default)
    {
        var app = Build([], builder =>
        {
            builder.Configuration.AddInMemoryCollection(settings);
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            configure?.Invoke(builder);
        });
        await app.StartAsync(cancellationToken);
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        return (app, new Uri(address.TrimEnd('/') + "/"));
    }
}
