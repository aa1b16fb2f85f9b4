using Pipeline.Functions.Hosting;

namespace Pipeline.Functions.Functions.TeamsTab;

/// <summary>
/// HTTP <c>GET /api/teams/tab</c>: the Teams app's personal tab, where activity-feed notifications lead. It shows
/// no candidate data (it has no sign-in): it says where shortlists and decisions are.
/// </summary>
public sealed class TeamsTab : HttpFunction
{
    private const string Page = """
        <!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Pipeline</title></head>
        <body style="font-family:Segoe UI,Arial,sans-serif;font-size:14px;color:#1b1b1b">
        <h1 style="font-size:20px">Pipeline shortlists</h1>
        <p>Shortlists go to hiring managers by email, and their replies are recorded as decisions. The notifications in
        your activity feed say when a shortlist was sent, when it was decided, and when it has waited too long.</p>
        <p>For a requisition's decisions, ask your Pipeline administrator (<code>pipeline decisions list</code>).</p>
        </body></html>
        """;

    protected override Task<FunctionResult> RunAsync(HttpTriggerRequest request, CancellationToken cancellationToken) =>
        Task.FromResult(new FunctionResult
        {
            Http = new HttpOutput(200, Page, new Dictionary<string, string> { ["Content-Type"] = "text/html; charset=utf-8" }),
        });
}
