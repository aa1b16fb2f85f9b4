using Microsoft.Extensions.Options;

namespace Pipeline.Functions.Configuration;

/// <summary>The <c>Pipeline</c> configuration section (app settings <c>Pipeline__*</c>).</summary>
public sealed class PipelineOptions
{
    public const string Section = "Pipeline";

    /// <summary>The folder holding feeds.json and requisitions.json; feed file locations are relative to it.</summary>
    public string? ConfigDirectory { get; set; }

    /// <summary>Where the embedded store (pipeline.db) lives.</summary>
    public string? DataDirectory { get; set; }

    /// <summary>Where emails and Teams notifications are written when Graph is not configured. Default: {DataDirectory}/outbox.</summary>
    public string? OutboxDirectory { get; set; }

    /// <summary>The shared mailbox shortlists are sent from.</summary>
    public string SenderAddress { get; set; } = "talent-pipeline@contoso.example";

    public string SenderName { get; set; } = "Talent Pipeline";

    /// <summary>The id of Pipeline's Teams app (its manifest's id), used in activity deep links.</summary>
    public string TeamsAppId { get; set; } = "5f0c9a4e-8d1b-4c6e-9a57-3b2f7d1e6c40";

    public string ResolvedOutboxDirectory => OutboxDirectory ?? Path.Combine(DataDirectory ?? ".", "outbox");
}

/// <summary>Fails the start, naming the setting and the value, instead of failing the first invocation.</summary>
public sealed class PipelineOptionsValidator : IValidateOptions<PipelineOptions>
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

        if (string.IsNullOrWhiteSpace(options.DataDirectory))
        {
            errors.Add("Pipeline:DataDirectory (app setting Pipeline__DataDirectory) is required: where the embedded store lives.");
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
