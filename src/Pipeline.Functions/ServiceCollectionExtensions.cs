using Microsoft.Extensions.Options;
using Pipeline.Core;
using Pipeline.Core.Configuration;
using Pipeline.Functions.Hosting;

namespace Pipeline.Functions;

public static class ServiceCollectionExtensions
{
    /// <summary>The function app: the application core, the HTTP edge the Functions host talks to, and one handler per function.</summary>
    public static IServiceCollection AddPipelineFunctions(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddPipelineCore(configuration);
        services.AddProblemDetails();

        // Kestrel refuses a larger body (by its Content-Length, or while reading one sent in chunks) with a
        // BadHttpRequestException carrying 413, which the exception handler answers with that status instead of 500.
        services.AddOptions<Microsoft.AspNetCore.Server.Kestrel.Core.KestrelServerOptions>()
            .Configure<IOptions<PipelineOptions>>((kestrel, options) => kestrel.Limits.MaxRequestBodySize = options.Value.MaxRequestBytes);
        services.Configure<Microsoft.AspNetCore.Builder.ExceptionHandlerOptions>(o =>
            o.StatusCodeSelector = e => e is BadHttpRequestException bad ? bad.StatusCode : StatusCodes.Status500InternalServerError);
        services.AddOptions<HostingOptions>().Configure(o =>
        {
            // The Functions host says where the app lives; run by hand, it is the folder of this assembly.
            var root = configuration["FUNCTIONS_APP_ROOT_PATH"];
            if (!string.IsNullOrWhiteSpace(root))
            {
                o.AppRoot = root;
            }
        });

        // One handler per function folder; the registry checks each against its function.json at start.
        services.AddSingleton<IPipelineFunction, PollFeeds.PollFeeds>();
        services.AddSingleton<IPipelineFunction, ReadFeed.ReadFeed>();
        services.AddSingleton<IPipelineFunction, ScreenCandidates.ScreenCandidates>();
        services.AddSingleton<IPipelineFunction, ScheduleShortlists.ScheduleShortlists>();
        services.AddSingleton<IPipelineFunction, BuildShortlist.BuildShortlist>();
        services.AddSingleton<IPipelineFunction, NotifyShortlist.NotifyShortlist>();
        services.AddSingleton<IPipelineFunction, Health.Health>();
        services.AddSingleton<IPipelineFunction, TeamsTab.TeamsTab>();
        services.AddSingleton<IPipelineFunction, TeamsShortlist.TeamsShortlist>();
        services.AddSingleton<IPipelineFunction, Decision.Decision>();
        services.AddSingleton<IPipelineFunction, ProcessReply.ProcessReply>();
        services.AddSingleton<IPipelineFunction, CatchUpReplies.CatchUpReplies>();
        services.AddSingleton<IPipelineFunction, RemindHiringManagers.RemindHiringManagers>();
        services.AddSingleton<IPipelineFunction, MailWebhook.MailWebhook>();
        services.AddSingleton<IPipelineFunction, MailLifecycle.MailLifecycle>();
        services.AddSingleton<IPipelineFunction, SyncInbox.SyncInbox>();
        services.AddSingleton<IPipelineFunction, RenewMailSubscription.RenewMailSubscription>();
        services.AddSingleton<IPipelineFunction, VerifyCertifications.VerifyCertifications>();
        services.AddSingleton<IPipelineFunction, ReverifyCertifications.ReverifyCertifications>();
        services.AddSingleton<IPipelineFunction, RetentionSweep.RetentionSweep>();
        // The registry takes the functions' types (registered by type; read once every registration is in) and builds
        // each function on its first invocation, so a start constructs none of them.
        services.AddSingleton(sp => new FunctionRegistry(
            services.Where(d => d.ServiceType == typeof(IPipelineFunction) && !d.IsKeyedService).Select(d => d.ImplementationType).OfType<Type>().Distinct(),
            sp, sp.GetRequiredService<IOptions<HostingOptions>>()));
        return services;
    }
}
