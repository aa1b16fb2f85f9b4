using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Pipeline.Functions.Hosting;

namespace Pipeline.Functions.Tests.Hosting;

/// <summary>Bad declarations, settings or configuration stop the start with a message naming the problem.</summary>
public sealed class StartupValidationTests
{
    [Fact]
    public async Task FunctionJsonWithoutHandler_FailsTheStartNamingIt()
    {
        var appRoot = CopyFunctionFolders();
        Directory.CreateDirectory(Path.Combine(appRoot, "Ghost"));
        File.WriteAllText(Path.Combine(appRoot, "Ghost", "function.json"),
            """{ "bindings": [ { "type": "timerTrigger", "direction": "in", "name": "timer", "schedule": "0 0 * * * *" } ] }""");

        var e = await Assert.ThrowsAsync<InvalidOperationException>(() => RunningHandler.StartAsync(settings: new Dictionary<string, string?> { ["FUNCTIONS_APP_ROOT_PATH"] = appRoot }));
        Assert.Contains("Ghost/function.json has no handler", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TriggerTypeMismatch_FailsTheStart()
    {
        var appRoot = CopyFunctionFolders();
        File.WriteAllText(Path.Combine(appRoot, "BuildShortlist", "function.json"),
            """{ "bindings": [ { "type": "timerTrigger", "direction": "in", "name": "timer", "schedule": "0 0 * * * *" } ] }""");

        var e = await Assert.ThrowsAsync<InvalidOperationException>(() => RunningHandler.StartAsync(settings: new Dictionary<string, string?> { ["FUNCTIONS_APP_ROOT_PATH"] = appRoot }));
        Assert.Contains("BuildShortlist/function.json declares a timerTrigger, but the handler takes a serviceBusTrigger", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MissingHandlerFolder_FailsTheStart()
    {
        var appRoot = CopyFunctionFolders();
        Directory.Delete(Path.Combine(appRoot, "Health"), recursive: true);

        var e = await Assert.ThrowsAsync<InvalidOperationException>(() => RunningHandler.StartAsync(settings: new Dictionary<string, string?> { ["FUNCTIONS_APP_ROOT_PATH"] = appRoot }));
        Assert.Contains("handler Health has no Health/function.json", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void GraphClientCertificate_WithItsKey_IsAccepted_AndBuildsAClient_WhileABrokenOneIsRefusedWithoutEchoingIt()
    {
        using var key = System.Security.Cryptography.RSA.Create(2048);
        var request = new System.Security.Cryptography.X509Certificates.CertificateRequest("CN=pipeline-test", key, System.Security.Cryptography.HashAlgorithmName.SHA256, System.Security.Cryptography.RSASignaturePadding.Pkcs1);
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
        var options = new Pipeline.Core.Configuration.GraphOptions
        {
            Mailbox = "talent@contoso.example", TenantId = "contoso.example", ClientId = "0b7d2c1e-3f4a-4b5c-8d6e-7f8091a2b3c4",
            ClientCertificate = Convert.ToBase64String(certificate.Export(System.Security.Cryptography.X509Certificates.X509ContentType.Pfx, "pw")),
            ClientCertificatePassword = "pw",
        };
        var validator = new Pipeline.Core.Configuration.GraphOptionsValidator();

        Assert.True(validator.Validate(null, options).Succeeded);
        Assert.NotNull(Pipeline.Core.Delivery.PipelineGraphClient.Create(options));

        var broken = validator.Validate(null, new Pipeline.Core.Configuration.GraphOptions
        {
            Mailbox = options.Mailbox, TenantId = options.TenantId, ClientId = options.ClientId, ClientCertificate = "bm90LWEtcGZ4", ClientCertificatePassword = "pw",
        });
        Assert.True(broken.Failed);
        Assert.Contains("Graph:ClientCertificate is not a base64 PFX", broken.FailureMessage, StringComparison.Ordinal);
        Assert.DoesNotContain("bm90LWEtcGZ4", broken.FailureMessage, StringComparison.Ordinal);
        options.ClientSecret = "also-a-secret";
        Assert.Contains("exactly one way", validator.Validate(null, options).FailureMessage, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("not-a-guid", "0b0e6a54-7c1e-4f5b-9d0a-2f6c3b8e1a11", "https://login.microsoftonline.com/{tenant}/v2.0", "Teams:ClientId is 'not-a-guid'")]
    [InlineData("7d3f1c2a-5b6e-4a8d-9c0f-1e2d3c4b5a69", null, "https://login.microsoftonline.com/{tenant}/v2.0", "Teams:TenantId is ''")]
    [InlineData("7d3f1c2a-5b6e-4a8d-9c0f-1e2d3c4b5a69", "0b0e6a54-7c1e-4f5b-9d0a-2f6c3b8e1a11", "http://login.example/{tenant}/v2.0", "Teams:Authority must be https")]
    [InlineData("7d3f1c2a-5b6e-4a8d-9c0f-1e2d3c4b5a69", "0b0e6a54-7c1e-4f5b-9d0a-2f6c3b8e1a11", "not a url", "Teams:Authority is 'not a url'")]
    public async Task TeamsOptions_Invalid_FailTheStartNamingTheSetting(string clientId, string? tenantId, string authority, string expected)
    {
        var e = await Assert.ThrowsAsync<OptionsValidationException>(() => RunningHandler.StartAsync(settings: new Dictionary<string, string?>
        {
            ["Teams:ClientId"] = clientId, ["Teams:TenantId"] = tenantId, ["Teams:Authority"] = authority,
        }));
        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TeamsOptions_LoopbackAuthorityAndValidIds_AreAccepted() =>
        Assert.True(new Pipeline.Core.Configuration.TeamsOptionsValidator().Validate(null, new Pipeline.Core.Configuration.TeamsOptions
        {
            ClientId = "7d3f1c2a-5b6e-4a8d-9c0f-1e2d3c4b5a69", TenantId = "0b0e6a54-7c1e-4f5b-9d0a-2f6c3b8e1a11", Authority = "http://127.0.0.1:5000/{tenant}/v2.0",
        }).Succeeded);

    [Fact]
    public void TeamsTestSettings_InAzure_AreRefused()
    {
        var teams = new Pipeline.Core.Configuration.TeamsOptions
        {
            ClientId = "7d3f1c2a-5b6e-4a8d-9c0f-1e2d3c4b5a69", TenantId = "0b0e6a54-7c1e-4f5b-9d0a-2f6c3b8e1a11", Authority = "http://127.0.0.1:5000/{tenant}/v2.0",
        };
        Assert.Contains("running in Azure", new Pipeline.Core.Configuration.TeamsOptionsValidator(() => true).Validate(null, teams).FailureMessage, StringComparison.Ordinal);
        Assert.True(new Pipeline.Core.Configuration.TeamsOptionsValidator(() => false).Validate(null, teams).Succeeded);

        var config = Path.Combine(AppContext.BaseDirectory, "samples");
        var pipeline = new Pipeline.Core.Configuration.PipelineOptions { ConfigDirectory = config, DataDirectory = Path.GetTempPath(), TeamsTestMode = true };
        Assert.Contains("Pipeline:TeamsTestMode is set, but this is running in Azure", new Pipeline.Core.Configuration.PipelineOptionsValidator(() => true).Validate(null, pipeline).FailureMessage, StringComparison.Ordinal);
        Assert.True(new Pipeline.Core.Configuration.PipelineOptionsValidator(() => false).Validate(null, pipeline).Succeeded);
    }

    [Fact]
    public async Task MissingConfigDirectorySetting_FailsTheStartNamingTheSetting()
    {
        var e = await Assert.ThrowsAsync<OptionsValidationException>(() => RunningHandler.StartAsync(settings: new Dictionary<string, string?> { ["Pipeline:ConfigDirectory"] = null }));
        Assert.Contains("Pipeline__ConfigDirectory", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task InvalidRequisition_FailsTheStartListingEveryProblem()
    {
        var e = await Assert.ThrowsAsync<InvalidOperationException>(() => RunningHandler.StartAsync(prepareConfig: config =>
            File.WriteAllText(Path.Combine(config, "requisitions.json"), """
                { "requisitions": [
                    { "id": "Bad Id", "title": "", "hiringManager": { "email": "nobody" }, "shortlistSize": 0 }
                ] }
                """)));

        Assert.Contains("'id' must be", e.Message, StringComparison.Ordinal);
        Assert.Contains("'title' is required", e.Message, StringComparison.Ordinal);
        Assert.Contains("'hiringManager.email'", e.Message, StringComparison.Ordinal);
        Assert.Contains("'shortlistSize'", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnknownConfigurationKey_FailsTheStart()
    {
        var e = await Assert.ThrowsAsync<InvalidOperationException>(() => RunningHandler.StartAsync(prepareConfig: config =>
            File.WriteAllText(Path.Combine(config, "feeds.json"), """{ "feeds": [], "feedz": [] }""")));
        Assert.Contains("feeds.json", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NumbersWrittenAsText_FailTheStartNamingFileEntryAndField()
    {
        var e = await Assert.ThrowsAsync<InvalidOperationException>(() => RunningHandler.StartAsync(prepareConfig: config =>
        {
            File.WriteAllText(Path.Combine(config, "feeds.json"), File.ReadAllText(Path.Combine(config, "feeds.json")).Replace("\"pageSize\": 50", "\"pageSize\": \"50\"", StringComparison.Ordinal));
            File.WriteAllText(Path.Combine(config, "requisitions.json"), File.ReadAllText(Path.Combine(config, "requisitions.json")).Replace("\"shortlistSize\": 5", "\"shortlistSize\": \"5\"", StringComparison.Ordinal));
        }));

        Assert.Contains("feeds.json: feed 'northfield-university': 'pageSize' must be a number", e.Message, StringComparison.Ordinal);
        Assert.Contains("requisitions.json: requisition 'ml-engineer-platform': 'shortlistSize' must be a number", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SeveralProblemsInSeveralFiles_AreListedTogether_EachNamingFileEntryAndField_WithoutTypeNames()
    {
        var e = await Assert.ThrowsAsync<InvalidOperationException>(() => RunningHandler.StartAsync(prepareConfig: config =>
        {
            File.WriteAllText(Path.Combine(config, "feeds.json"), """
                { "feeds": [
                    { "id": "first", "kind": "university", "source": "A", "format": "csv", "location": "feeds/northfield-university.csv", "pagesise": 10 },
                    { "id": "second", "kind": "university", "source": "B", "format": "csv", "location": "feeds/northfield-university.csv", "pageSize": 0 },
                    { "id": "third", "kind": "college", "source": "C", "format": "csv", "location": "feeds/northfield-university.csv", "timeoutSeconds": "30",
                      "auth": { "type": "apiKey", "secrett": "X" } }
                ] }
                """);
            File.WriteAllText(Path.Combine(config, "requisitions.json"), """
                { "requisitions": [
                    { "id": "req-a", "title": "A", "hiringManager": { "email": "hm@contoso.example" }, "shortlistSize": 0, "blind": true }
                ] }
                """);
        }));

        Assert.Contains("feeds.json: feed 'first': unknown setting 'pagesise' (did you mean 'pageSize'?)", e.Message, StringComparison.Ordinal);
        Assert.Contains("feeds.json: feed 'second': 'pageSize' must be between 1 and 500 (got 0)", e.Message, StringComparison.Ordinal);
        Assert.Contains("feeds.json: feed 'third': 'kind' must be one of", e.Message, StringComparison.Ordinal);
        Assert.Contains("feeds.json: feed 'third': 'timeoutSeconds' must be a number", e.Message, StringComparison.Ordinal);
        Assert.Contains("feeds.json: feed 'third': unknown setting 'auth.secrett' (did you mean 'secret'?)", e.Message, StringComparison.Ordinal);
        Assert.Contains("requisitions.json: requisition 'req-a': 'shortlistSize'", e.Message, StringComparison.Ordinal);
        Assert.Contains("requisitions.json: requisition 'req-a': unknown setting 'blind'", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("Pipeline.Domain", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("System.", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MappingsOfAnotherShape_EmptyLists_AndUnknownRegions_FailTheStartNamingFeedAndField()
    {
        var e = await Assert.ThrowsAsync<InvalidOperationException>(() => RunningHandler.StartAsync(prepareConfig: config =>
            File.WriteAllText(Path.Combine(config, "feeds.json"), """
                { "feeds": [
                    { "id": "first", "source": "A", "location": "feeds/northfield-university.csv",
                      "mapping": { "name": ["First Name", 2], "phone": { "firstof": ["Mobile"] }, "skills": [] }, "defaultRegion": "UK" },
                    { "id": "second", "source": "B", "location": "feeds/northfield-university.csv",
                      "mapping": { "email": ["Work Email", "Home Email"], "location": { "firstOf": [] } } }
                ] }
                """)));

        Assert.Contains("feeds.json: feed 'first': 'mapping.name' must be a column or path, a list of them to join, or {\"firstOf\": [...]}", e.Message, StringComparison.Ordinal);
        Assert.Contains("feeds.json: feed 'first': 'mapping.phone' must be", e.Message, StringComparison.Ordinal);
        Assert.Contains("feeds.json: feed 'first': 'mapping.skills' names no column; name at least one.", e.Message, StringComparison.Ordinal);
        Assert.Contains("feeds.json: feed 'first': 'defaultRegion' must be an ISO 3166-1 alpha-2 region code such as GB or US (got 'UK') (the United Kingdom is GB)", e.Message, StringComparison.Ordinal);
        Assert.Contains("feeds.json: feed 'second': 'mapping.email' cannot join several into one email", e.Message, StringComparison.Ordinal);
        Assert.Contains("feeds.json: feed 'second': 'mapping.location' names no column", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("System.", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SkillsWithTextWeightsOrUnknownKeys_AreListedNamingTheRequisitionAndTheSkill()
    {
        var e = await Assert.ThrowsAsync<InvalidOperationException>(() => RunningHandler.StartAsync(prepareConfig: config =>
            File.WriteAllText(Path.Combine(config, "requisitions.json"), """
                { "requisitions": [
                    { "id": "req-a", "title": "A", "hiringManager": { "email": "hm@contoso.example" },
                      "requiredSkills": [ "SQL", { "name": "PyTorch", "weight": "3" }, { "nam": "Kubeflow" } ], "shortlistSize": 0 }
                ] }
                """)));

        Assert.Contains("requisitions.json: requisition 'req-a': 'requiredSkills[1].weight' must be a number, not the text \"3\"", e.Message, StringComparison.Ordinal);
        Assert.Contains("requisitions.json: requisition 'req-a': unknown setting 'requiredSkills[2].nam' (did you mean 'name'?)", e.Message, StringComparison.Ordinal);
        Assert.Contains("requisitions.json: requisition 'req-a': 'shortlistSize'", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("System.", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CatalogueWithTextNumbersOrUnknownKeys_FailsTheStartNamingTheCertification()
    {
        var file = Path.Combine(Directory.CreateTempSubdirectory("pipeline-catalogue-").FullName, "certifications.json");
        File.WriteAllText(file, File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "catalogue", "certifications.json"))
            .Replace("\"validityMonths\": 36,", "\"validityMonths\": \"36\", \"vendr\": \"aws\",", StringComparison.Ordinal));

        var e = await Assert.ThrowsAsync<InvalidOperationException>(() => RunningHandler.StartAsync(settings: new Dictionary<string, string?> { ["Pipeline:CatalogueFile"] = file }));

        Assert.Contains($"{file}: certification 'aws-mls-c01': 'validityMonths' must be a number, not the text \"36\"", e.Message, StringComparison.Ordinal);
        Assert.Contains($"{file}: certification 'aws-mls-c01': unknown setting 'vendr' (did you mean 'vendor'?)", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void EmptyOutboxDirectory_AsTheSampleSettingsGiveIt_MeansTheDefaultFolder()
    {
        // local.settings.sample.json has "Pipeline__OutboxDirectory": "", which reaches the handler as an empty variable;
        // the outbox took "" for a folder and failed on its first use.
        var options = new Pipeline.Core.Configuration.PipelineOptions { DataDirectory = "data", OutboxDirectory = "" };
        Assert.Equal(Path.Combine("data", "outbox"), options.ResolvedOutboxDirectory);
    }

    [Fact]
    public async Task Start_BuildsNoFunction_EachIsBuiltOnItsFirstInvocation()
    {
        // A start validates every function.json against the function types, but builds no function (nor the stores
        // and clients their constructors take) before its first answer: that is paid by the first invocation.
        var appRoot = CopyFunctionFolders();
        Directory.CreateDirectory(Path.Combine(appRoot, nameof(StartProbe)));
        File.WriteAllText(Path.Combine(appRoot, nameof(StartProbe), "function.json"),
            """{ "bindings": [ { "type": "httpTrigger", "direction": "in", "name": "req", "methods": [ "get" ] }, { "type": "http", "direction": "out", "name": "res" } ] }""");

        await using var handler = await RunningHandler.StartAsync(
            settings: new Dictionary<string, string?> { ["FUNCTIONS_APP_ROOT_PATH"] = appRoot },
            configure: builder => builder.Services.AddSingleton<IPipelineFunction, StartProbe>());
        Assert.Equal(0, StartProbe.Built);

        const string request = """{ "Data": { "req": { "Url": "http://localhost/api/probe", "Method": "GET" } }, "Metadata": {} }""";
        var (first, _) = await handler.PostAsync(nameof(StartProbe), request);
        var (second, _) = await handler.PostAsync(nameof(StartProbe), request);
        Assert.Equal(System.Net.HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(System.Net.HttpStatusCode.OK, second.StatusCode);
        Assert.Equal(1, StartProbe.Built);
    }

    /// <summary>Counts its constructions (only the test above registers it).</summary>
    private sealed class StartProbe : HttpFunction
    {
        public static int Built;

        public StartProbe() => Interlocked.Increment(ref Built);

        protected override Task<FunctionResult> RunAsync(HttpTriggerRequest request, CancellationToken cancellationToken) =>
            Task.FromResult(new FunctionResult { Http = new HttpOutput(200, "ok", new Dictionary<string, string>()) });
    }

    private static string CopyFunctionFolders()
    {
        var root = Path.Combine(Path.GetTempPath(), "pipeline-tests", Guid.NewGuid().ToString("N"));
        foreach (var folder in Directory.EnumerateDirectories(AppContext.BaseDirectory).Where(d => File.Exists(Path.Combine(d, "function.json"))))
        {
            var target = Path.Combine(root, Path.GetFileName(folder));
            Directory.CreateDirectory(target);
            File.Copy(Path.Combine(folder, "function.json"), Path.Combine(target, "function.json"));
        }

        return root;
    }
}
