using System.IO.Compression;
using System.Net;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Pipeline.Core.Feeds;
using Pipeline.Testing;

namespace Pipeline.Functions.Tests.PollFeeds;

/// <summary>PollFeeds reading a feed over HTTP from a loopback feed server that wants an API key, sends ETags and gzips.</summary>
public sealed class PollFeedsHttpTests : IAsyncLifetime
{
    private const string Key = "k-123";
    private const string Csv = "email,name,skills\nada@uni.example,Ada,PyTorch; Kubeflow\nbad-email,Bob,SQL\ncyd@uni.example,Cyd,Python\n";
    private WebApplication _server = null!;
    private Uri _base = null!;
    private int _requests;
    private int _tokenRequests;

    public async ValueTask InitializeAsync()
    {
        (_server, _base) = await LoopbackServer.StartAsync(app =>
        {
            app.MapGet("/export.csv", async (HttpContext context) =>
            {
                Interlocked.Increment(ref _requests);
                if (context.Request.Headers["X-Api-Key"] != Key)
                {
                    context.Response.StatusCode = 401;
                    return;
                }

                if (context.Request.Headers.IfNoneMatch == "\"v1\"")
                {
                    context.Response.StatusCode = 304;
                    return;
                }

                context.Response.Headers.ETag = "\"v1\"";
                context.Response.ContentType = "text/csv";
                var bytes = Encoding.UTF8.GetBytes(Csv);
                if (context.Request.Headers.AcceptEncoding.ToString().Contains("gzip", StringComparison.Ordinal))
                {
                    context.Response.Headers.ContentEncoding = "gzip";
                    await using var gzip = new GZipStream(context.Response.Body, CompressionLevel.Fastest);
                    await gzip.WriteAsync(bytes);
                    return;
                }

                await context.Response.Body.WriteAsync(bytes);
            });
            app.MapPost("/token", async (HttpContext context) =>
            {
                Interlocked.Increment(ref _tokenRequests);
                var form = await context.Request.ReadFormAsync();
                return form["grant_type"] == "client_credentials" && form["client_id"] == "pipeline" && form["client_secret"] == "s3cret"
                    ? Results.Json(new { access_token = "tok-1", token_type = "Bearer", expires_in = 3600 })
                    : Results.Json(new { error = "invalid_client" }, statusCode: 401);
            });
            app.MapGet("/api/export.csv", (HttpContext context) =>
                context.Request.Headers.Authorization == "Bearer tok-1" ? Results.Text(Csv, "text/csv") : Results.StatusCode(401));
            app.MapGet("/moved", () => Results.Redirect("https://feeds.example.invalid/export.csv"));
            app.MapGet("/huge", () => Results.Text(new string('x', 5000)));
            app.MapGet("/broken", () => Results.StatusCode(500));
            app.MapGet("/slow", async (HttpContext context) =>
            {
                context.Response.ContentType = "text/csv";
                await context.Response.WriteAsync("email,name\nada@uni.example,Ada\n");
                await context.Response.Body.FlushAsync();
                await Task.Delay(TimeSpan.FromSeconds(5), context.RequestAborted);
            });
            app.MapGet("/truncated", async (HttpContext context) =>
            {
                context.Response.ContentType = "text/csv";
                context.Response.ContentLength = 10_000;
                await context.Response.WriteAsync("email,name\nada@uni.example,Ada\n");
                await context.Response.Body.FlushAsync();
                await Task.Delay(300); // let the headers and the first rows arrive before the connection drops
                context.Abort();
            });
            app.MapGet("/sign-in", () => Results.Content("<html><body><form>Sign in</form></body></html>", "text/html"));
            app.MapGet("/round", () => Results.Redirect("/round"));
            app.MapGet("/empty", () => Results.Text(string.Empty, "text/csv"));
        });
    }

    public async ValueTask DisposeAsync() => await _server.DisposeAsync();

    private Task<RunningHandler> StartAsync(string path, string key = Key, long maxBytes = 1_000_000, bool setSecret = true) =>
        RunningHandler.StartAsync(
            prepareConfig: config => File.WriteAllText(Path.Combine(config, "feeds.json"), $$"""
                { "feeds": [ { "id": "careers-api", "kind": "university", "source": "Careers API", "format": "csv",
                               "location": "{{new Uri(_base, path)}}", "maxBytes": {{maxBytes}}, "timeoutSeconds": 1,
                               "auth": { "type": "apiKey", "header": "X-Api-Key", "secret": "FEED_CAREERS_KEY" } } ] }
                """),
            settings: setSecret
                ? new Dictionary<string, string?> { ["FEED_CAREERS_KEY"] = key, ["Pipeline:FeedTestHosts"] = TestHost }
                : new Dictionary<string, string?> { ["Pipeline:FeedTestHosts"] = TestHost });

