using Microsoft.Extensions.Options;
using Pipeline.Core.Configuration;
using Pipeline.Functions.Hosting;

namespace Pipeline.Functions.TeamsTab;

/// <summary>
/// HTTP <c>GET /api/teams/tab</c>: the Teams app's personal tab, where activity-feed notifications lead, and its
/// scripts (<c>/api/teams/tab/{asset}</c>). The page holds no candidate data: its script signs in through Teams single
/// sign-on and asks <c>TeamsShortlist</c> for it. The Teams JavaScript library is served from the app (vendored here),
/// never a CDN, so the content security policy admits scripts from this origin only.
/// </summary>
public sealed class TeamsTab(IOptions<PipelineOptions> options) : HttpFunction
{
    private const string Route = "/api/teams/tab/";

    private static readonly IReadOnlyDictionary<string, (string Resource, string ContentType)> Assets = new Dictionary<string, (string, string)>(StringComparer.Ordinal)
    {
        ["teams.js"] = ("MicrosoftTeams.min.js", "text/javascript; charset=utf-8"),
        ["tab.js"] = ("tab.js", "text/javascript; charset=utf-8"),
        ["tab.css"] = ("tab.css", "text/css; charset=utf-8"),
        ["teams-test.js"] = ("teams-test.js", "text/javascript; charset=utf-8"),
    };

    private const string Page = """
        <!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
        <title>Pipeline shortlists</title><link rel="stylesheet" href="tab/tab.css"></head>
        <body><header><h1 id="title">Pipeline shortlists</h1></header>
        <main aria-live="polite">
        <p id="status">Signing you in…</p>
        <div id="signin" hidden><p>Sign in to Microsoft Teams to see shortlists. A requisition's shortlist is shown to its hiring manager, delegates and recruiters.</p>
        <button type="button" id="retry">Sign in again</button></div>
        <nav id="requisitions" aria-labelledby="requisitions-heading" hidden><h2 id="requisitions-heading">Your requisitions</h2><ul id="requisition-list"></ul></nav>
        <div id="versions" hidden><label for="version">Shortlist version</label> <select id="version"></select></div>
        <div id="content"></div>
        </main>
        <script src="tab/{library}"></script><script src="tab/tab.js"></script>
        </body></html>
        """;

    /// <summary>
    /// Scripts and styles from this origin only (inline style attributes are the email's card layout); data from this
    /// origin only; framed by Teams only.
    /// </summary>
    private const string ContentSecurityPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; connect-src 'self'; img-src 'self'; base-uri 'none'; form-action 'none'; " +
        "frame-ancestors 'self' https://teams.microsoft.com https://*.teams.microsoft.com https://*.cloud.microsoft https://*.office.com";

    protected override Task<FunctionResult> RunAsync(HttpTriggerRequest request, CancellationToken cancellationToken)
    {
        var testMode = options.Value.TeamsTestMode;
        var path = Uri.TryCreate(request.Url, UriKind.Absolute, out var url) ? url.AbsolutePath : request.Url ?? string.Empty;
        var at = path.IndexOf(Route, StringComparison.OrdinalIgnoreCase);
        var asset = at < 0 ? string.Empty : path[(at + Route.Length)..].TrimEnd('/');
        if (asset.Length == 0)
        {
            return Respond(200, Page.Replace("{library}", testMode ? "teams-test.js" : "teams.js", StringComparison.Ordinal), "text/html; charset=utf-8");
        }

        // The stand-in that lets a test supply the token exists only in test mode.
        if (!Assets.TryGetValue(asset, out var file) || (asset == "teams-test.js" && !testMode))
        {
            return Respond(404, "Not found", "text/plain; charset=utf-8");
        }

        return Respond(200, ReadResource(file.Resource), file.ContentType);
    }

    private static Task<FunctionResult> Respond(int status, string body, string contentType) =>
        Task.FromResult(new FunctionResult
        {
            Http = new HttpOutput(status, body, new Dictionary<string, string>
            {
                ["Content-Type"] = contentType,
                ["Content-Security-Policy"] = ContentSecurityPolicy,
                ["X-Content-Type-Options"] = "nosniff",
                ["Referrer-Policy"] = "no-referrer",
                ["Cache-Control"] = "no-cache",
            }),
        });

    private static string ReadResource(string name)
    {
        using var stream = typeof(TeamsTab).Assembly.GetManifestResourceStream("TeamsTab/" + name)
            ?? throw new InvalidOperationException($"The Teams tab asset {name} is missing from the build.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
