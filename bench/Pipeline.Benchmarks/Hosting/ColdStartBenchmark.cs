using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Reflection.PortableExecutable;
using System.Text;
using System.Text.Json;

namespace Pipeline.Benchmarks.Hosting;

/// <summary>
/// coldstart [--pairs 7] [--work DIR] [--no-publish]: publishes the function app as <c>dotnet publish -c Release</c> (what azd runs)
/// and, with the same publish settings (Release, linux-x64, ReadyToRun, no apphost), a minimal ASP.NET Core app that
/// it writes itself; then starts each the way the Functions host starts a custom handler (<c>dotnet {app}.dll</c> in
/// the publish folder, the port in FUNCTIONS_CUSTOMHANDLER_PORT, the app's settings as environment variables) and
/// times process start to the first 200 on <c>GET /</c>. One unmeasured pair warms the disk cache and creates the
/// handler's tables (a scale-out finds them made); then N pairs, the order alternating. Prints both medians and their
/// ratio, the processor time each had used by then, and, for the handler, the time on to its first answered
/// invocation (Health, which reads the store). --no-publish runs the last published pair again.
/// </summary>
internal static class ColdStartBenchmark
{
    private const string Rid = "linux-x64";

    public static async Task<int> RunAsync(string[] args)
    {
        var pairs = int.Parse(Args.Get(args, "--pairs", "7"), CultureInfo.InvariantCulture);
        var work = Path.GetFullPath(Args.Get(args, "--work", Path.Combine(Path.GetTempPath(), "pipeline-coldstart")));
        var repo = FindRepository();
        Directory.CreateDirectory(work);

        var (minimal, handler) = (Path.Combine(work, "minimal"), Path.Combine(work, "handler"));
        if (!args.Contains("--no-publish"))
        {
            await PublishAsync(WriteMinimalApp(Path.Combine(work, "minimal-src")), minimal);
            await PublishAsync(Path.Combine(repo, "src", "Pipeline.Functions", "Pipeline.Functions.csproj"), handler);
        }

        var minimalDll = Path.Combine(minimal, "ColdStartMinimal.dll");
        var handlerDll = Path.Combine(handler, "Pipeline.Functions.dll");
        Console.WriteLine($"minimal app: {minimal} (ReadyToRun: {IsReadyToRun(minimalDll)})");
        Console.WriteLine($"handler:     {handler} (ReadyToRun: {IsReadyToRun(handlerDll)})");

        var data = Path.Combine(work, "data");
        if (Directory.Exists(data))
        {
            Directory.Delete(data, recursive: true);
        }

        var settings = HandlerSettings(repo, data);
        var minimalTimes = new List<double>();
        var minimalCpu = new List<double>();
        var handlerCpu = new List<double>();
        var handlerTimes = new List<double>();
        var invocationTimes = new List<double>();
        for (var pair = -1; pair < pairs; pair++)
        {
            // Alternate which goes first, so drift in the machine's load falls on both alike.
            var order = pair % 2 == 0 ? new[] { false, true } : [true, false];
            foreach (var isHandler in order)
            {
                var result = isHandler
                    ? await StartAsync(handlerDll, settings, invokeHealth: true)
                    : await StartAsync(minimalDll, settings, invokeHealth: false);
                if (pair < 0)
                {
                    continue; // the warm-up pair
                }

                (isHandler ? handlerTimes : minimalTimes).Add(result.Ready);
                if (result.Cpu is { } cpu)
                {
                    (isHandler ? handlerCpu : minimalCpu).Add(cpu);
                }

                if (isHandler)
                {
                    invocationTimes.Add(result.FirstInvocation!.Value);
                }
            }

            if (pair >= 0)
            {
                Console.WriteLine($"pair {pair + 1,2}: minimal {minimalTimes[^1],6:F0} ms   handler {handlerTimes[^1],6:F0} ms   (handler's first invocation answered at {invocationTimes[^1],6:F0} ms)");
            }
        }

        var m = Median(minimalTimes);
        var h = Median(handlerTimes);
        Console.WriteLine();
        Console.WriteLine($"median of {pairs} pairs, process start to first 200 on GET /:");
        Console.WriteLine($"  minimal ASP.NET Core app {m,6:F0} ms");
        Console.WriteLine($"  Pipeline.Functions       {h,6:F0} ms");
        Console.WriteLine($"  ratio of the medians     {h / m,6:F2}");
        Console.WriteLine($"  median of the pairs' ratios {Median(handlerTimes.Zip(minimalTimes, (a, b) => a / b).ToList()):F2}");
        if (minimalCpu.Count > 0 && handlerCpu.Count > 0)
        {
            Console.WriteLine($"processor time used by then (all threads; median): minimal {Median(minimalCpu):F0} ms, handler {Median(handlerCpu):F0} ms, ratio {Median(handlerCpu) / Median(minimalCpu):F2}");
        }

        Console.WriteLine($"  handler's first Health invocation answered at {Median(invocationTimes):F0} ms (median)");
        Console.WriteLine($"  processors {Environment.ProcessorCount}, load average {LoadAverage()}");
        return 0;
    }

