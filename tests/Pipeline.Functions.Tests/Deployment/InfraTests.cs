using System.Text.Json;
using System.Text.RegularExpressions;

namespace Pipeline.Functions.Tests.Deployment;

/// <summary>
/// The azd template (azure.yaml, infra/) agrees with the code: the queues the functions use, identity-only access,
/// role assignments named by scope, principal and role, outputs in UPPER_SNAKE; and it compiles and lints without a
/// warning under the Bicep CLI restored with these tests.
/// </summary>
public sealed partial class InfraTests
{
    private static readonly string Root = Pipeline.Testing.Repository.Root;

    private static string Infra(string path) => File.ReadAllText(Path.Combine(Root, "infra", path));

    private static IEnumerable<string> Bicep => Directory.EnumerateFiles(Path.Combine(Root, "infra"), "*.bicep", SearchOption.AllDirectories).Select(File.ReadAllText);

    [Fact]
    public void ServiceBus_DeclaresExactlyTheQueuesTheFunctionsUse()
    {
        var used = new HashSet<string>(StringComparer.Ordinal);
        foreach (var file in Directory.EnumerateDirectories(Path.Combine(Root, "src", "Pipeline.Functions")).Select(d => Path.Combine(d, "function.json")).Where(File.Exists))
        {
            using var json = JsonDocument.Parse(File.ReadAllText(file));
            foreach (var binding in json.RootElement.GetProperty("bindings").EnumerateArray())
            {
                if (binding.TryGetProperty("queueName", out var queue))
                {
                    used.Add(queue.GetString()!);
                }
            }
        }

        var bicep = Infra("app/servicebus.bicep");
        var list = bicep[bicep.IndexOf("var queues = [", StringComparison.Ordinal)..];
        list = list[..list.IndexOf(']', StringComparison.Ordinal)];
        var declared = QuotedName().Matches(list).Select(m => m.Groups[1].Value).ToHashSet(StringComparer.Ordinal);

        Assert.Equal(used.Order(), declared.Order());
        Assert.Contains("maxDeliveryCount: 10", bicep, StringComparison.Ordinal);
        Assert.Contains("deadLetteringOnMessageExpiration: true", bicep, StringComparison.Ordinal);
    }

    [Fact]
    public void Templates_UseIdentitiesOnly_NoKeysAnywhere()
    {
        var all = string.Join("\n", Bicep);
        foreach (var forbidden in new[] { "listKeys(", "AccountKey=", "SharedAccessKey", "DefaultEndpointsProtocol", "InstrumentationKey=" })
        {
            Assert.DoesNotContain(forbidden, all, StringComparison.OrdinalIgnoreCase);
        }

        Assert.Contains("allowSharedKeyAccess: false", Infra("app/storage.bicep"), StringComparison.Ordinal);
        Assert.Contains("minimumTlsVersion: 'TLS1_2'", Infra("app/storage.bicep"), StringComparison.Ordinal);
        Assert.Contains("disableLocalAuth: true", Infra("app/servicebus.bicep"), StringComparison.Ordinal);
        Assert.Contains("DisableLocalAuth: true", Infra("app/monitoring.bicep"), StringComparison.Ordinal);
        Assert.Contains("enableRbacAuthorization: true", Infra("app/keyvault.bicep"), StringComparison.Ordinal);
        Assert.Contains("AzureWebJobsStorage__credential: 'managedidentity'", Infra("app/functions.bicep"), StringComparison.Ordinal);
        Assert.Contains("ServiceBusConnection__credential: 'managedidentity'", Infra("app/functions.bicep"), StringComparison.Ordinal);
    }

