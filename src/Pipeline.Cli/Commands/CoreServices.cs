using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Pipeline.Core;
using Pipeline.Core.Candidates;
using Pipeline.Core.Certifications;
using Pipeline.Core.Configuration;
using Pipeline.Core.Decisions;
using Pipeline.Core.Feeds;
using Pipeline.Core.Mail;
using Pipeline.Core.Privacy;
using Pipeline.Core.Shortlists;

namespace Pipeline.Cli.Commands;

/// <summary>
/// The CLI's composition root for the commands that read or change what is stored (candidates, decisions, feeds,
/// shortlists, status, personal data): the application core alone, with its settings checked and its tables created
/// as the function app would, but no HTTP server and no functions. Only <c>run</c> starts the function app.
/// </summary>
internal sealed class CoreServices : IAsyncDisposable
{
    private readonly ServiceProvider _provider;

    private CoreServices(ServiceProvider provider) => _provider = provider;

    public PipelineConfiguration Configuration => _provider.GetRequiredService<PipelineConfiguration>();

    public GraphOptions Graph => _provider.GetRequiredService<IOptions<GraphOptions>>().Value;

    public CandidateStore Candidates => _provider.GetRequiredService<CandidateStore>();

    public VerificationStore Verifications => _provider.GetRequiredService<VerificationStore>();

    public FeedStateStore FeedState => _provider.GetRequiredService<FeedStateStore>();

    public ShortlistStore Shortlists => _provider.GetRequiredService<ShortlistStore>();

    public ShortlistPools Pools => _provider.GetRequiredService<ShortlistPools>();

    public ShortlistPreview Preview => _provider.GetRequiredService<ShortlistPreview>();

    public DecisionStore Decisions => _provider.GetRequiredService<DecisionStore>();

    public MailSubscriptions MailSubscriptions => _provider.GetRequiredService<MailSubscriptions>();

    public PersonalData PersonalData => _provider.GetRequiredService<PersonalData>();

    /// <summary>
    /// The core for these settings (on top of the environment, as the function app reads them), or null after writing
    /// why it cannot start (each bad setting or configuration file named); the command then exits with 2.
    /// </summary>
    public static async Task<CoreServices?> TryOpenAsync(IReadOnlyDictionary<string, string?> settings, TextWriter error, CancellationToken cancellationToken)
    {
        var configuration = new ConfigurationBuilder().AddEnvironmentVariables().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection()
            .AddLogging(logging => logging
                // stdout is the command's own output (--json included); the core's warnings go to stderr.
                .AddSimpleConsole(o => o.SingleLine = true)
                .AddFilter(level => level >= LogLevel.Warning)
                .Services.Configure<Microsoft.Extensions.Logging.Console.ConsoleLoggerOptions>(o => o.LogToStandardErrorThreshold = LogLevel.Trace));
        services.AddPipelineCore(configuration);
        var provider = services.BuildServiceProvider();
        try
        {
            // What the function app checks at start: the settings, the configuration files; then the tables.
            provider.GetRequiredService<IStartupValidator>().Validate();
            _ = provider.GetRequiredService<PipelineConfiguration>();
            await provider.GetRequiredService<StoreInitializer>().StartAsync(cancellationToken);
            return new CoreServices(provider);
        }
        catch (Exception e) when (StartRefusal.Problems(e) is { } problems)
        {
            await provider.DisposeAsync();
            await error.WriteLineAsync("The function app could not start:" + string.Concat(problems.Select(p => Environment.NewLine + "  " + p)));
            return null;
        }
    }

    public ValueTask DisposeAsync() => _provider.DisposeAsync();
}
