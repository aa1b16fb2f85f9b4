using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using Microsoft.Graph;
using Microsoft.Graph.Models;
using Microsoft.Graph.Models.ODataErrors;
using Pipeline.Core.Configuration;

namespace Pipeline.Core.Delivery;

/// <summary>
/// Prepares a notification's recruiters: a user principal name (<c>ravi@contoso.example</c>) is resolved to the
/// Entra object id the activity-feed API takes, and each recruiter without Pipeline's Teams app gets it installed,
/// because Teams drops activity notifications for users without the app, without an error. Lookups for up to 20
/// recruiters go in one JSON batch; what is learnt is remembered for the life of the process. Whatever cannot be
/// fixed is logged with the fix.
/// </summary>
public sealed class TeamsAppInstaller(GraphServiceClient graph, IOptions<GraphOptions> graphOptions, IOptions<PipelineOptions> options, ILogger<TeamsAppInstaller> logger)
{
    private readonly ConcurrentDictionary<string, string> _ids = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentDictionary<string, bool> _installed = new(StringComparer.OrdinalIgnoreCase);
    private readonly SemaphoreSlim _gate = new(1, 1);
    private string? _catalogId;

    /// <summary>The recipients as object ids, each with the app installed where that could be done.</summary>
    /// <remarks>
    /// One preparation at a time: shortlists notified together share recruiters, and without the gate each would look
    /// up the same people (and the app catalog) before any answer is remembered. Once remembered, a pass is instant.
    /// </remarks>
    public async Task<IReadOnlyList<string>> PrepareAsync(IReadOnlyList<string> recipients, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            await ResolveAsync(recipients.Where(r => !Guid.TryParse(r, out _) && !_ids.ContainsKey(r)).Distinct(StringComparer.OrdinalIgnoreCase).ToList(), cancellationToken);
            var ids = recipients.Select(r => Guid.TryParse(r, out _) ? r : _ids.GetValueOrDefault(r, r)).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
            await EnsureInstalledAsync(ids, cancellationToken);
            return ids;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>User principal names to object ids, in batches; one that is not found stays as given, and is logged.</summary>
    private async Task ResolveAsync(IReadOnlyList<string> names, CancellationToken cancellationToken)
    {
        if (names.Count == 0)
        {
            return;
        }

        var batch = new BatchRequestContentCollection(graph);
        var steps = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var name in names)
        {
            steps[await batch.AddBatchRequestStepAsync(graph.Users[name].ToGetRequestInformation(r => r.QueryParameters.Select = ["id"]))] = name;
        }

        var answers = await graph.Batch.PostAsync(batch, cancellationToken);
        var statuses = await answers.GetResponsesStatusCodesAsync();
        foreach (var (step, name) in steps)
        {
            if (statuses.GetValueOrDefault(step) == System.Net.HttpStatusCode.OK && (await answers.GetResponseByIdAsync<User>(step))?.Id is { } id)
            {
                _ids[name] = id;
            }
            else
            {
                logger.LogWarning("A recruiter in requisitions.json ({Status}) is not a user of this tenant; check the recruiters' user principal names or ids.", statuses.GetValueOrDefault(step));
            }
        }
    }

    /// <summary>Installs the app for those recipients who lack it; returns how many could not be given it.</summary>
    private async Task<int> EnsureInstalledAsync(IReadOnlyList<string> recipients, CancellationToken cancellationToken)
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
