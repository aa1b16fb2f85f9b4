using System.Globalization;
using System.Text.Json;
using Pipeline.Core.Teams;
using Pipeline.Domain.Requisitions;
using Pipeline.Functions.Hosting;

namespace Pipeline.Functions.TeamsShortlist;

/// <summary>
/// HTTP <c>GET /api/teams/shortlist?requisition=…&amp;version=…</c>: what the Teams tab shows
/// (<see cref="TeamsTabShortlists"/>), for the bearer of a Teams single sign-on token. 401 without a valid token for
/// this app and tenant; 403 unless the user is the requisition's hiring manager, a delegate or a recruiter. Without a
/// requisition: the requisitions the user is one of the people of. With one: its shortlist (the latest version unless
/// one is named) composed as the email composes it, the decisions so far, and the versions there are.
/// </summary>
public sealed class TeamsShortlist(TeamsTokenValidator tokens, TeamsTabShortlists tab) : HttpFunction
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
            return Json(200, new { requisitions = tab.RequisitionsOf(user).Select(r => new { id = r.Id, title = r.Title }) });
        }

        var version = int.TryParse(QueryValue(request.Query, "version"), NumberStyles.None, CultureInfo.InvariantCulture, out var v) ? v : (int?)null;
        var shown = await tab.ShowAsync(user, requisitionId, version, cancellationToken);
        switch (shown.Outcome)
        {
            case TabShortlistOutcome.Refused:
                return Json(403, new { error = "Only the requisition's hiring manager, delegates and recruiters see its shortlist." });
            case TabShortlistOutcome.NoShortlist:
                return Json(200, new { requisition = shown.Requisition!.Id, title = shown.Requisition.Title, version = (int?)null, versions = shown.Versions, html = "<p>No shortlist has been sent for this requisition yet.</p>" });
            default:
                var result = Json(200, new { requisition = shown.Requisition!.Id, title = shown.Requisition.Title, version = shown.Version, versions = shown.Versions, html = shown.Html });
                result.Count("teamsTabViews");
                return result;
        }
    }

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
