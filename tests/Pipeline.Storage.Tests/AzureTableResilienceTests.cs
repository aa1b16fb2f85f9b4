using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Azure;
using Azure.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Azure.Data.Tables;
using Pipeline.Storage.AzureTables;
using Pipeline.Testing;

namespace Pipeline.Storage.Tests;

/// <summary>
/// The Azure.Data.Tables-backed store against a loopback Table endpoint that injects faults: retries come from the
/// client options' Azure.Core pipeline, every attempt is signed afresh, and Entra tokens are asked for the storage scope.
/// </summary>
public sealed class AzureTableResilienceTests : IAsyncLifetime
{
    private readonly ConcurrentQueue<int> _plannedStatuses = new();
    private readonly ConcurrentQueue<(string? Authorization, string? Date)> _seen = new();
    private readonly ConcurrentQueue<string> _versions = new();
    private WebApplication _server = null!;
    private Uri _endpoint = null!;

    private X509Certificate2? _certificate;

    public ValueTask InitializeAsync() => StartAsync(https: false);

    private async ValueTask StartAsync(bool https)
    {
        _certificate = https ? SelfSignedLoopbackCertificate() : null;
        Uri address;
        (_server, address) = await LoopbackServer.StartAsync(app => app.Run(async context =>
        {
            _seen.Enqueue((context.Request.Headers.Authorization, context.Request.Headers["x-ms-date"]));
            _versions.Enqueue(context.Request.Headers["x-ms-version"].ToString());
            var status = _plannedStatuses.TryDequeue(out var planned) ? planned : 200;
            context.Response.StatusCode = status;
            if (status == 429)
            {
                context.Response.Headers.RetryAfter = "0";
            }

            if (status == 200)
            {
                context.Response.Headers.ETag = "W/\"datetime'2026-11-22T12%3A00%3A00Z'\"";
                await context.Response.WriteAsJsonAsync(new Dictionary<string, object> { ["PartitionKey"] = "a", ["RowKey"] = "b", ["V"] = 7 });
            }
            else
            {
                context.Response.Headers["x-ms-error-code"] = "ServerBusy";
                await context.Response.WriteAsync("""{"odata.error":{"code":"ServerBusy","message":{"lang":"en-US","value":"The server is busy."}}}""");
            }
        }), _certificate);
        _endpoint = new Uri(address.ToString().Replace("[::1]", "127.0.0.1", StringComparison.Ordinal) + "devstoreaccount1");
    }

    public async ValueTask DisposeAsync()
    {
        await _server.DisposeAsync();
        _certificate?.Dispose();
    }

    private ITable CreateSut()
    {
        var options = new TableClientOptions();
        options.Retry.Delay = TimeSpan.FromMilliseconds(5);
        options.Retry.MaxDelay = TimeSpan.FromMilliseconds(20);
        options.Retry.MaxRetries = 3;
        return new AzureTableStore(AzuriteFixture.Connection(_endpoint), options).GetTable("candidates");
    }

    [Fact]
    public async Task Get_After503And429_RetriesAndSucceeds_SigningEveryAttempt()
    {
        _plannedStatuses.Enqueue(503);
        _plannedStatuses.Enqueue(429);

        var entity = await CreateSut().GetAsync("a", "b");

        Assert.Equal(7, entity!["V"]);
        Assert.Equal(3, _seen.Count);
        Assert.All(_seen, s => Assert.StartsWith("SharedKeyLite devstoreaccount1:", s.Authorization, StringComparison.Ordinal));
        Assert.All(_seen, s => Assert.False(string.IsNullOrEmpty(s.Date)));
    }

    [Fact]
    public async Task Get_ServerBusyThroughout_GivesUpAfterTheConfiguredRetriesWithTheStatusAndCode()
    {
        for (var i = 0; i < 10; i++)
        {
            _plannedStatuses.Enqueue(503);
        }

        var e = await Assert.ThrowsAsync<RequestFailedException>(() => CreateSut().GetAsync("a", "b"));

        Assert.Equal(503, e.Status);
        Assert.Equal("ServerBusy", e.ErrorCode);
        Assert.Equal(4, _seen.Count); // the first attempt and three retries
    }

    [Fact]
    public async Task BearerCredential_OverHttps_SendsTheTokenForTheStorageScope()
    {
        await _server.DisposeAsync();
        _seen.Clear();
        await StartAsync(https: true);
        var credential = new RecordingCredential();
        var thumbprint = _certificate!.Thumbprint;
        var options = new TableClientOptions
        {
            // Trust exactly the test's certificate, nothing else.
            Transport = new Azure.Core.Pipeline.HttpClientTransport(new HttpClientHandler
            {
                ServerCertificateCustomValidationCallback = (_, certificate, _, _) => certificate?.Thumbprint == thumbprint,
            }),
        };

        var entity = await new AzureTableStore(_endpoint, credential, options).GetTable("candidates").GetAsync("a", "b");

        Assert.Equal(7, entity!["V"]);
        Assert.Equal(["https://storage.azure.com/.default"], credential.Scopes);
        Assert.Equal("Bearer token-for-storage", Assert.Single(_seen).Authorization);
        Assert.True(string.CompareOrdinal(Assert.Single(_versions), "2019-02-02") >= 0, "Entra tokens need x-ms-version 2019-02-02 or later");
    }

    [Fact]
    public void BearerCredential_OverPlainHttp_IsRefused()
    {
        // Azure.Core will not send a bearer token unencrypted; a misconfigured http:// endpoint fails at once.
        var table = new AzureTableStore(new Uri("http://127.0.0.1:1/devstoreaccount1"), new RecordingCredential()).GetTable("candidates");
        Assert.ThrowsAny<Exception>(() => table.GetAsync("a", "b").GetAwaiter().GetResult());
    }

    private static X509Certificate2 SelfSignedLoopbackCertificate()
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=127.0.0.1", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddHours(1));
        return X509CertificateLoader.LoadPkcs12(certificate.Export(X509ContentType.Pfx), null);
    }

    private sealed class RecordingCredential : TokenCredential
    {
        public string[] Scopes { get; private set; } = [];

        public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken)
        {
            Scopes = requestContext.Scopes;
            return new AccessToken("token-for-storage", DateTimeOffset.MaxValue);
        }

        public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
            ValueTask.FromResult(GetToken(requestContext, cancellationToken));
    }
}