    private sealed record StartResult(double Ready, double? Cpu, double? FirstInvocation);

    /// <summary>Starts the app as the Functions host does and polls <c>GET /</c> until it answers 200.</summary>
    private static async Task<StartResult> StartAsync(string dll, IReadOnlyDictionary<string, string> settings, bool invokeHealth)
    {
        var port = FreePort();
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = Path.GetDirectoryName(dll)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(dll);
        foreach (var key in start.Environment.Keys.Where(k => k.StartsWith("ASPNETCORE_", StringComparison.Ordinal) || k is "DOTNET_ENVIRONMENT").ToList())
        {
            start.Environment.Remove(key);
        }

        foreach (var (key, value) in settings)
        {
            start.Environment[key] = value;
        }

        start.Environment["FUNCTIONS_CUSTOMHANDLER_PORT"] = port.ToString(CultureInfo.InvariantCulture);

        using var http = new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.Zero }) { Timeout = TimeSpan.FromSeconds(10) };
        var root = new Uri($"http://127.0.0.1:{port}/");
        var errors = new StringBuilder();
        var clock = Stopwatch.StartNew();
        using var process = Process.Start(start)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, e) =>
        {
            lock (errors)
            {
                errors.AppendLine(e.Data);
            }
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            double ready;
            double? cpu;
            while (true)
            {
                if (process.HasExited || clock.Elapsed > TimeSpan.FromSeconds(60))
                {
                    throw new InvalidOperationException($"{Path.GetFileName(dll)} did not answer GET / (exited: {process.HasExited}): {errors}");
                }

                try
                {
                    using var response = await http.GetAsync(root);
                    if (response.StatusCode == HttpStatusCode.OK)
                    {
                        ready = clock.Elapsed.TotalMilliseconds;
                        cpu = CpuMilliseconds(process.Id);
                        break;
                    }
                }
                catch (HttpRequestException)
                {
                    // not listening yet
                }

                await Task.Delay(1);
            }

            double? invocation = null;
            if (invokeHealth)
            {
                // What the host sends for an HTTP trigger: the request under the trigger's binding name.
                var envelope = """{"Data":{"req":{"Url":"http://localhost/api/health","Method":"GET","Query":{},"Headers":{},"Params":{}}},"Metadata":{}}""";
                using var response = await http.PostAsync(new Uri(root, "Health"), new StringContent(envelope, Encoding.UTF8, "application/json"));
                var body = await response.Content.ReadAsStringAsync();
                if (!response.IsSuccessStatusCode || !body.Contains("healthy", StringComparison.Ordinal) || body.Contains("unhealthy", StringComparison.Ordinal))
                {
                    throw new InvalidOperationException($"Health invocation answered {(int)response.StatusCode}: {body}");
                }

                invocation = clock.Elapsed.TotalMilliseconds;
            }

            return new StartResult(ready, cpu, invocation);
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
    }

    /// <summary>
    /// The handler's settings as the Functions host passes them: local.settings.sample.json's values, with the
    /// packaged config/ folder and an embedded store in the work folder. The minimal app gets the same variables.
    /// </summary>
    private static Dictionary<string, string> HandlerSettings(string repo, string data)
    {
        using var sample = JsonDocument.Parse(File.ReadAllText(Path.Combine(repo, "local.settings.sample.json")));
        var settings = sample.RootElement.GetProperty("Values").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString() ?? "");
        settings["Pipeline__ConfigDirectory"] = "config";
        settings["Pipeline__DataDirectory"] = data;
        return settings;
    }

    private static string WriteMinimalApp(string folder)
    {
        Directory.CreateDirectory(folder);
        // The handler's build settings that bear on start-up (Directory.Build.props), so only the code differs.
        File.WriteAllText(Path.Combine(folder, "ColdStartMinimal.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk.Web">
              <PropertyGroup>
                <TargetFramework>net10.0</TargetFramework>
                <Nullable>enable</Nullable>
                <ImplicitUsings>enable</ImplicitUsings>
                <InvariantGlobalization>true</InvariantGlobalization>
                <SatelliteResourceLanguages>en</SatelliteResourceLanguages>
                <UseAppHost>false</UseAppHost>
                <RuntimeIdentifier>{Rid}</RuntimeIdentifier>
                <SelfContained>false</SelfContained>
                <PublishReadyToRun>true</PublishReadyToRun>
              </PropertyGroup>
            </Project>
            """);
        // The `dotnet new web` template's app (a text answer, no serializer), told its port as the host tells it.
        File.WriteAllText(Path.Combine(folder, "Program.cs"), """
            var builder = WebApplication.CreateBuilder(args);
            if (builder.Configuration["FUNCTIONS_CUSTOMHANDLER_PORT"] is { Length: > 0 } port)
            {
                builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
            }

            var app = builder.Build();
            app.MapGet("/", () => "Hello World!");
            app.Run();
            """);
        return Path.Combine(folder, "ColdStartMinimal.csproj");
    }

    /// <summary><c>dotnet publish -c Release</c>, nothing more: the project itself must ask for its runtime and ReadyToRun.</summary>
    private static async Task PublishAsync(string project, string output)
    {
        if (Directory.Exists(output))
        {
            Directory.Delete(output, recursive: true);
        }

        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in (string[])["publish", project, "-c", "Release", "-o", output, "--nologo"])
        {
            start.ArgumentList.Add(a);
        }

        Console.WriteLine($"dotnet publish {project} -c Release ...");
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"dotnet publish {project} failed:\n{await stdout}\n{await stderr}");
        }
    }

    /// <summary>A ReadyToRun image carries a managed native header (precompiled code) beside its IL.</summary>
    private static bool IsReadyToRun(string dll)
    {
        using var pe = new PEReader(File.OpenRead(dll));
        return pe.PEHeaders.CorHeader?.ManagedNativeHeaderDirectory.Size > 0;
    }

    private static string FindRepository()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Pipeline.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Run the benchmark from its build output inside the repository.");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
    }

    /// <summary>
    /// The processor time the process has used (all its threads, user and kernel), from /proc; null elsewhere. On a
    /// loaded machine it varies far less than the wall time, since waiting for a core is not counted.
    /// </summary>
    private static double? CpuMilliseconds(int pid)
    {
        var path = $"/proc/{pid}/stat";
        if (!File.Exists(path))
        {
            return null;
        }

        // Fields after the command name (which is in parentheses): utime and stime are the 12th and 13th, in clock ticks (100 a second).
        var fields = File.ReadAllText(path).Split(')')[^1].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) * 10.0;
    }

    private static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";
}
