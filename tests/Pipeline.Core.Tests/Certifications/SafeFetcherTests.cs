using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Pipeline.Core.Certifications;
using Pipeline.Testing;

namespace Pipeline.Core.Tests.Certifications;

/// <summary>
/// Candidate-supplied URLs are fetched only where allowed. Every refusal aimed at an internal address happens before
/// any connection is made: these tests send nothing beyond loopback.
/// </summary>
public sealed class SafeFetcherTests : IAsyncLifetime
{
    private WebApplication _server = null!;
    private Uri _base = null!;
    private string _testHost = null!;

    public async ValueTask InitializeAsync()
    {
        (_server, _base) = await LoopbackServer.StartAsync(app =>
        {
            app.MapGet("/assertion", () => Results.Json(new { id = "assertion", type = "Assertion" }));
            app.MapGet("/hop", () => Results.Redirect("/assertion"));
            app.MapGet("/to-metadata", () => Results.Redirect("https://169.254.169.254/latest/meta-data/"));
            app.MapGet("/to-private", () => Results.Redirect("http://10.0.0.1/admin"));
            app.MapGet("/loop", () => Results.Redirect("/loop"));
            app.MapGet("/big", () => Results.Text(new string('x', 2 * 1024 * 1024)));
            app.MapGet("/slow", async (CancellationToken ct) =>
            {
                await Task.Delay(TimeSpan.FromSeconds(5), ct);
                return Results.Ok();
            });
        });
        _testHost = $"{_base.Host}:{_base.Port}";
    }

    public async ValueTask DisposeAsync() => await _server.DisposeAsync();

    private SafeFetcher CreateSut(string[]? allowed = null, bool admitTestHost = true, TimeSpan? timeout = null) => new(new SafeFetchPolicy
    {
        AllowedHosts = allowed ?? [".credly.com"],
        TestHosts = admitTestHost ? [_testHost] : [],
        MaxBytes = 1024 * 1024,
        Timeout = timeout ?? TimeSpan.FromSeconds(10),
    });

    private static async Task<string> RefusedAsync(SafeFetcher sut, string url) =>
        (await Assert.ThrowsAsync<SafeFetchException>(() => sut.GetAsync(new Uri(url), CancellationToken.None))).Reason;

