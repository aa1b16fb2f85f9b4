using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Pipeline.Testing;

/// <summary>
/// Azurite's Table service for tests that need a real Table endpoint. Uses, in order: the connection string in
/// <c>PIPELINE_AZURITE_TABLE</c>; an <c>azurite-table</c> found in <c>PIPELINE_AZURITE_BIN</c>,
/// <c>~/.cache/pipeline-azurite</c> or on PATH, started here on a free loopback port; else, when npm is on PATH, the
/// pinned Azurite installed into <c>~/.cache/pipeline-azurite</c> (once, saying so) and started. Without npm, the tests
/// fail when <c>CI=true</c> and are skipped, with instructions, elsewhere.
/// </summary>
public sealed class AzuriteFixture : IAsyncLifetime
{
    public const string ConnectionVariable = "PIPELINE_AZURITE_TABLE";

    /// <summary>The Azurite release the tests run against: the one place its version is written.</summary>
    public const string Package = "azurite@3.37.0";

    public static readonly string HowToEnable =
        $"Azurite is not available and npm is not on PATH to install it. Install Node.js and npm (the tests then install " +
        $"{Package} into {CacheDirectory} themselves), or start Azurite yourself and set {ConnectionVariable} to its connection string.";

    private static string CacheDirectory => Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache", "pipeline-azurite");

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

        var executable = FindExecutable() ?? await InstallAsync();
        if (executable is null)
        {
            Problem ??= HowToEnable;
            return;
        }

        var port = FreePort();
        _process = Process.Start(new ProcessStartInfo(executable,
            ["--tableHost", "127.0.0.1", "--tablePort", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--inMemoryPersistence", "--skipApiVersionCheck", "--disableTelemetry"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        });
        if (_process is null || !await WaitForPortAsync(port, TimeSpan.FromSeconds(90)))
        {
            Problem = $"Azurite ({executable}) did not start listening on 127.0.0.1:{port} within 90 s.";
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

    /// <summary>Azurite's documented, public development account.</summary>
    public const string DevelopmentAccountName = "devstoreaccount1";
    public const string DevelopmentAccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    public static string Connection(int port) => Connection(new Uri($"http://127.0.0.1:{port}/{DevelopmentAccountName}"));

    /// <summary>A connection string with the development account's key for a Table endpoint.</summary>
    public static string Connection(Uri tableEndpoint) =>
        $"DefaultEndpointsProtocol={tableEndpoint.Scheme};AccountName={DevelopmentAccountName};AccountKey={DevelopmentAccountKey};TableEndpoint={tableEndpoint};";

    private static string? FindExecutable()
    {
        var candidates = new List<string?> { Environment.GetEnvironmentVariable("PIPELINE_AZURITE_BIN"), CachedExecutable };
        candidates.AddRange(OnPath("azurite-table"));
        return candidates.FirstOrDefault(c => !string.IsNullOrWhiteSpace(c) && File.Exists(c));
    }

    private static string CachedExecutable => Path.Combine(CacheDirectory, "node_modules", ".bin", "azurite-table");

    private static IEnumerable<string> OnPath(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries).Select(p => Path.Combine(p, name));

    /// <summary>
    /// Installs the pinned Azurite into the cache folder with npm, so the README's one test command is whole on a fresh
    /// machine. Test projects run at once and each has this fixture: a lock file lets one install while the others wait.
    /// </summary>
    private async Task<string?> InstallAsync()
    {
        var npm = OnPath("npm").FirstOrDefault(File.Exists);
        if (npm is null)
        {
            return null;
        }

        Directory.CreateDirectory(CacheDirectory);
        using var gate = await LockAsync(Path.Combine(CacheDirectory, ".install.lock"), TimeSpan.FromMinutes(5));
        if (File.Exists(CachedExecutable))
        {
            return CachedExecutable; // another test project installed it while this one waited
        }

        Console.Error.WriteLine($"Installing {Package} into {CacheDirectory} for the Azure Table storage tests (once)…");
        using var install = Process.Start(new ProcessStartInfo(npm, ["install", "--prefix", CacheDirectory, "--no-audit", "--no-fund", "--silent", Package])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        var output = install.StandardOutput.ReadToEndAsync();
        var error = await install.StandardError.ReadToEndAsync();
        await install.WaitForExitAsync();
        if (install.ExitCode != 0 || !File.Exists(CachedExecutable))
        {
            Problem = $"`npm install --prefix {CacheDirectory} {Package}` failed (exit {install.ExitCode}): {(await output + error).Trim()}";
            _broken = true;
            return null;
        }

        return CachedExecutable;
    }

    private static async Task<FileStream> LockAsync(string path, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            try
            {
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(500);
            }
        }
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