    [Fact]
    public void RoleAssignments_AreNamedByScopePrincipalAndRole_AndEachRoleSaysWhyItIsNeeded()
    {
        var rbac = Infra("app/rbac.bicep");
        var assignments = RoleAssignment().Matches(rbac);
        Assert.NotEmpty(assignments);
        Assert.All(assignments, m => Assert.StartsWith("guid(", m.Groups[1].Value.Trim(), StringComparison.Ordinal));

        var roles = rbac[rbac.IndexOf("var roles = {", StringComparison.Ordinal)..];
        roles = roles[..roles.IndexOf("\n}", StringComparison.Ordinal)];
        var lines = roles.Split('\n').Select(l => l.Trim()).ToList();
        for (var i = 0; i < lines.Count; i++)
        {
            if (RoleLine().IsMatch(lines[i]))
            {
                Assert.True(lines[i - 1].StartsWith("//", StringComparison.Ordinal), $"role '{lines[i]}' has no comment saying what it is for");
            }
        }

        foreach (var role in new[] { "Table Data Contributor", "Blob Data Owner", "Service Bus Data Receiver", "Service Bus Data Sender", "Key Vault Secrets User", "Monitoring Metrics Publisher" })
        {
            Assert.Contains(role, roles, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Main_IsSubscriptionScoped_ChoosesThePlan_AndItsOutputsAreUpperSnake()
    {
        var main = Infra("main.bicep");
        Assert.Contains("targetScope = 'subscription'", main, StringComparison.Ordinal);
        Assert.Contains("param hostingPlan string = 'FlexConsumption'", main, StringComparison.Ordinal);
        Assert.Contains("'ElasticPremium'", main, StringComparison.Ordinal);
        var outputs = Output().Matches(main).Select(m => m.Groups[1].Value).ToList();
        Assert.NotEmpty(outputs);
        Assert.All(outputs, o => Assert.Matches("^[A-Z][A-Z0-9_]*$", o));

        // Every parameter main.parameters.json sets is one main.bicep takes.
        using var parameters = JsonDocument.Parse(Infra("main.parameters.json"));
        foreach (var p in parameters.RootElement.GetProperty("parameters").EnumerateObject())
        {
            Assert.Contains($"param {p.Name} ", main, StringComparison.Ordinal);
        }

        // Flex runs the custom handler under the .NET runtime the app targets.
        Assert.Contains("runtime: { name: 'dotnet-isolated', version: dotnetVersion }", Infra("app/functions.bicep"), StringComparison.Ordinal);
        Assert.Contains("param dotnetVersion string = '10.0'", Infra("app/functions.bicep"), StringComparison.Ordinal);
    }

    [Fact]
    public void AzureYaml_DeploysTheHandlerProjectAsAFunctionService_TaggedForAzd()
    {
        var yaml = File.ReadAllText(Path.Combine(Root, "azure.yaml"));
        Assert.Contains("project: ./src/Pipeline.Functions", yaml, StringComparison.Ordinal);
        Assert.Contains("host: function", yaml, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(Root, "src", "Pipeline.Functions", "Pipeline.Functions.csproj")));
        Assert.Contains("'azd-service-name': 'functions'", Infra("app/functions.bicep"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task MainTemplate_CompilesAndLints_WithoutAnyWarning()
    {
        foreach (var verb in new[] { "build", "lint" })
        {
            var (exitCode, output) = await BicepAsync(verb, Path.Combine(Root, "infra", "main.bicep"));
            Assert.True(exitCode == 0 && output.Length == 0, $"bicep {verb} infra/main.bicep (exit {exitCode}):\n{output}");
        }
    }

    [Fact]
    public async Task Bicep_ReportsAWarning_WhenATemplateHasOne()
    {
        // The check above must be able to fail: a parameter nobody uses is a linter warning.
        var file = Path.Combine(Directory.CreateTempSubdirectory("pipeline-bicep-").FullName, "unused.bicep");
        await File.WriteAllTextAsync(file, "param unused string\n", TestContext.Current.CancellationToken);
        var (_, output) = await BicepAsync("lint", file);
        Assert.Contains("no-unused-params", output, StringComparison.Ordinal);
    }

    [Fact]
    public void GraphPermissions_AreAnEntryPointOfTheirOwn_DeployedByTheAzdHook()
    {
        // The Graph extension is fetched from a registry when a template using it compiles: the main template keeps out.
        Assert.DoesNotContain("graph", Infra("main.bicep"), StringComparison.OrdinalIgnoreCase);
        Assert.Contains("extension microsoftGraphV1", Infra("graph/main.bicep"), StringComparison.Ordinal);
        var yaml = File.ReadAllText(Path.Combine(Root, "azure.yaml"));
        Assert.Contains("run: ./infra/graph/grant-permissions.sh", yaml, StringComparison.Ordinal);
        Assert.Contains("run: ./infra/graph/grant-permissions.ps1", yaml, StringComparison.Ordinal);
    }

    /// <summary>Runs the Bicep CLI; answers its exit code and everything it printed (diagnostics go to stderr).</summary>
    private static async Task<(int ExitCode, string Output)> BicepAsync(string verb, string file)
    {
        var bicep = typeof(InfraTests).Assembly.GetCustomAttributes(typeof(System.Reflection.AssemblyMetadataAttribute), false)
            .Cast<System.Reflection.AssemblyMetadataAttribute>().Single(a => a.Key == "BicepPath").Value!;
        Assert.True(File.Exists(bicep), $"The Bicep CLI is restored with this project (PackageDownload); not found at {bicep}.");
        if (!OperatingSystem.IsWindows())
        {
            // NuGet does not keep the executable bit.
            File.SetUnixFileMode(bicep, File.GetUnixFileMode(bicep) | UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute);
        }

        var start = new System.Diagnostics.ProcessStartInfo(bicep) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in verb == "build" ? new[] { verb, file, "--stdout" } : [verb, file])
        {
            start.ArgumentList.Add(argument);
        }

        using var process = System.Diagnostics.Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        var stderr = await process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        await process.WaitForExitAsync(TestContext.Current.CancellationToken);
        var printed = verb == "build" ? stderr : (await stdout) + stderr; // build's stdout is the ARM JSON
        _ = await stdout;
        return (process.ExitCode, printed.Trim());
    }

    [GeneratedRegex(@"'([a-z0-9-]+)'")]
    private static partial Regex QuotedName();

    [GeneratedRegex(@"'Microsoft\.Authorization/roleAssignments@[^']+'[^{]*\{\s*name:\s*([^\n]+)")]
    private static partial Regex RoleAssignment();

    [GeneratedRegex(@"^[a-zA-Z]+: '[0-9a-f-]{36}'$")]
    private static partial Regex RoleLine();

    [GeneratedRegex(@"^output\s+(\S+)\s", RegexOptions.Multiline)]
    private static partial Regex Output();
}