    // The loopback feed server is opted in as a test host; no other loopback address would be read.
    private string TestHost => $"{_base.Host}:{_base.Port}";

    [Fact]
    public async Task PollFeeds_HttpFeed_IsReadWithTheKey_ThenNotModifiedByItsETag()
    {
        await using var handler = await StartAsync("/export.csv");

        var first = await handler.PollFeedsAsync();
        var second = await handler.PollFeedsAsync();

        Assert.Equal(2, first.Metric("rows"));
        Assert.Equal(1, first.Metric("quarantined"));
        Assert.Equal(1, second.Metric("feedsNotModified"));
        Assert.Empty(second.Pages);
        var state = await handler.Services.GetRequiredService<FeedStateStore>().GetAsync("careers-api", default);
        Assert.Equal("\"v1\"", state!.Watermark!.ETag);
        Assert.True(state.NotModified);
        Assert.Equal(2, _requests);
    }

    [Theory]
    [InlineData("/export.csv", "wrong-key", 1_000_000, "refused the credentials (401)")]
    [InlineData("/moved", Key, 1_000_000, "only redirects within the feed's own origin")]
    [InlineData("/huge", Key, 1_000, "'maxBytes' is 1,000")]
    [InlineData("/broken", Key, 1_000_000, "answered 500")]
    [InlineData("/slow", Key, 1_000_000, "did not finish sending within 1 s")]
    [InlineData("/truncated", Key, 1_000_000, "the connection broke after")]
    [InlineData("/sign-in", Key, 1_000_000, "answered with a web page (text/html)")]
    [InlineData("/round", Key, 1_000_000, "redirected more than 5 times")]
    public async Task PollFeeds_HttpFeedThatCannotBeRead_FailsClearlyAndIsRetriedNextRun(string path, string key, long maxBytes, string reason)
    {
        await using var handler = await StartAsync(path, key, maxBytes);

        var runs = await handler.PollFeedsAsync();

        Assert.Equal(1, runs.Metric("feedsFailed"));
        var state = await handler.Services.GetRequiredService<FeedStateStore>().GetAsync("careers-api", default);
        Assert.False(state!.Succeeded);
        Assert.Contains(reason, state.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task EmptyFeed_IsARunWithNoRows_NotAFailure()
    {
        await using var handler = await StartAsync("/empty");

        var runs = await handler.PollFeedsAsync();

        Assert.Equal(1, runs.Metric("feeds"));
        Assert.Equal(0, runs.Metric("rows"));
        var state = await handler.Services.GetRequiredService<FeedStateStore>().GetAsync("careers-api", default);
        Assert.True(state!.Succeeded);
        Assert.Equal(0, state.Accepted);
    }

    [Theory]
    [InlineData("s3cret", null)]
    [InlineData("wrong", "the token endpoint answered 401")]
    public async Task PollFeeds_OAuth2ClientCredentials_FetchesATokenOnceAndUsesIt(string clientSecret, string? error)
    {
        var feeds = $$"""
            { "feeds": [ { "id": "careers-api", "kind": "university", "source": "Careers API", "format": "csv",
                           "location": "{{new Uri(_base, "/api/export.csv")}}",
                           "auth": { "type": "oAuth2ClientCredentials", "tokenUrl": "{{new Uri(_base, "/token")}}", "clientId": "pipeline", "secret": "FEED_CLIENT_SECRET" } } ] }
            """;
        await using var handler = await RunningHandler.StartAsync(
            prepareConfig: config => File.WriteAllText(Path.Combine(config, "feeds.json"), feeds),
            settings: new Dictionary<string, string?> { ["FEED_CLIENT_SECRET"] = clientSecret, ["Pipeline:FeedTestHosts"] = TestHost });

        var first = await handler.PollFeedsAsync();
        await handler.PollFeedsAsync();

        if (error is null)
        {
            Assert.Equal(2, first.Metric("rows"));
            Assert.Equal(1, _tokenRequests); // the second run reused the token
        }
        else
        {
            var state = await handler.Services.GetRequiredService<FeedStateStore>().GetAsync("careers-api", default);
            Assert.Contains(error, state!.Error, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Start_WithoutTheSecretSetting_FailsNamingIt()
    {
        var e = await Assert.ThrowsAsync<InvalidOperationException>(() => StartAsync("/export.csv", setSecret: false));
        Assert.Contains("'FEED_CAREERS_KEY' named by 'auth.secret' is not set", e.Message, StringComparison.Ordinal);
    }
}