    [Fact]
    public async Task Get_AdmittedTestHost_FetchesAndFollowsRedirectsRecordingEachUrl()
    {
        using var sut = CreateSut();
        var result = await sut.GetAsync(new Uri(_base, "/hop"), CancellationToken.None);

        Assert.Equal(200, result.Status);
        Assert.Equal("/assertion", result.FinalUrl.AbsolutePath);
        Assert.Equal(["/hop", "/assertion"], result.Visited.Select(u => u.AbsolutePath));
        Assert.Contains("Assertion", System.Text.Encoding.UTF8.GetString(result.Body), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Get_LoopbackThatIsNotATestHost_IsRefused()
    {
        using var sut = CreateSut(admitTestHost: false);
        Assert.Contains("only https", await RefusedAsync(sut, new Uri(_base, "/assertion").ToString()), StringComparison.Ordinal);

        // Even if an allow-list wrongly names a loopback address, the address check refuses it before connecting.
        using var careless = CreateSut(allowed: ["127.0.0.1"], admitTestHost: false);
        Assert.Contains("internal address", await RefusedAsync(careless, $"https://127.0.0.1:{_base.Port}/assertion"), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("10.0.0.5:80", "http://10.0.0.5/assertions/x")]
    [InlineData("169.254.169.254:80", "http://169.254.169.254/latest/meta-data/")]
    public async Task Get_TestHostThatIsNotLoopback_IsRefusedBeforeConnecting(string testHost, string url)
    {
        // A test host admits plain HTTP to a test server on this machine, never to another one.
        using var sut = new SafeFetcher(new SafeFetchPolicy { TestHosts = [testHost] });

        Assert.Contains("not loopback", await RefusedAsync(sut, url), StringComparison.Ordinal);
    }

    [Fact]
    public void RefuseTestHosts_ThatAreNotLoopback_AreRefusedBeforeAnyFetch()
    {
        var e = Assert.Throws<InvalidOperationException>(() => SafeFetcher.RefuseTestHostsInAzure(new SafeFetchPolicy { TestHosts = [_testHost, "10.0.0.5:80"] }));

        Assert.Contains("10.0.0.5:80", e.Message, StringComparison.Ordinal);
        SafeFetcher.RefuseTestHostsInAzure(new SafeFetchPolicy { TestHosts = [_testHost, "localhost:8080", "[::1]:8080"] });
    }

    [Fact]
    public async Task Get_CloudMetadataAddress_IsRefusedBeforeConnecting()
    {
        using var sut = CreateSut(allowed: ["169.254.169.254"]);
        Assert.Contains("internal address", await RefusedAsync(sut, "https://169.254.169.254/latest/meta-data/"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Get_NameThatResolvesToAnInternalAddress_IsRefused()
    {
        using var sut = CreateSut(allowed: ["localhost"]);
        Assert.Contains("localhost resolves to", await RefusedAsync(sut, $"https://localhost:{_base.Port}/assertion"), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/to-metadata", "internal address")]
    [InlineData("/to-private", "only https")]
    [InlineData("/loop", "more than 5 redirects")]
    public async Task Get_RedirectsAreCheckedAgain(string path, string reason)
    {
        using var sut = CreateSut(allowed: [".credly.com", "169.254.169.254"]);
        Assert.Contains(reason, await RefusedAsync(sut, new Uri(_base, path).ToString()), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("file:///etc/passwd", "only https")]
    [InlineData("ftp://www.credly.com/x", "only https")]
    [InlineData("https://user:secret@www.credly.com/badges/x", "credentials")]
    [InlineData("https://evil.example/badges/x", "not an allowed host")]
    [InlineData("https://www.credly.com.evil.example/x", "not an allowed host")]
    public async Task Get_SchemesCredentialsAndHostsOutsideTheRules_AreRefused(string url, string reason)
    {
        using var sut = CreateSut();
        Assert.Contains(reason, await RefusedAsync(sut, url), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Get_OversizedOrSlowAnswers_AreRefused()
    {
        using var sut = CreateSut(timeout: TimeSpan.FromMilliseconds(500));
        Assert.Contains("limit is 1,048,576 bytes", await RefusedAsync(sut, new Uri(_base, "/big").ToString()), StringComparison.Ordinal);
        Assert.Contains("did not answer", await RefusedAsync(sut, new Uri(_base, "/slow").ToString()), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("10.1.2.3", true)]
    [InlineData("172.16.0.1", true)]
    [InlineData("172.31.255.255", true)]
    [InlineData("192.168.1.1", true)]
    [InlineData("169.254.169.254", true)]
    [InlineData("100.64.0.1", true)]
    [InlineData("127.0.0.53", true)]
    [InlineData("0.0.0.0", true)]
    [InlineData("224.0.0.1", true)]
    [InlineData("::1", true)]
    [InlineData("fe80::1", true)]
    [InlineData("fd00:ec2::254", true)]
    [InlineData("::ffff:127.0.0.1", true)]
    [InlineData("::ffff:10.0.0.1", true)]
    [InlineData("2002:a00:5::1", true)] // 6to4 around 10.0.0.5
    [InlineData("64:ff9b::a9fe:a9fe", true)] // NAT64 around 169.254.169.254
    [InlineData("2001:db8::1", true)]
    [InlineData("2002:808:808::1", false)] // 6to4 around 8.8.8.8
    [InlineData("8.8.8.8", false)]
    [InlineData("172.32.0.1", false)]
    [InlineData("2001:4860:4860::8888", false)]
    public void IsForbidden_ClassifiesAddresses(string address, bool forbidden) =>
        Assert.Equal(forbidden, SafeFetcher.IsForbidden(IPAddress.Parse(address)));
}
