using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Pipeline.Core.Feeds;
using Pipeline.Testing;

namespace Pipeline.Functions.Tests.PollFeeds;

/// <summary>
/// Feeds are no way in: a file feed stays inside the configuration folder, an HTTPS feed never reaches an internal
/// address (checked when connecting, after DNS), and loopback test servers are admitted only when named in
/// Pipeline:FeedTestHosts.
/// </summary>
public sealed class PollFeedsFenceTests : IAsyncLifetime
{
    // What a file outside the configuration folder holds: it must never show in an error.
    private const string OutsideContent = "root-secret@outside.example,Outside Person,+44 20 7946 0000\n";
    private WebApplication _server = null!;
    private Uri _base = null!;
    private TcpListener _silent = null!;
    private int _requests;

    public async ValueTask InitializeAsync()
    {
        (_server, _base) = await LoopbackServer.StartAsync(app =>
        {
            app.MapGet("/export.csv", () =>
            {
                Interlocked.Increment(ref _requests);
                return Results.Text("email,name\nada@uni.example,Ada\n", "text/csv");
            });
            app.MapGet("/to-metadata", () => Results.Redirect("https://169.254.169.254/latest/meta-data/"));
        });

        // A listener that never answers: a connection to it shows up as a pending connection.
        _silent = new TcpListener(IPAddress.Loopback, 0);
        _silent.Start();
    }

    public async ValueTask DisposeAsync()
    {
        _silent.Stop();
        await _server.DisposeAsync();
    }

    private int SilentPort => ((IPEndPoint)_silent.LocalEndpoint).Port;

    private static Action<string> Feed(string location, Action<string>? more = null) => config =>
    {
        more?.Invoke(config);
        File.WriteAllText(Path.Combine(config, "feeds.json"), $$"""
            { "feeds": [ { "id": "fenced", "kind": "university", "source": "Fenced", "format": "csv", "location": "{{location.Replace("\\", "\\\\", StringComparison.Ordinal)}}", "timeoutSeconds": 2 } ] }
            """);
    };

    private static string Outside(string config)
    {
        var path = Path.Combine(Path.GetDirectoryName(config)!, "outside.csv");
        File.WriteAllText(path, OutsideContent);
        return path;
    }

    public static TheoryData<string> LocationsOutside => new() { "dotdot", "absolute", "etc-passwd", "file-symlink", "folder-symlink" };

