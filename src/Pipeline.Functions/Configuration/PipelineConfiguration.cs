using System.Text.Json;
using Microsoft.Extensions.Options;
using Pipeline.Domain;
using Pipeline.Domain.Certifications;
using Pipeline.Domain.Feeds;
using Pipeline.Domain.Requisitions;

namespace Pipeline.Functions.Configuration;

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
        var feeds = Load<FeedsDocument>(ConfigurationFiles.Feeds);
        var requisitions = Load<RequisitionsDocument>(ConfigurationFiles.Requisitions);
        CataloguePath = Path.GetFullPath(options.Value.CatalogueFile is { Length: > 0 } file ? file : DefaultCataloguePath);
        Catalogue = LoadCatalogue(CataloguePath);
        var errors = feeds.Validate().Select(e => $"{ConfigurationFiles.Feeds}: {e}")
            .Concat(requisitions.Validate(Catalogue).Select(e => $"{ConfigurationFiles.Requisitions}: {e}"))
            .Concat(feeds.Feeds
                .Where(f => f.Auth is { Secret: { Length: > 0 } secret } && string.IsNullOrEmpty(settings[f.Auth.Secret]))
                .Select(f => $"{ConfigurationFiles.Feeds}: feed '{f.Id}': the setting '{f.Auth!.Secret}' named by 'auth.secret' is not set."))
            .ToList();
        if (errors.Count > 0)
        {
            throw new InvalidOperationException($"The configuration in {ConfigDirectory} is not valid:{Environment.NewLine}  " + string.Join(Environment.NewLine + "  ", errors));
        }

        Feeds = feeds.Feeds;
        Requisitions = requisitions.Requisitions;
    }

    /// <summary>Where the catalogue is shipped: beside the function app's assembly (and the CLI's).</summary>
    public static string DefaultCataloguePath => Path.Combine(AppContext.BaseDirectory, "catalogue", "certifications.json");

    public string ConfigDirectory { get; }

    public string CataloguePath { get; }

    /// <summary>The vendor certifications Pipeline recognises.</summary>
    public CertificationCatalogue Catalogue { get; }

    /// <summary>Reads and validates a certification catalogue; the message names the file and every problem.</summary>
    public static CertificationCatalogue LoadCatalogue(string path)
    {
        CertificationCatalogue? catalogue;
        try
        {
            using var stream = File.OpenRead(path);
            catalogue = JsonSerializer.Deserialize<CertificationCatalogue>(stream, DomainJson.Options);
        }
        catch (Exception e) when (e is JsonException or IOException or UnauthorizedAccessException)
        {
            throw new InvalidOperationException($"The certification catalogue {path} could not be read: {e.Message}", e);
        }

        var errors = catalogue?.Validate() ?? [$"{path} is empty."];
        return errors.Count == 0 ? catalogue! : throw new InvalidOperationException($"The certification catalogue {path} is not valid: {string.Join(" ", errors)}");
    }

    public IReadOnlyList<FeedDefinition> Feeds { get; }

    public IReadOnlyList<Requisition> Requisitions { get; }

    public Requisition? FindRequisition(string id) => Requisitions.FirstOrDefault(r => r.Id == id);

    /// <summary>A feed's file, resolved against the configuration folder.</summary>
    public string ResolveLocation(FeedDefinition feed) => Path.GetFullPath(Path.Combine(ConfigDirectory, feed.Location));

    private T Load<T>(string file)
    {
        var path = Path.Combine(ConfigDirectory, file);
        try
        {
            using var stream = File.OpenRead(path);
            return JsonSerializer.Deserialize<T>(stream, ConfigJson) ?? throw new InvalidOperationException($"{path} is empty.");
        }
        catch (JsonException e)
        {
            throw new InvalidOperationException($"{path} is not valid: {e.Message}", e);
        }
    }

    private static readonly JsonSerializerOptions ConfigJson = new(DomainJson.Options)
    {
        AllowTrailingCommas = true,
        ReadCommentHandling = JsonCommentHandling.Skip,
        UnmappedMemberHandling = System.Text.Json.Serialization.JsonUnmappedMemberHandling.Disallow,
    };
}
