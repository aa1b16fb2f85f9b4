using Azure.Identity;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Pipeline.Core;
using Pipeline.Core.Candidates;
using Pipeline.Core.Certifications;
using Pipeline.Core.Configuration;
using Pipeline.Core.Decisions;
using Pipeline.Core.Delivery;
using Pipeline.Core.Effects;
using Pipeline.Core.Feeds;
using Pipeline.Core.Mail;
using Pipeline.Core.Privacy;
using Pipeline.Core.Shortlists;
using Pipeline.Functions.Hosting;
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
        services.AddHostedService<StoreInitializer>();
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
        services.AddSingleton<Pipeline.Core.Mail.IInbox>(sp => sp.GetRequiredService<IOptions<GraphOptions>>().Value.IsConfigured
            ? new Pipeline.Core.Mail.GraphInbox(sp.GetRequiredService<Microsoft.Graph.GraphServiceClient>(), sp.GetRequiredService<IOptions<GraphOptions>>())
            : new Pipeline.Core.Mail.NoInbox());
        services.AddSingleton<MailboxStateStore>();
        services.AddSingleton<Pipeline.Core.Mail.InboxSync>();

        services.AddSingleton<IPipelineFunction, PollFeeds.PollFeeds>();
        services.AddSingleton<IPipelineFunction, ReadFeed.ReadFeed>();
        services.AddSingleton<IPipelineFunction, ScreenCandidates.ScreenCandidates>();
        services.AddSingleton<IPipelineFunction, ScheduleShortlists.ScheduleShortlists>();
        services.AddSingleton<IPipelineFunction, BuildShortlist.BuildShortlist>();
        services.AddSingleton<IPipelineFunction, NotifyShortlist.NotifyShortlist>();
        services.AddSingleton<IPipelineFunction, Health.Health>();
        services.AddSingleton<IPipelineFunction, TeamsTab.TeamsTab>();
        services.AddSingleton<IPipelineFunction, TeamsShortlist.TeamsShortlist>();
        services.AddOptions<TeamsOptions>().Bind(configuration.GetSection(TeamsOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<TeamsOptions>, TeamsOptionsValidator>();
        services.AddHttpClient(nameof(Pipeline.Core.Teams.TeamsTokenValidator), client => client.Timeout = TimeSpan.FromSeconds(30));
        services.AddSingleton<Pipeline.Core.Teams.TeamsTokenValidator>();
        services.AddSingleton<IPipelineFunction, Decision.Decision>();
        services.AddSingleton<IPipelineFunction, ProcessReply.ProcessReply>();
        services.AddSingleton<IPipelineFunction, CatchUpReplies.CatchUpReplies>();
        services.AddSingleton<IPipelineFunction, RemindHiringManagers.RemindHiringManagers>();
        services.AddSingleton<IPipelineFunction, MailWebhook.MailWebhook>();
        services.AddSingleton<IPipelineFunction, MailLifecycle.MailLifecycle>();
        services.AddSingleton<IPipelineFunction, SyncInbox.SyncInbox>();
        services.AddSingleton<IPipelineFunction, RenewMailSubscription.RenewMailSubscription>();
        services.AddSingleton<Pipeline.Core.Mail.MailSubscriptions>();
        services.AddSingleton<DecisionStore>();
        services.AddSingleton<AuditStore>();
        services.AddSingleton<Pipeline.Core.Decisions.DecisionLinkFactory>();
        services.AddSingleton<VerificationStore>();
        services.AddSingleton<PoolStore>();
        services.AddSingleton<SuppressionStore>();
        services.AddSingleton<Pipeline.Core.Privacy.PersonalData>();
        services.AddSingleton<Pipeline.Core.Shortlists.ShortlistPools>();
        services.AddSingleton<Pipeline.Core.Certifications.CertificationChecker>();
        services.AddSingleton(sp => CreateCredentialVerifier(
            sp.GetRequiredService<IOptions<PipelineOptions>>().Value, sp.GetRequiredService<PipelineConfiguration>().Catalogue, sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<IPipelineFunction, VerifyCertifications.VerifyCertifications>();
        services.AddSingleton<IPipelineFunction, ReverifyCertifications.ReverifyCertifications>();
        services.AddSingleton<IPipelineFunction, RetentionSweep.RetentionSweep>();
        services.AddSingleton<FunctionRegistry>();
        return services;
    }

    /// <summary>
    /// One verifier per kind of credential, each with its own allowed hosts; the fetchers cache answers for ten
    /// minutes, since many credentials share a badge class, an issuer profile and its keys.
    /// </summary>
    public static Pipeline.Core.Certifications.CredentialVerifier CreateCredentialVerifier(PipelineOptions options, Domain.Certifications.CertificationCatalogue catalogue, TimeProvider time)
    {
        var testHosts = PipelineOptions.SplitList(options.CredentialTestHosts);
        Pipeline.Core.Certifications.SafeFetcher Fetcher(string hosts) => new(new Pipeline.Core.Certifications.SafeFetchPolicy
        {
            AllowedHosts = PipelineOptions.SplitList(hosts), TestHosts = testHosts, CacheDuration = TimeSpan.FromMinutes(10),
        }, time);
        return new Pipeline.Core.Certifications.CredentialVerifier(
            [
                new Pipeline.Core.Certifications.MicrosoftLearnVerifier(Fetcher(options.MicrosoftLearnHosts), catalogue, time),
                new Pipeline.Core.Certifications.OpenBadgesVerifier(Fetcher(options.OpenBadgesHosts), catalogue, time),
            ],
            time);
    }

    /// <summary>The feeds' HTTP handler: no internal addresses, loopback only for the test hosts in Pipeline:FeedTestHosts.</summary>
    public static SocketsHttpHandler CreateFeedHandler(PipelineOptions options) =>
        new Pipeline.Core.Outbound.OutboundPolicy(PipelineOptions.SplitList(options.FeedTestHosts)).CreateHandler();

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
