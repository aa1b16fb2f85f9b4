using System.Globalization;
using System.Text.Json;
using Pipeline.Core.Candidates;
using Pipeline.Core.Certifications;
using Pipeline.Core.Configuration;
using Pipeline.Core.Decisions;
using Pipeline.Core.Shortlists;
using Pipeline.Core.Teams;
using Pipeline.Domain.Delivery;
using Pipeline.Domain.Requisitions;
using Pipeline.Functions.Hosting;

namespace Pipeline.Functions.TeamsShortlist;

/// <summary>
/// HTTP <c>GET /api/teams/shortlist?requisition=…&amp;version=…</c>: what the Teams tab shows, for the bearer of a
/// Teams single sign-on token. 401 without a valid token for this app and tenant; 403 unless the user is the
/// requisition's hiring manager, a delegate or a recruiter. Without a requisition: the requisitions the user is one of
/// the people of. With one: its shortlist (the latest version unless one is named) composed as the email composes
/// it, the decisions so far, and the versions there are.
/// </summary>
public sealed class TeamsShortlist(
    TeamsTokenValidator tokens,
    PipelineConfiguration configuration,
    ShortlistStore shortlists,
    DecisionStore decisions,
    ShortlistPreview preview,
    TimeProvider time,
    ILogger<TeamsShortlist> logger) : HttpFunction
{
    protected override async Task<FunctionResult> RunAsync(HttpTriggerRequest request, CancellationToken cancellationToken)
    {
        var user = await tokens.ValidateAsync(BearerToken(request), cancellationToken);
        if (user is null)
        {
            return Json(401, new { error = "Sign in through Teams: a valid token for this app is needed." }, ("WWW-Authenticate", "Bearer"));
        }

        var requisitionId = QueryValue(request.Query, "requisition");
        if (string.IsNullOrEmpty(requisitionId))
        {
            return Json(200, new
            {
                requisitions = configuration.Requisitions.Where(r => IsOnePeopleOf(r, user)).Select(r => new { id = r.Id, title = r.Title }),
            });
        }

        // An unknown requisition answers as one the user is not part of: the tab does not reveal which exist.
        var requisition = configuration.FindRequisition(requisitionId);
        if (requisition is null || !IsOnePeopleOf(requisition, user))
        {
            logger.LogWarning("Teams tab refused a signed-in user who is not one of the people of the requisition asked for");
            return Json(403, new { error = "Only the requisition's hiring manager, delegates and recruiters see its shortlist." });
        }

        var latest = await shortlists.GetLatestVersionAsync(requisition.Id, cancellationToken);
        var versions = latest is { } last ? Enumerable.Range(1, last).Reverse().ToList() : [];
        var asked = int.TryParse(QueryValue(request.Query, "version"), NumberStyles.None, CultureInfo.InvariantCulture, out var v) ? v : latest;
        var shortlist = asked is { } version ? await shortlists.GetAsync(requisition.Id, version, cancellationToken) : null;
        if (shortlist is null)
        {
            return Json(200, new { requisition = requisition.Id, title = requisition.Title, version = (int?)null, versions, html = "<p>No shortlist has been sent for this requisition yet.</p>" });
        }

        var recorded = new List<DecisionEntry>();
        await foreach (var d in decisions.ListAsync(requisition.Id, cancellationToken))
        {
            recorded.Add(new DecisionEntry(d.Version, d.Candidate, d.Decision, d.By, d.At));
        }

        var result = Json(200, new
        {
            requisition = requisition.Id,
            title = requisition.Title,
            version = shortlist.Version,
            versions,
            html = ShortlistTabView.Compose(requisition, shortlist, recorded,
                IsRecruiter(requisition, user) && shortlist.Version == latest && requisition.IsOpen ? await NearMissesAsync(requisition, cancellationToken) : null),
        });
        result.Count("teamsTabViews");
        return result;
    }

    /// <summary>Scored as <c>pipeline shortlist preview</c> scores, by the same <see cref="ShortlistPreview"/>.</summary>
    private async Task<IReadOnlyList<Domain.Shortlists.ShortlistMember>> NearMissesAsync(Requisition requisition, CancellationToken cancellationToken)
    {
        var scored = await preview.ScoreEveryoneAsync(requisition, time.GetUtcNow(), cancellationToken);
        return scored.NearMisses
            .Select((s, i) => new Domain.Shortlists.ShortlistMember(i + 1, s.CandidateId, s.Score, s.Requirements, scored.Card(s.CandidateId, !requisition.BlindMode)))
            .ToList();
    }

    private static bool IsRecruiter(Requisition requisition, TeamsUser user) =>
        requisition.Recruiters.Any(r => Same(r, user.ObjectId) || Same(r, user.UserName));

    private static bool Same(string? a, string? b) =>
        !string.IsNullOrWhiteSpace(a) && !string.IsNullOrWhiteSpace(b) && string.Equals(a.Trim(), b.Trim(), StringComparison.OrdinalIgnoreCase);

    /// <summary>The hiring manager, a delegate (by sign-in name) or a recruiter (by Entra object id or sign-in name).</summary>
    internal static bool IsOnePeopleOf(Requisition requisition, TeamsUser user) =>
        Same(requisition.HiringManager.Email, user.UserName)
        || requisition.Delegates.Any(d => Same(d.Email, user.UserName))
        || IsRecruiter(requisition, user);

    private static string? BearerToken(HttpTriggerRequest request)
    {
        foreach (var (name, value) in request.Headers ?? [])
        {
            if (!string.Equals(name, "Authorization", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            // The host sends each header as a string or an array of strings.
            var text = value.ValueKind switch
            {
                JsonValueKind.String => value.GetString(),
                JsonValueKind.Array => value.EnumerateArray().Select(e => e.GetString()).FirstOrDefault(),
                _ => null,
            };
            return text is not null && text.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? text[7..].Trim() : null;
        }

        return null;
    }

    private static string? QueryValue(JsonElement query, string name) =>
        query.ValueKind == JsonValueKind.Object && query.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static FunctionResult Json(int status, object body, params (string Name, string Value)[] headers)
    {
        var all = new Dictionary<string, string>
        {
            ["Content-Type"] = "application/json; charset=utf-8",
            ["Cache-Control"] = "no-store",
            ["X-Content-Type-Options"] = "nosniff",
        };
        foreach (var (name, value) in headers)
        {
            all[name] = value;
        }

        return new FunctionResult { Http = new HttpOutput(status, JsonSerializer.Serialize(body), all) };
    }
}
