using Microsoft.Extensions.Options;

namespace Pipeline.Core.Configuration;

/// <summary>The <c>Pipeline</c> configuration section (app settings <c>Pipeline__*</c>).</summary>
public sealed class PipelineOptions
{
    public const string Section = "Pipeline";

    /// <summary>The folder holding feeds.json and requisitions.json; feed file locations are relative to it.</summary>
    public string? ConfigDirectory { get; set; }

    /// <summary>Where the embedded store (pipeline.db) lives; not needed when Table storage is configured.</summary>
    public string? DataDirectory { get; set; }

    /// <summary>
    /// A storage connection string with an account key (Azurite, or accounts that allow Shared Key): the state then
    /// lives in Azure Table storage instead of the embedded store. A secret.
    /// </summary>
    public string? TableConnectionString { get; set; }

    /// <summary>The Table endpoint (<c>https://{account}.table.core.windows.net</c>), reached with a Microsoft Entra token.</summary>
    public string? TableEndpoint { get; set; }

    /// <summary>The client id of the user-assigned managed identity to use for <see cref="TableEndpoint"/>; default: DefaultAzureCredential.</summary>
    public string? ManagedIdentityClientId { get; set; }

    /// <summary>Letters and digits put before every table name (e.g. <c>staging</c>), for accounts shared by several environments.</summary>
    public string TablePrefix { get; set; } = "";

    public bool UsesTableStorage => !string.IsNullOrWhiteSpace(TableConnectionString) || !string.IsNullOrWhiteSpace(TableEndpoint);

    /// <summary>Where emails and Teams notifications are written when Graph is not configured. Default: {DataDirectory}/outbox.</summary>
    public string? OutboxDirectory { get; set; }

    /// <summary>The shared mailbox shortlists are sent from.</summary>
    public string SenderAddress { get; set; } = "talent-pipeline@contoso.example";

    public string SenderName { get; set; } = "Talent Pipeline";

    /// <summary>The id of Pipeline's Teams app (its manifest's id), used in activity deep links.</summary>
    public string TeamsAppId { get; set; } = "5f0c9a4e-8d1b-4c6e-9a57-3b2f7d1e6c40";

