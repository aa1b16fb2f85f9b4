using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Pipeline.Storage.AzureTables;

namespace Pipeline.Tests.Shared;

/// <summary>
/// Azurite's Table service for tests that need a real Table endpoint. Uses, in order: the connection string in
/// <c>PIPELINE_AZURITE_TABLE</c> (CI starts Azurite and sets it); an <c>azurite-table</c> found in
/// <c>PIPELINE_AZURITE_BIN</c>, <c>~/.cache/pipeline-azurite</c> or on PATH, started here on a free loopback port.
/// Without either, the tests fail when <c>CI=true</c> and are skipped, with instructions, elsewhere.
/// </summary>
public sealed class AzuriteFixture : IAsyncLifetime
{
    public const string ConnectionVariable = "PIPELINE_AZURITE_TABLE";

    public const string HowToEnable =
        "Azurite is not available. Install it with `npm install --prefix ~/.cache/pipeline-azurite azurite@3.37.0` " +
        "(the tests then start it), or start it yourself and set PIPELINE_AZURITE_TABLE to its connection string.";

    private Process? _process;
    private bool _broken;

    public string? ConnectionString { get; private set; }

    public string? Problem { get; private set; }

    public async ValueTask InitializeAsync()
    {
        ConnectionString = Environment.GetEnvironmentVariable(ConnectionVariable);
        if (!string.IsNullOrWhiteSpace(ConnectionString))
        {
            return;
        }

        var executable = FindExecutable();
        if (executable is null)
        {
            Problem = HowToEnable;
            return;
        }

        var port = FreePort();
        _process = Process.Start(new ProcessStartInfo(executable,
            ["--tableHost", "127.0.0.1", "--tablePort", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--inMemoryPersistence", "--skipApiVersionCheck", "--disableTelemetry"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        });
        if (_process is null || !await WaitForPortAsync(port, TimeSpan.FromSeconds(30)))
        {
            Problem = $"Azurite ({executable}) did not start listening on 127.0.0.1:{port} within 30 s.";
            _broken = true;
            return;
        }

        ConnectionString = Connection(port);
    }

    /// <summary>The connection string, or a skip (developer machine) or failure (CI) saying how to get Azurite.</summary>
    public string Require()
    {
        if (ConnectionString is not null)
        {
            return ConnectionString;
        }

        // Installed but not working is a failure anywhere; only "not installed" is a skip, and never in CI.
        if (_broken || string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase))
        {
            Assert.Fail("CI must run the Azurite tests, but: " + Problem);
        }

        Assert.Skip(Problem ?? HowToEnable);
        return null!;
    }

    public ValueTask DisposeAsync()
    {
        if (_process is { HasExited: false })
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(5000);
        }

        _process?.Dispose();
        return ValueTask.CompletedTask;
    }

    public static string Connection(int port) =>
        $"DefaultEndpointsProtocol=http;AccountName={TableConnectionString.DevelopmentAccountName};AccountKey={TableConnectionString.DevelopmentAccountKey};" +
        $"TableEndpoint=http://127.0.0.1:{port}/{TableConnectionString.DevelopmentAccountName};";

    private static string? FindExecutable()
    {
        var candidates = new List<string?>
        {
            Environment.GetEnvironmentVariable("PIPELINE_AZURITE_BIN"),
            Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache", "pipeline-azurite", "node_modules", ".bin", "azurite-table"),
        };
        candidates.AddRange((Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator).Select(p => Path.Combine(p, "azurite-table")));
        return candidates.FirstOrDefault(c => !string.IsNullOrWhiteSpace(c) && File.Exists(c));
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static async Task<bool> WaitForPortAsync(int port, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, port);
                return true;
            }
            catch (SocketException)
            {
                await Task.Delay(200);
            }
        }

        return false;
    }
}
