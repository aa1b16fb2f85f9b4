using System.CommandLine;
using System.IO.Compression;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Configuration;
using Pipeline.Core.Configuration;
using Pipeline.Domain.Delivery;
using Pipeline.Functions;

namespace Pipeline.Cli.Commands;

/// <summary><c>pipeline teams package</c>: the Teams app zip an admin uploads, from <c>appPackage/</c> and this deployment's settings.</summary>
internal static class TeamsCommand
{
    public static Command Create()
    {
        var output = new Option<FileInfo>("--out") { Description = "Where to write the zip", DefaultValueFactory = _ => new FileInfo("pipeline-teams.zip") };
        var appId = new Option<string?>("--app-id") { Description = "The Teams app id (default: the Pipeline__TeamsAppId setting, else Pipeline's)" };
        var clientId = new Option<string?>("--client-id") { Description = "The Entra app registration's client id (default: the Graph__ClientId setting)" };
        var baseUrl = new Option<string?>("--public-base-url") { Description = "The function app's address (default: the Pipeline__PublicBaseUrl setting)" };
        var package = new Command("package", "Build the Teams app package (manifest with the activity types Pipeline sends, and icons) for upload to the Teams admin center")
        {
            output, appId, clientId, baseUrl,
        };
        package.SetAction((parse, cancellationToken) =>
        {
            var settings = new ConfigurationBuilder().AddEnvironmentVariables().Build();
            return PackageAsync(
                parse.GetValue(output)!,
                parse.GetValue(appId) ?? settings["Pipeline:TeamsAppId"] ?? new PipelineOptions().TeamsAppId,
                parse.GetValue(clientId) ?? settings["Graph:ClientId"],
                parse.GetValue(baseUrl) ?? settings["Pipeline:PublicBaseUrl"],
                parse.InvocationConfiguration.Output, parse.InvocationConfiguration.Error, cancellationToken);
        });
        return new Command("teams", "The Teams app recruiters' notifications come from") { package };
    }

    internal static async Task<int> PackageAsync(FileInfo output, string appId, string? clientId, string? publicBaseUrl, TextWriter stdout, TextWriter error, CancellationToken cancellationToken)
    {
        var problems = new List<string>();
        if (!Guid.TryParse(appId, out _))
        {
            problems.Add($"--app-id / Pipeline__TeamsAppId is '{appId}', which is not a GUID.");
        }

        if (!Guid.TryParse(clientId, out _))
        {
            problems.Add("--client-id / Graph__ClientId must be the app registration's client id (a GUID): Teams sends its notifications on that app's behalf.");
        }

        if (!Uri.TryCreate(publicBaseUrl, UriKind.Absolute, out var url) || url.Scheme != Uri.UriSchemeHttps)
        {
            problems.Add("--public-base-url / Pipeline__PublicBaseUrl must be the function app's https address: the app's tab and domain point there.");
        }

        if (problems.Count > 0)
        {
            foreach (var problem in problems)
            {
                await error.WriteLineAsync(problem);
            }

            return 2;
        }

        var folder = Path.Combine(AppContext.BaseDirectory, "appPackage");
        var manifest = (await File.ReadAllTextAsync(Path.Combine(folder, "manifest.json"), cancellationToken))
            .Replace("{{TeamsAppId}}", appId, StringComparison.Ordinal)
            .Replace("{{GraphClientId}}", clientId, StringComparison.Ordinal)
            .Replace("{{PublicHost}}", url!.Authority, StringComparison.Ordinal);

        // The package must declare every activity type Pipeline sends, or Graph refuses the notification.
        var declared = JsonNode.Parse(manifest)!["activities"]!["activityTypes"]!.AsArray().Select(t => t!["type"]!.GetValue<string>()).ToHashSet();
        if (TeamsActivity.Types.FirstOrDefault(t => !declared.Contains(t)) is { } missing)
        {
            await error.WriteLineAsync($"appPackage/manifest.json does not declare the activity type '{missing}'.");
            return 1;
        }

        await using (var zip = new ZipArchive(File.Create(output.FullName), ZipArchiveMode.Create))
        {
            await using (var entry = zip.CreateEntry("manifest.json").Open())
            {
                await entry.WriteAsync(Encoding.UTF8.GetBytes(manifest), cancellationToken);
            }

            foreach (var icon in new[] { "color.png", "outline.png" })
            {
                zip.CreateEntryFromFile(Path.Combine(folder, icon), icon);
            }
        }

        await stdout.WriteLineAsync($"Wrote {output.FullName}: upload it in the Teams admin center (Manage apps > Upload), then allow it for the recruiters.");
        return 0;
    }
}