    /// <summary>
    /// How long candidates must stay unchanged before a requisition's shortlist is rebuilt, so that a feed arriving
    /// in many pages yields one shortlist version (one email), not one per page.
    /// </summary>
    public TimeSpan ShortlistQuietPeriod { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>
    /// How long a claim on an external effect (an email, a Teams notification, a decision) stays its attempt's after
    /// its last renewal; the attempt renews it every third of this while the effect runs, however long that takes.
    /// After it, the claim is taken over as a crashed attempt's, checking whether that one got through. A redelivery
    /// waits a little longer than <see cref="MaxEffectLease"/> for a claim to end, so a crashed attempt's claim is
    /// taken over by the next delivery instead of failing deliveries until the message is dead-lettered.
    /// </summary>
    public TimeSpan EffectLease { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>The shortest <see cref="EffectLease"/>: renewals (every third of it) must not crowd the store.</summary>
    public static readonly TimeSpan MinEffectLease = TimeSpan.FromSeconds(30);

    /// <summary>The longest <see cref="EffectLease"/>: a delivery waits a little longer than this for another's claim to end.</summary>
    public static readonly TimeSpan MaxEffectLease = TimeSpan.FromSeconds(90);

    /// <summary>
    /// Pages of candidates one ReadFeed invocation hands on before it stops and continues in a follow-up message, so
    /// neither its memory nor its response grows with the feed.
    /// </summary>
    public int FeedPagesPerInvocation { get; set; } = 50;

    /// <summary>
    /// Read every enabled feed on each PollFeeds run, whatever its schedule. For a one-off run (<c>pipeline run
    /// --once</c> sets it); leave it off in Azure.
    /// </summary>
    public bool IgnoreFeedSchedules { get; set; }

    /// <summary>
    /// The key that signs one-click decision links (base64, at least 32 bytes). A secret. With
    /// <see cref="PublicBaseUrl"/>, shortlist emails carry Interview / Pass / Hold links per candidate.
    /// </summary>
    public string? DecisionLinkKey { get; set; }

    /// <summary>The function app's public address (<c>https://{app}.azurewebsites.net</c>), which decision links point to.</summary>
    public string? PublicBaseUrl { get; set; }

    /// <summary>How long a decision link stays valid.</summary>
    public TimeSpan DecisionLinkLifetime { get; set; } = TimeSpan.FromDays(14);

    /// <summary>The certification catalogue; default: <c>catalogue/certifications.json</c> beside the function app.</summary>
    public string? CatalogueFile { get; set; }

    /// <summary>How long a credential check stands before it is checked again (a verified credential is also checked again a day before it expires).</summary>
    public TimeSpan VerificationTtl { get; set; } = TimeSpan.FromDays(7);

    /// <summary>How soon a check that could not reach the issuer is tried again.</summary>
    public TimeSpan VerificationRetryInterval { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Hosts Open Badges credentials are fetched from, comma-separated; a leading dot admits subdomains.</summary>
    public string OpenBadgesHosts { get; set; } = ".credly.com,.youracclaim.com";

    /// <summary>Hosts Microsoft Learn transcripts are read from, comma-separated.</summary>
    public string MicrosoftLearnHosts { get; set; } = "learn.microsoft.com";

    /// <summary>
    /// <c>host:port</c> pairs of loopback test servers admitted over plain HTTP for credential checks, comma-separated.
    /// For tests and local trials only: the app refuses to start with it in Azure.
    /// </summary>
    public string CredentialTestHosts { get; set; } = "";

    /// <summary>
    /// <c>host:port</c> pairs of loopback test servers that feeds may be read from (plain HTTP allowed), comma-separated.
    /// Every other feed URL must be https to an address that is not internal. For tests and local trials only: the app
    /// refuses to start with it in Azure.
    /// </summary>
    public string FeedTestHosts { get; set; } = "";

    /// <summary>
    /// Feed records no feed has listed for this long are deleted by RetentionSweep, and a person with none left is
    /// removed. Zero keeps them for ever. Records from incremental feeds (which send only what changed) are kept.
    /// </summary>
    public TimeSpan CandidateRetention { get; set; } = TimeSpan.FromDays(365);

    /// <summary>Quarantined rows older than this are deleted by RetentionSweep. Zero keeps them for ever.</summary>
    public TimeSpan QuarantineRetention { get; set; } = TimeSpan.FromDays(90);

    /// <summary>
    /// The largest request body the handler reads, in bytes; a larger one is answered 413 before it is read. The
    /// largest payloads the host sends are Service Bus messages (at most 256 KB on the Standard tier the template
    /// deploys; a page of candidates is typically a few tens of KB), which the host wraps as a JSON string with their
    /// metadata, and Graph notifications of a few KB. 4 MB leaves room for pages of the largest feed page size that
    /// the local host (which has no message limit) may queue; raise it toward the Functions host's own 100 MB only
    /// on a Premium namespace with messages that large.
    /// </summary>
    public long MaxRequestBytes { get; set; } = 4 * 1024 * 1024;

    /// <summary>
    /// Serves the Teams tab with a stand-in for the Teams JavaScript library that takes its token from the test driving
    /// the browser. For browser tests only: the app refuses to start with it in Azure.
    /// </summary>
    public bool TeamsTestMode { get; set; }

    public static IReadOnlyList<string> SplitList(string value) =>
        value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    public bool DecisionLinksEnabled => !string.IsNullOrWhiteSpace(DecisionLinkKey) && !string.IsNullOrWhiteSpace(PublicBaseUrl);

    public string ResolvedOutboxDirectory => string.IsNullOrWhiteSpace(OutboxDirectory) ? Path.Combine(DataDirectory ?? ".", "outbox") : OutboxDirectory;
}

/// <summary>Fails the start, naming the setting and the value, instead of failing the first invocation.</summary>
/// <param name="inAzure">Whether this runs in Azure; default: <see cref="TestSettings.InAzure"/>.</param>
public sealed class PipelineOptionsValidator(Func<bool>? inAzure = null) : IValidateOptions<PipelineOptions>
{
    public ValidateOptionsResult Validate(string? name, PipelineOptions options)
    {
        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(options.ConfigDirectory))
        {
            errors.Add("Pipeline:ConfigDirectory (app setting Pipeline__ConfigDirectory) is required: the folder with feeds.json and requisitions.json.");
        }
        else
        {
            foreach (var file in new[] { ConfigurationFiles.Feeds, ConfigurationFiles.Requisitions })
            {
                if (!File.Exists(Path.Combine(options.ConfigDirectory, file)))
                {
                    errors.Add($"Pipeline:ConfigDirectory is '{options.ConfigDirectory}', which has no {file}.");
                }
            }
        }

        if (!string.IsNullOrWhiteSpace(options.TableConnectionString) && !string.IsNullOrWhiteSpace(options.TableEndpoint))
        {
            errors.Add("Set either Pipeline:TableConnectionString or Pipeline:TableEndpoint, not both.");
        }

        if (!string.IsNullOrWhiteSpace(options.TableEndpoint) &&
            (!Uri.TryCreate(options.TableEndpoint, UriKind.Absolute, out var endpoint) || endpoint.Scheme != Uri.UriSchemeHttps))
        {
            errors.Add($"Pipeline:TableEndpoint is '{options.TableEndpoint}', which is not an https URL.");
        }

        if (!string.IsNullOrWhiteSpace(options.TableConnectionString) && Storage.AzureTables.AzureTableStore.CheckConnectionString(options.TableConnectionString) is not null)
        {
            // Never the client's own message: it may quote the connection string, which holds the account key.
            errors.Add("Pipeline:TableConnectionString is not a storage connection string the Table client accepts " +
                       "(AccountName and AccountKey, TableEndpoint with SharedAccessSignature, or UseDevelopmentStorage=true).");
        }

        if (options.TablePrefix.Length > 20 || !options.TablePrefix.All(char.IsAsciiLetterOrDigit) || (options.TablePrefix.Length > 0 && !char.IsAsciiLetter(options.TablePrefix[0])))
        {
            errors.Add($"Pipeline:TablePrefix is '{options.TablePrefix}'; use up to 20 letters and digits, starting with a letter.");
        }

        if (!options.UsesTableStorage && string.IsNullOrWhiteSpace(options.DataDirectory))
        {
            errors.Add("Pipeline:DataDirectory (app setting Pipeline__DataDirectory) is required: where the embedded store lives. " +
                       "Or configure Pipeline:TableEndpoint / Pipeline:TableConnectionString for Azure Table storage.");
        }

        if (string.IsNullOrWhiteSpace(options.DataDirectory) && string.IsNullOrWhiteSpace(options.OutboxDirectory))
        {
            errors.Add("Pipeline:OutboxDirectory (or Pipeline:DataDirectory) is required: where emails and Teams notifications are written.");
        }

        if (options.ShortlistQuietPeriod < TimeSpan.Zero || options.ShortlistQuietPeriod > TimeSpan.FromDays(1))
        {
            errors.Add($"Pipeline:ShortlistQuietPeriod is {options.ShortlistQuietPeriod}; use a duration from 00:00:00 to 1.00:00:00.");
        }

        if (options.EffectLease < PipelineOptions.MinEffectLease || options.EffectLease > PipelineOptions.MaxEffectLease)
        {
            errors.Add($"Pipeline:EffectLease is {options.EffectLease}; use a duration from {PipelineOptions.MinEffectLease} to {PipelineOptions.MaxEffectLease} (a claim is renewed while its effect runs, and a redelivery waits only a little longer than {PipelineOptions.MaxEffectLease} for a crashed attempt's claim to end).");
        }

        if (string.IsNullOrWhiteSpace(options.DecisionLinkKey) != string.IsNullOrWhiteSpace(options.PublicBaseUrl))
        {
            errors.Add("Decision links need both Pipeline:DecisionLinkKey and Pipeline:PublicBaseUrl; set both or neither.");
        }

        if (!string.IsNullOrWhiteSpace(options.DecisionLinkKey))
        {
            byte[]? key = null;
            try
            {
                key = Convert.FromBase64String(options.DecisionLinkKey);
            }
            catch (FormatException)
            {
            }

            if (key is null || key.Length < Domain.Replies.DecisionLinks.MinimumKeyBytes)
            {
                // The message never repeats the value: it is a secret.
                errors.Add($"Pipeline:DecisionLinkKey must be base64 of at least {Domain.Replies.DecisionLinks.MinimumKeyBytes} random bytes (e.g. openssl rand -base64 32).");
            }
        }

        if (!string.IsNullOrWhiteSpace(options.PublicBaseUrl) &&
            (!Uri.TryCreate(options.PublicBaseUrl, UriKind.Absolute, out var publicUrl) || (publicUrl.Scheme != Uri.UriSchemeHttps && !publicUrl.IsLoopback)))
        {
            errors.Add($"Pipeline:PublicBaseUrl is '{options.PublicBaseUrl}', which is not an https URL.");
        }

        if (options.DecisionLinkLifetime < TimeSpan.FromHours(1) || options.DecisionLinkLifetime > TimeSpan.FromDays(90))
        {
            errors.Add($"Pipeline:DecisionLinkLifetime is {options.DecisionLinkLifetime}; use 01:00:00 to 90.00:00:00.");
        }

        if (options.FeedPagesPerInvocation is < 1 or > 2000)
        {
            errors.Add($"Pipeline:FeedPagesPerInvocation is {options.FeedPagesPerInvocation}; use 1 to 2000.");
        }

        if (options.CandidateRetention != TimeSpan.Zero && (options.CandidateRetention < TimeSpan.FromDays(30) || options.CandidateRetention > TimeSpan.FromDays(3650)))
        {
            errors.Add($"Pipeline:CandidateRetention is {options.CandidateRetention}; use 00:00:00 (keep) or 30.00:00:00 to 3650.00:00:00.");
        }

        if (options.QuarantineRetention != TimeSpan.Zero && (options.QuarantineRetention < TimeSpan.FromDays(1) || options.QuarantineRetention > TimeSpan.FromDays(3650)))
        {
            errors.Add($"Pipeline:QuarantineRetention is {options.QuarantineRetention}; use 00:00:00 (keep) or 1.00:00:00 to 3650.00:00:00.");
        }

        if (options.MaxRequestBytes is < 64 * 1024 or > 100 * 1024 * 1024)
        {
            errors.Add($"Pipeline:MaxRequestBytes is {options.MaxRequestBytes}; use 65536 (64 KB) to 104857600 (100 MB, the Functions host's own limit).");
        }

        if (options.VerificationTtl < TimeSpan.FromHours(1) || options.VerificationTtl > TimeSpan.FromDays(90))
        {
            errors.Add($"Pipeline:VerificationTtl is {options.VerificationTtl}; use 01:00:00 to 90.00:00:00.");
        }

        if (options.VerificationRetryInterval < TimeSpan.FromMinutes(5) || options.VerificationRetryInterval > TimeSpan.FromDays(1))
        {
            errors.Add($"Pipeline:VerificationRetryInterval is {options.VerificationRetryInterval}; use 00:05:00 to 1.00:00:00.");
        }

        foreach (var (setting, hosts) in new[] { ("OpenBadgesHosts", options.OpenBadgesHosts), ("MicrosoftLearnHosts", options.MicrosoftLearnHosts) })
        {
            foreach (var host in PipelineOptions.SplitList(hosts).Where(h => Uri.CheckHostName(h.TrimStart('.')) != UriHostNameType.Dns))
            {
                errors.Add($"Pipeline:{setting} lists '{host}', which is not a host name.");
            }
        }

        foreach (var (setting, hosts) in new[] { ("CredentialTestHosts", options.CredentialTestHosts), ("FeedTestHosts", options.FeedTestHosts) })
        {
            foreach (var host in PipelineOptions.SplitList(hosts))
            {
                if (Core.Outbound.OutboundPolicy.ProblemWithTestHost(host) is { } problem)
                {
                    errors.Add($"Pipeline:{setting} lists '{host}'; {problem}.");
                }
            }

            if (PipelineOptions.SplitList(hosts).Count > 0 && Core.Outbound.OutboundPolicy.RunningInAzure)
            {
                errors.Add($"Pipeline:{setting} is set, but this is running in Azure; test hosts are for local test servers only. Remove the setting.");
            }
        }

        if (options.TeamsTestMode && (inAzure ?? (() => TestSettings.InAzure))())
        {
            errors.Add("Pipeline:TeamsTestMode is set, but this is running in Azure; it lets a test stand in for Teams sign-in. Remove the setting.");
        }

        if (!string.IsNullOrWhiteSpace(options.CatalogueFile) && !File.Exists(options.CatalogueFile))
        {
            errors.Add($"Pipeline:CatalogueFile is '{options.CatalogueFile}', which does not exist.");
        }

        if (!System.Net.Mail.MailAddress.TryCreate(options.SenderAddress, out _))
        {
            errors.Add($"Pipeline:SenderAddress is '{options.SenderAddress}', which is not an email address.");
        }

        if (!Guid.TryParse(options.TeamsAppId, out _))
        {
            errors.Add($"Pipeline:TeamsAppId is '{options.TeamsAppId}', which is not a GUID.");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
