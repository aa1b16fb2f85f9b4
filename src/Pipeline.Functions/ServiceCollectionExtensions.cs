using Microsoft.Extensions.DependencyInjection.Extensions;
using Azure.Identity;
using Microsoft.Extensions.Options;
using Pipeline.Functions.Configuration;
using Pipeline.Functions.Delivery;
using Pipeline.Functions.Feeds;
using Pipeline.Functions.Functions.BuildShortlist;
using Pipeline.Functions.Functions.Health;
using Pipeline.Functions.Functions.NotifyShortlist;
using Pipeline.Functions.Functions.PollFeeds;
using Pipeline.Functions.Functions.ReadFeed;
using Pipeline.Functions.Functions.ScheduleShortlists;
using Pipeline.Functions.Functions.ScreenCandidates;
using Pipeline.Functions.Hosting;
using Pipeline.Functions.Stores;
using Pipeline.Storage;
using Pipeline.Storage.AzureTables;
using Pipeline.Storage.Sqlite;

namespace Pipeline.Functions;

public static class ServiceCollectionExtensions
{
    public static IServiceCollection AddPipelineFunctions(this IServiceCollection services, IConfiguration configuration)
    {
        services.TryAddSingleton(TimeProvider.System); // a caller (tests) may bring its own clock
        services.AddProblemDetails();

        services.AddOptions<PipelineOptions>().Bind(configuration.GetSection(PipelineOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<PipelineOptions>, PipelineOptionsValidator>();

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

        services.AddSingleton<ITableStore>(sp =>
        {
            var options = sp.GetRequiredService<IOptions<PipelineOptions>>().Value;
            var store = CreateTableStore(options, sp.GetRequiredService<TimeProvider>());
            return options.TablePrefix.Length == 0 ? store : new PrefixedTableStore(store, options.TablePrefix);
        });
        services.AddSingleton<StoreInitializer>(); // HandlerApp begins it early; the host's start waits for it
        services.AddHostedService(sp => sp.GetRequiredService<StoreInitializer>());
        services.AddSingleton<CandidateStore>();
        services.AddSingleton<QuarantineStore>();
        services.AddSingleton<FeedStateStore>();
        services.AddSingleton<ShortlistStore>();
        services.AddSingleton<EffectLedger>();
        services.AddSingleton<PipelineConfiguration>();
        services.AddSingleton<FeedReader>(); // one instance, so feed OAuth tokens are cached across invocations
        services.AddHttpClient<FeedOpener>(client => client.Timeout = Timeout.InfiniteTimeSpan) // each feed sets its own limit
            // Redirects are followed by hand, within the feed's origin only; every connection is checked by the outbound policy.
            .ConfigurePrimaryHttpMessageHandler(sp => CreateFeedHandler(sp.GetRequiredService<IOptions<PipelineOptions>>().Value));
        services.AddOptions<GraphOptions>().Bind(configuration.GetSection(GraphOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<GraphOptions>, GraphOptionsValidator>();
        services.AddSingleton<OutboxChannel>();
        services.AddSingleton(sp => PipelineGraphClient.Create(sp.GetRequiredService<IOptions<GraphOptions>>().Value));
        services.AddSingleton<IDeliveryChannel>(sp =>
        {
            var graph = sp.GetRequiredService<IOptions<GraphOptions>>();
            return graph.Value.IsConfigured
                ? new GraphDeliveryChannel(
                    sp.GetRequiredService<Microsoft.Graph.GraphServiceClient>(), graph, sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<GraphDeliveryChannel>>(),
                    sp.GetRequiredService<TeamsAppInstaller>())
                : sp.GetRequiredService<OutboxChannel>();
        });
        services.AddSingleton<TeamsAppInstaller>();
        services.AddSingleton<Mail.IInbox>(sp => sp.GetRequiredService<IOptions<GraphOptions>>().Value.IsConfigured
            ? new Mail.GraphInbox(sp.GetRequiredService<Microsoft.Graph.GraphServiceClient>(), sp.GetRequiredService<IOptions<GraphOptions>>())
            : new Mail.NoInbox());
        services.AddSingleton<MailboxStateStore>();
        services.AddSingleton<Mail.InboxSync>();

        services.AddSingleton<IPipelineFunction, PollFeeds>();
        services.AddSingleton<IPipelineFunction, ReadFeed>();
        services.AddSingleton<IPipelineFunction, ScreenCandidates>();
        services.AddSingleton<IPipelineFunction, ScheduleShortlists>();
        services.AddSingleton<IPipelineFunction, BuildShortlist>();
        services.AddSingleton<IPipelineFunction, NotifyShortlist>();
        services.AddSingleton<IPipelineFunction, Health>();
        services.AddSingleton<IPipelineFunction, Functions.TeamsTab.TeamsTab>();
        services.AddSingleton<IPipelineFunction, Functions.TeamsShortlist.TeamsShortlist>();
        services.AddOptions<TeamsOptions>().Bind(configuration.GetSection(TeamsOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<TeamsOptions>, TeamsOptionsValidator>();
        services.AddHttpClient(nameof(Teams.TeamsTokenValidator), client => client.Timeout = TimeSpan.FromSeconds(30));
        services.AddSingleton<Teams.TeamsTokenValidator>();
        services.AddSingleton<IPipelineFunction, Functions.Decision.Decision>();
        services.AddSingleton<IPipelineFunction, Functions.ProcessReply.ProcessReply>();
        services.AddSingleton<IPipelineFunction, Functions.CatchUpReplies.CatchUpReplies>();
        services.AddSingleton<IPipelineFunction, Functions.RemindHiringManagers.RemindHiringManagers>();
        services.AddSingleton<IPipelineFunction, Functions.MailWebhook.MailWebhook>();
        services.AddSingleton<IPipelineFunction, Functions.MailLifecycle.MailLifecycle>();
        services.AddSingleton<IPipelineFunction, Functions.SyncInbox.SyncInbox>();
        services.AddSingleton<IPipelineFunction, Functions.RenewMailSubscription.RenewMailSubscription>();
        services.AddSingleton<Mail.MailSubscriptions>();
        services.AddSingleton<DecisionStore>();
        services.AddSingleton<AuditStore>();
        services.AddSingleton<Decisions.DecisionLinkFactory>();
        services.AddSingleton<VerificationStore>();
        services.AddSingleton<PoolStore>();
        services.AddSingleton<SuppressionStore>();
        services.AddSingleton<Privacy.PersonalData>();
        services.AddSingleton<Shortlists.ShortlistPools>();
        services.AddSingleton<Certifications.CertificationChecker>();
        services.AddSingleton(sp => CreateCredentialVerifier(
            sp.GetRequiredService<IOptions<PipelineOptions>>().Value, sp.GetRequiredService<PipelineConfiguration>().Catalogue, sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<IPipelineFunction, Functions.VerifyCertifications.VerifyCertifications>();
        services.AddSingleton<IPipelineFunction, Functions.ReverifyCertifications.ReverifyCertifications>();
        services.AddSingleton<IPipelineFunction, Functions.RetentionSweep.RetentionSweep>();
        // The registry takes the functions' types (registered by type; read once every registration is in) and builds
        // each function on its first invocation, so a start constructs none of them.
        services.AddSingleton(sp => new FunctionRegistry(
            services.Where(d => d.ServiceType == typeof(IPipelineFunction) && !d.IsKeyedService).Select(d => d.ImplementationType).OfType<Type>().Distinct(),
            sp, sp.GetRequiredService<IOptions<HostingOptions>>()));
        return services;
    }

    /// <summary>
    /// One verifier per kind of credential, each with its own allowed hosts; the fetchers cache answers for ten
    /// minutes, since many credentials share a badge class, an issuer profile and its keys.
    /// </summary>
    public static Certifications.CredentialVerifier CreateCredentialVerifier(PipelineOptions options, Domain.Certifications.CertificationCatalogue catalogue, TimeProvider time)
    {
        var testHosts = PipelineOptions.SplitList(options.CredentialTestHosts);
        Certifications.SafeFetcher Fetcher(string hosts) => new(new Certifications.SafeFetchPolicy
        {
            AllowedHosts = PipelineOptions.SplitList(hosts), TestHosts = testHosts, CacheDuration = TimeSpan.FromMinutes(10),
        }, time);
        return new Certifications.CredentialVerifier(
            [
                new Certifications.MicrosoftLearnVerifier(Fetcher(options.MicrosoftLearnHosts), catalogue, time),
                new Certifications.OpenBadgesVerifier(Fetcher(options.OpenBadgesHosts), catalogue, time),
            ],
            time);
    }

    /// <summary>The feeds' HTTP handler: no internal addresses, loopback only for the test hosts in Pipeline:FeedTestHosts.</summary>
    public static SocketsHttpHandler CreateFeedHandler(PipelineOptions options) =>
        new Outbound.OutboundPolicy(PipelineOptions.SplitList(options.FeedTestHosts)).CreateHandler();

    /// <summary>Azure Table storage when an endpoint or connection string is configured; otherwise the embedded SQLite store.</summary>
    private static ITableStore CreateTableStore(PipelineOptions options, TimeProvider time)
    {
        if (!string.IsNullOrWhiteSpace(options.TableConnectionString))
        {
            return new AzureTableStore(options.TableConnectionString);
        }

        if (!string.IsNullOrWhiteSpace(options.TableEndpoint))
        {
            var credential = new DefaultAzureCredential(new DefaultAzureCredentialOptions { ManagedIdentityClientId = options.ManagedIdentityClientId });
            return new AzureTableStore(new Uri(options.TableEndpoint), credential);
        }

        return new SqliteTableStore(Path.Combine(options.DataDirectory!, "pipeline.db"), time);
    }
}