    [Theory]
    [MemberData(nameof(LocationsOutside))]
    public async Task Start_FileFeedOutsideTheConfigFolder_IsRefusedNamingTheFeedButNotTheContent(string kind)
    {
        var location = "";
        var e = await Assert.ThrowsAsync<InvalidOperationException>(() => RunningHandler.StartAsync(prepareConfig: config =>
        {
            var outside = Outside(config);
            location = kind switch
            {
                "dotdot" => "../outside.csv",
                "absolute" => outside,
                "etc-passwd" => "/etc/passwd",
                "file-symlink" => Link(Path.Combine(config, "feeds", "linked.csv"), outside),
                _ => Path.Combine(Link(Path.Combine(config, "exports"), Path.GetDirectoryName(outside)!, directory: true), "outside.csv"),
            };
            if (kind.EndsWith("symlink", StringComparison.Ordinal))
            {
                location = Path.GetRelativePath(config, location);
            }

            Feed(location)(config);
        }));

        Assert.Contains("feed 'fenced'", e.Message, StringComparison.Ordinal);
        Assert.Contains("outside the configuration folder", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("root-secret", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("root:", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PollFeeds_FileSwappedForASymlinkOutAfterStart_IsRefusedWithoutItsContent()
    {
        string? file = null;
        await using var handler = await RunningHandler.StartAsync(prepareConfig: Feed("feeds/swapped.csv", config =>
        {
            file = Path.Combine(config, "feeds", "swapped.csv");
            File.WriteAllText(file, "email,name\nada@uni.example,Ada\n");
        }));
        var outside = Outside(handler.ConfigDirectory);
        File.Delete(file!);
        File.CreateSymbolicLink(file!, outside);

        var runs = await handler.PollFeedsAsync();

        Assert.Equal(1, runs.Metric("feedsFailed"));
        var state = await handler.Services.GetRequiredService<FeedStateStore>().GetAsync("fenced", default);
        Assert.Contains("outside the configuration folder", state!.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("root-secret", state.Error, StringComparison.Ordinal);
        Assert.Empty(runs.Pages);
    }

    [Theory]
    [InlineData("https://127.0.0.1:{port}/export.csv")]
    [InlineData("https://127.0.0.2:{port}/export.csv")]
    [InlineData("https://[::1]:{port}/export.csv")]
    [InlineData("https://[::ffff:127.0.0.1]:{port}/export.csv")]
    [InlineData("https://localhost:{port}/export.csv")]
    [InlineData("https://0.0.0.0:{port}/export.csv")]
    [InlineData("https://169.254.169.254/latest/meta-data/")]
    [InlineData("https://10.0.0.5/export.csv")]
    [InlineData("https://172.16.0.1/export.csv")]
    [InlineData("https://192.168.1.1/export.csv")]
    [InlineData("https://100.64.0.1/export.csv")]
    [InlineData("https://[fd00::1]/export.csv")]
    [InlineData("https://[fe80::1]/export.csv")]
    [InlineData("https://[::ffff:10.0.0.5]/export.csv")]
    [InlineData("https://224.0.0.1/export.csv")]
    public async Task PollFeeds_HttpsFeedToAnInternalAddress_IsRefusedBeforeConnecting(string location)
    {
        await using var handler = await RunningHandler.StartAsync(prepareConfig: Feed(location.Replace("{port}", SilentPort.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal)));

        var runs = await handler.PollFeedsAsync();

        Assert.Equal(1, runs.Metric("feedsFailed"));
        var state = await handler.Services.GetRequiredService<FeedStateStore>().GetAsync("fenced", default);
        Assert.Contains("internal address", state!.Error, StringComparison.Ordinal);
        Assert.False(_silent.Pending(), "a connection reached the loopback listener");
    }

    [Fact]
    public async Task Start_PlainHttpLoopbackFeedNotATestHost_IsRefused()
    {
        var e = await Assert.ThrowsAsync<InvalidOperationException>(() => RunningHandler.StartAsync(prepareConfig: Feed(new Uri(_base, "/export.csv").ToString())));

        Assert.Contains("feed 'fenced'", e.Message, StringComparison.Ordinal);
        Assert.Contains("Pipeline:FeedTestHosts", e.Message, StringComparison.Ordinal);
        Assert.Equal(0, _requests);
    }

    [Fact]
    public async Task PollFeeds_LoopbackFeedNamedAsATestHost_IsRead()
    {
        await using var handler = await RunningHandler.StartAsync(
            prepareConfig: Feed(new Uri(_base, "/export.csv").ToString()),
            settings: new Dictionary<string, string?> { ["Pipeline:FeedTestHosts"] = $"{_base.Host}:{_base.Port}" });

        var runs = await handler.PollFeedsAsync();

        Assert.Equal(1, runs.Metric("rows"));
        Assert.Equal(1, _requests);
    }

    [Fact]
    public async Task PollFeeds_RedirectFromATestHostToAnInternalAddress_IsNotFollowed()
    {
        await using var handler = await RunningHandler.StartAsync(
            prepareConfig: Feed(new Uri(_base, "/to-metadata").ToString()),
            settings: new Dictionary<string, string?> { ["Pipeline:FeedTestHosts"] = $"{_base.Host}:{_base.Port}" });

        var runs = await handler.PollFeedsAsync();

        Assert.Equal(1, runs.Metric("feedsFailed"));
        var state = await handler.Services.GetRequiredService<FeedStateStore>().GetAsync("fenced", default);
        Assert.Contains("169.254.169.254", state!.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("10.0.0.5:80")]
    [InlineData("169.254.169.254:80")]
    [InlineData("feeds.example:443")]
    public async Task Start_TestHostThatIsNotLoopback_IsRefused(string testHost)
    {
        var e = await Assert.ThrowsAsync<OptionsValidationExceptionOrInvalid>(async () =>
        {
            try
            {
                await using var handler = await RunningHandler.StartAsync(settings: new Dictionary<string, string?> { ["Pipeline:FeedTestHosts"] = testHost });
            }
            catch (Exception inner)
            {
                throw new OptionsValidationExceptionOrInvalid(inner.Message);
            }
        });

        Assert.Contains($"Pipeline:FeedTestHosts lists '{testHost}'", e.Message, StringComparison.Ordinal);
        Assert.Contains("loopback", e.Message, StringComparison.Ordinal);
    }

    private sealed class OptionsValidationExceptionOrInvalid(string message) : Exception(message);

    private static string Link(string path, string target, bool directory = false)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        if (directory)
        {
            Directory.CreateSymbolicLink(path, target);
        }
        else
        {
            File.CreateSymbolicLink(path, target);
        }

        return path;
    }
}
