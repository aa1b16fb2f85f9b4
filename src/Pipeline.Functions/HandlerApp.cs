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
        // The configuration's contracts are built by reflection; build them beside the host instead of after it.
        _ = PipelineConfiguration.PrepareAsync();
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });

        // The host picks the port and passes it in FUNCTIONS_CUSTOMHANDLER_PORT; listen on loopback only.
        if (builder.Configuration["FUNCTIONS_CUSTOMHANDLER_PORT"] is { Length: > 0 } port)
        {
            builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        }

        configure?.Invoke(builder);
        builder.Services.AddPipelineFunctions(builder.Configuration);
        builder.Services.AddPipelineTelemetry(builder.Configuration);

        var app = builder.Build();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.MapInvocations();

        // The tables are created while the settings and declarations are checked; the host's start waits for them.
        _ = app.Services.GetRequiredService<Pipeline.Core.StoreInitializer>().BeginAsync();

        // Resolve now: a bad function.json, setting or configuration file stops the start with a clear message.
        _ = app.Services.GetRequiredService<FunctionRegistry>();
        _ = app.Services.GetRequiredService<PipelineConfiguration>();
        _ = app.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<GraphOptions>>().Value;
        _ = app.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<TeamsOptions>>().Value;
        return app;
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
