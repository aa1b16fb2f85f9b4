using System.Text.Json;
using Microsoft.Extensions.Options;
using Pipeline.Domain;
using Pipeline.Domain.Certifications;
using Pipeline.Domain.Feeds;
using Pipeline.Domain.Requisitions;

namespace Pipeline.Core.Configuration;

public static class ConfigurationFiles
{
    public const string Feeds = "feeds.json";
    public const string Requisitions = "requisitions.json";
}

/// <summary>Feeds and requisitions, read and validated once at start; every problem is reported together.</summary>
public sealed class PipelineConfiguration
{
    public PipelineConfiguration(IOptions<PipelineOptions> options, IConfiguration settings)
    {
        ConfigDirectory = Path.GetFullPath(options.Value.ConfigDirectory!);
        var errors = new List<string>();
        var feeds = ConfigFile.Read<FeedsDocument>(Path.Combine(ConfigDirectory, ConfigurationFiles.Feeds), ConfigurationFiles.Feeds, errors);
        CataloguePath = Path.GetFullPath(options.Value.CatalogueFile is { Length: > 0 } file ? file : DefaultCataloguePath);
        CertificationCatalogue? catalogue = null;
        try
        {
            // Form only: whether a 'checked' date lies ahead depends on the clock, which is the catalogue check's business.
            catalogue = LoadCatalogue(CataloguePath);
        }
        catch (InvalidOperationException e)
        {
            errors.Add(e.Message);
        }

        var outbound = new Core.Outbound.OutboundPolicy(PipelineOptions.SplitList(options.Value.FeedTestHosts));
        if (feeds is not null)
        {
            errors.AddRange(feeds.Validate(outbound.IsTestHost).Select(e => $"{ConfigurationFiles.Feeds}: {e}"));
            foreach (var feed in feeds.Feeds.Where(f => !f.IsHttp && !string.IsNullOrWhiteSpace(f.Location)))
            {
                if (Confine(feed, out _) is { } outside)
                {
                    errors.Add($"{ConfigurationFiles.Feeds}: {outside}");
                }
            }

            errors.AddRange(feeds.Feeds
                .Where(f => f.Auth is { Secret: { Length: > 0 } secret } && string.IsNullOrEmpty(settings[f.Auth.Secret]))
                .Select(f => $"{ConfigurationFiles.Feeds}: feed '{f.Id}': the setting '{f.Auth!.Secret}' named by 'auth.secret' is not set."));
        }

        var requisitions = ReadRequisitions(ConfigDirectory, catalogue, errors);

        if (errors.Count > 0)
        {
            throw new InvalidOperationException($"The configuration in {ConfigDirectory} is not valid:{Environment.NewLine}  " + string.Join(Environment.NewLine + "  ", errors));
        }

        Catalogue = catalogue!;
        Feeds = feeds!.Feeds;
        Requisitions = requisitions!.Requisitions;
    }

    /// <summary>
    /// Starts reading and validating the configuration files on another thread from the settings alone, before a host
    /// has built its services: they are the longest check at start, and a host can build itself meanwhile (#20). The
    /// task's result is null when the settings themselves are not valid; their validation names the problems then.
    /// A configuration file's problems are the task's exception, as the constructor throws them.
    /// </summary>
    public static Task<PipelineConfiguration?> BeginLoad(IConfiguration settings) => Task.Run(() =>
    {
        var options = new PipelineOptions();
        settings.GetSection(PipelineOptions.Section).Bind(options);
        return new PipelineOptionsValidator().Validate(null, options).Failed
            ? null
            : new PipelineConfiguration(Microsoft.Extensions.Options.Options.Create(options), settings);
    });

    /// <summary>Where the catalogue is shipped: beside the function app's assembly (and the CLI's).</summary>
    public static string DefaultCataloguePath => Path.Combine(AppContext.BaseDirectory, "catalogue", "certifications.json");

    public string ConfigDirectory { get; }

    public string CataloguePath { get; }

    /// <summary>The vendor certifications Pipeline recognises.</summary>
    public CertificationCatalogue Catalogue { get; }

    /// <summary>
    /// Reads and validates a certification catalogue; the message names the file and every problem. With
    /// <paramref name="today"/>, a <c>checked</c> date after it is a problem too.
    /// </summary>
    public static CertificationCatalogue LoadCatalogue(string path, DateOnly? today = null)
    {
        var errors = new List<string>();
        var catalogue = ConfigFile.Read<CertificationCatalogue>(path, path, errors);
        errors.AddRange(catalogue?.Validate(today).Select(e => $"{path}: {e}") ?? []);
        return errors.Count == 0 ? catalogue! : throw new InvalidOperationException($"The certification catalogue is not valid:{Environment.NewLine}  " + string.Join(Environment.NewLine + "  ", errors));
    }

    /// <summary>
    /// Reads and validates <c>requisitions.json</c> in <paramref name="configDirectory"/> against the catalogue, as the
    /// app reads it at start (for commands that need the requisitions but not the feeds).
    /// </summary>
    public static IReadOnlyList<Requisition> LoadRequisitions(string configDirectory, CertificationCatalogue catalogue)
    {
        var errors = new List<string>();
        var requisitions = ReadRequisitions(configDirectory, catalogue, errors);
        return errors.Count == 0 ? requisitions!.Requisitions : throw new InvalidOperationException($"The requisitions in {configDirectory} are not valid:{Environment.NewLine}  " + string.Join(Environment.NewLine + "  ", errors));
    }

    private static RequisitionsDocument? ReadRequisitions(string configDirectory, CertificationCatalogue? catalogue, List<string> errors)
    {
        var requisitions = ConfigFile.Read<RequisitionsDocument>(Path.Combine(configDirectory, ConfigurationFiles.Requisitions), ConfigurationFiles.Requisitions, errors);
        errors.AddRange(requisitions?.Validate(catalogue).Select(e => $"{ConfigurationFiles.Requisitions}: {e}") ?? []);
        return requisitions;
    }

    public IReadOnlyList<FeedDefinition> Feeds { get; }

    public IReadOnlyList<Requisition> Requisitions { get; }

    public Requisition? FindRequisition(string id) => Requisitions.FirstOrDefault(r => r.Id == id);

    /// <summary>
    /// A feed's file, resolved against the configuration folder with every symbolic link followed; refused unless the
    /// real file is inside the (real) configuration folder.
    /// </summary>
    public string ResolveLocation(FeedDefinition feed) =>
        Confine(feed, out var path) is { } outside ? throw new Core.Feeds.FeedUnavailableException(outside) : path;

    /// <summary>Why the feed's file is not inside the configuration folder, or null; <paramref name="path"/> is its real path.</summary>
    private string? Confine(FeedDefinition feed, out string path)
    {
        path = "";
        try
        {
            var root = ConfinedPath.Real(ConfigDirectory);
            path = ConfinedPath.Real(Path.GetFullPath(feed.Location, ConfigDirectory));
            if (ConfinedPath.IsInside(root, path))
            {
                return null;
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A loop of links, or one that cannot be read: not inside.
        }

        // Names the location as configured, never anything read from it.
        return $"feed '{feed.Id}': 'location' {feed.Location} is outside the configuration folder {ConfigDirectory} (links are followed); feed files must be in it or below it.";
    }
}
