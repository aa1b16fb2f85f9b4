using Azure.Identity;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Pipeline.Core.Candidates;
using Pipeline.Core.Certifications;
using Pipeline.Core.Configuration;
using Pipeline.Core.Decisions;
using Pipeline.Core.Delivery;
using Pipeline.Core.Effects;
using Pipeline.Core.Feeds;
using Pipeline.Core.Mail;
using Pipeline.Core.Outbound;
using Pipeline.Core.Privacy;
using Pipeline.Core.Shortlists;
using Pipeline.Core.Teams;
using Pipeline.Domain.Certifications;
using Pipeline.Storage;
using Pipeline.Storage.AzureTables;
using Pipeline.Storage.Sqlite;

namespace Pipeline.Core;

/// <summary>The application core's composition: options (validated at start), the store, every feature's stores and services, and the outbound clients.</summary>
public static class CoreServiceCollectionExtensions
{
    /// <summary>
    /// Registers the core for a host (the function app) or a tool (the CLI). Clients are built when first resolved,
    /// never here; the tables are created by <see cref="StoreInitializer"/>, which a host runs at start.
    /// </summary>
    public static IServiceCollection AddPipelineCore(this IServiceCollection services, IConfiguration configuration)
    {
        services.TryAddSingleton(TimeProvider.System); // a caller (tests) may bring its own clock
        services.TryAddSingleton(configuration); // a host has registered its own; a tool (the CLI) has not

        services.AddOptions<PipelineOptions>().Bind(configuration.GetSection(PipelineOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<PipelineOptions>, PipelineOptionsValidator>();
        services.AddOptions<GraphOptions>().Bind(configuration.GetSection(GraphOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<GraphOptions>, GraphOptionsValidator>();
        services.AddOptions<TeamsOptions>().Bind(configuration.GetSection(TeamsOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<TeamsOptions>, TeamsOptionsValidator>();
        services.AddSingleton<PipelineConfiguration>();

        // Storage: one table store for every feature, its tables created once at start.
        services.AddSingleton<ITableStore>(sp =>
        {
            var options = sp.GetRequiredService<IOptions<PipelineOptions>>().Value;
            var store = CreateTableStore(options, sp.GetRequiredService<TimeProvider>());
            return options.TablePrefix.Length == 0 ? store : new PrefixedTableStore(store, options.TablePrefix);
        });
        services.AddSingleton<StoreInitializer>();
        services.AddHostedService(sp => sp.GetRequiredService<StoreInitializer>());
        services.TryAddSingleton<IEffectHolders, ProcessEffectHolders>(); // the local host brings its run's lease
        services.AddSingleton<EffectLedger>();

        // Candidates and feeds.
        services.AddSingleton<CandidateStore>();
        services.AddSingleton<CandidateScreening>();
        services.AddSingleton<QuarantineStore>();
        services.AddSingleton<FeedStateStore>();
        services.AddSingleton<FeedRunPart>();
        services.AddSingleton<FeedReader>(); // one instance, so feed OAuth tokens are cached across invocations
        services.AddHttpClient<FeedOpener>(client => client.Timeout = Timeout.InfiniteTimeSpan) // each feed sets its own limit
            // Redirects are followed by hand, within the feed's origin only; every connection is checked by the outbound policy.
            .ConfigurePrimaryHttpMessageHandler(sp => CreateFeedHandler(sp.GetRequiredService<IOptions<PipelineOptions>>().Value));

        // Certifications.
        services.AddSingleton<VerificationStore>();
        services.AddSingleton<CertificationChecker>();
        services.AddSingleton<CertificationVerification>();
        services.AddSingleton(sp => CreateCredentialVerifier(
            sp.GetRequiredService<IOptions<PipelineOptions>>().Value, sp.GetRequiredService<PipelineConfiguration>().Catalogue, sp.GetRequiredService<TimeProvider>()));

        // Shortlists.
        services.AddSingleton<ShortlistStore>();
        services.AddSingleton<PoolStore>();
        services.AddSingleton<ShortlistScoring>();
        services.AddSingleton<ShortlistPreview>();
        services.AddSingleton<ShortlistBuilder>();
        services.AddSingleton<ShortlistPools>();

        // Delivery: Graph when it is configured, else the outbox folder.
        // The Graph client is handed to its users in factories, not registered as a service of its own: naming its type
        // here would load the Graph SDK's 48 MB assembly at every start, some 50 ms before the first answer (#20).
        services.AddSingleton<GraphClientProvider>();
        services.AddSingleton<OutboxChannel>();
        services.AddSingleton<ShortlistNotifier>();
        services.AddSingleton(sp => ActivatorUtilities.CreateInstance<TeamsAppInstaller>(sp, sp.GetRequiredService<GraphClientProvider>().Client));
        services.AddSingleton<IDeliveryChannel>(sp => sp.GetRequiredService<IOptions<GraphOptions>>().Value.IsConfigured
            ? ActivatorUtilities.CreateInstance<GraphDeliveryChannel>(sp, sp.GetRequiredService<GraphClientProvider>().Client)
            : sp.GetRequiredService<OutboxChannel>());

        // Replies and decisions.
        services.AddSingleton<MailboxStateStore>();
        services.AddSingleton<IInbox>(sp => sp.GetRequiredService<IOptions<GraphOptions>>().Value.IsConfigured
            ? ActivatorUtilities.CreateInstance<GraphInbox>(sp, sp.GetRequiredService<GraphClientProvider>().Client)
            : new NoInbox());
        services.AddSingleton<InboxSync>();
        services.AddSingleton<MailSubscriptions>();
        services.AddSingleton<DecisionStore>();
        services.AddSingleton<AuditStore>();
        services.AddSingleton<DecisionLinkFactory>();
        services.AddSingleton<LinkDecisions>();
        services.AddSingleton<ReplyDecisions>();
        services.AddSingleton<DecisionReminders>();

        // Teams tab sign-in.
        services.AddHttpClient(nameof(TeamsTokenValidator), client => client.Timeout = TimeSpan.FromSeconds(30));
        services.AddSingleton<TeamsTokenValidator>();
        services.AddSingleton<TeamsTabShortlists>();

        // Privacy.
        services.AddSingleton<SuppressionStore>();
        services.AddSingleton<PersonalData>();
        services.AddSingleton<Retention>();
        return services;
    }

    /// <summary>
    /// One verifier per kind of credential, each with its own allowed hosts; the fetchers cache answers for ten
    /// minutes, since many credentials share a badge class, an issuer profile and its keys.
    /// </summary>
    public static CredentialVerifier CreateCredentialVerifier(PipelineOptions options, CertificationCatalogue catalogue, TimeProvider time)
    {
        var testHosts = PipelineOptions.SplitList(options.CredentialTestHosts);
        SafeFetcher Fetcher(string hosts) => new(new SafeFetchPolicy
        {
            AllowedHosts = PipelineOptions.SplitList(hosts), TestHosts = testHosts, CacheDuration = TimeSpan.FromMinutes(10),
        }, time);
        return new CredentialVerifier(
            [
                new MicrosoftLearnVerifier(Fetcher(options.MicrosoftLearnHosts), catalogue, time),
                new OpenBadgesVerifier(Fetcher(options.OpenBadgesHosts), catalogue, time),
            ],
            time);
    }

    /// <summary>The feeds' HTTP handler: no internal addresses, loopback only for the test hosts in Pipeline:FeedTestHosts.</summary>
    public static SocketsHttpHandler CreateFeedHandler(PipelineOptions options) =>
        new OutboundPolicy(PipelineOptions.SplitList(options.FeedTestHosts)).CreateHandler();

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
