using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using Microsoft.Graph;
using Microsoft.Graph.Models;
using Microsoft.Graph.Models.ODataErrors;
using Pipeline.Functions.Configuration;

namespace Pipeline.Functions.Delivery;

/// <summary>
/// Makes sure each recruiter has Pipeline's Teams app installed before a notification goes to them: Teams drops
/// activity notifications for users without the app, without an error. A user found or made to have it is
/// remembered for the life of the process. Whatever cannot be fixed is logged with the fix.
/// </summary>
public sealed class TeamsAppInstaller(GraphServiceClient graph, IOptions<GraphOptions> graphOptions, IOptions<PipelineOptions> options, ILogger<TeamsAppInstaller> logger)
{
    private readonly ConcurrentDictionary<string, bool> _installed = new(StringComparer.OrdinalIgnoreCase);
    private string? _catalogId;

    /// <summary>Installs the app for those recipients who lack it; returns how many could not be given it.</summary>
    public async Task<int> EnsureInstalledAsync(IReadOnlyList<string> recipients, CancellationToken cancellationToken)
    {
        var missing = recipients.Where(r => !_installed.ContainsKey(r)).ToList();
        if (missing.Count == 0)
        {
            return 0;
        }

        var appId = options.Value.TeamsAppId;
        _catalogId ??= (await graph.AppCatalogs.TeamsApps.GetAsync(r => r.QueryParameters.Filter = $"externalId eq '{appId}'", cancellationToken))?.Value?.FirstOrDefault()?.Id;
        if (_catalogId is null)
        {
            logger.LogWarning(
                "The Teams app {TeamsAppId} is not in the organization's app catalog, so {Count} recruiters may not see notifications. " +
                "Build it with `pipeline teams package` and upload it in the Teams admin center.", appId, missing.Count);
            return missing.Count;
        }

        // One JSON batch checks up to 20 recruiters (the SDK splits larger sets); installs are rare and go one by one.
        var batch = new BatchRequestContentCollection(graph);
        var steps = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var user in missing)
        {
            var check = graph.Users[user].Teamwork.InstalledApps.ToGetRequestInformation(r =>
            {
                r.QueryParameters.Filter = $"teamsApp/externalId eq '{appId}'";
                r.QueryParameters.Expand = ["teamsApp"];
            });
            steps[await batch.AddBatchRequestStepAsync(check)] = user;
        }

        var answers = await graph.Batch.PostAsync(batch, cancellationToken);
        var statuses = await answers.GetResponsesStatusCodesAsync();
        var failed = 0;
        foreach (var (step, user) in steps)
        {
            try
            {
                if (statuses.GetValueOrDefault(step) != System.Net.HttpStatusCode.OK)
                {
                    throw new ODataError { ResponseStatusCode = (int)statuses.GetValueOrDefault(step) };
                }

                var existing = await answers.GetResponseByIdAsync<UserScopeTeamsAppInstallationCollectionResponse>(step);
                if (existing?.Value is not { Count: > 0 })
                {
                    await graph.Users[user].Teamwork.InstalledApps.PostAsync(new UserScopeTeamsAppInstallation
                    {
                        AdditionalData = new Dictionary<string, object> { ["teamsApp@odata.bind"] = $"{graphOptions.Value.BaseUrl.TrimEnd('/')}/appCatalogs/teamsApps/{_catalogId}" },
                    }, cancellationToken: cancellationToken);
                    logger.LogInformation("Installed the Teams app for a recruiter who did not have it");
                }

                _installed[user] = true;
            }
            catch (ODataError e) when (e.ResponseStatusCode is 403 or 404)
            {
                failed++;
                logger.LogWarning(
                    "Could not install the Teams app for a recruiter ({Status}): grant the app TeamsAppInstallation.ReadWriteForUser.All, and check the recruiter's id in requisitions.json.",
                    e.ResponseStatusCode);
            }
        }

        return failed;
    }
}
