using System.Globalization;
using System.Text.Json.Nodes;
using Pipeline.Testing;

namespace Pipeline.Benchmarks.Delivery;

/// <summary>
/// graph-requests [--shortlists 100]: `pipeline run --once` over the sample feeds with that many open requisitions,
/// sending through the loopback Graph stand-in, and the Graph requests it took, by kind, per shortlist, beside the
/// fewest that could do the same work.
/// </summary>
internal static class GraphRequestsBenchmark
{
    public static async Task<int> RunAsync(string[] args)
    {
        var count = int.Parse(Args.Get(args, "--shortlists", "100"), CultureInfo.InvariantCulture);
        var root = Directory.CreateTempSubdirectory("pipeline-bench-graph-").FullName;
        var config = Path.Combine(root, "config");
        foreach (var file in Directory.EnumerateFiles(Path.Combine(AppContext.BaseDirectory, "samples"), "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(config, Path.GetRelativePath(Path.Combine(AppContext.BaseDirectory, "samples"), file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }

        // As many requisitions as shortlists wanted, each a copy of the first sample with its own id.
        var requisitions = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(config, "requisitions.json")))!;
        var template = requisitions["requisitions"]![0]!;
        var list = new JsonArray();
        for (var i = 0; i < count; i++)
        {
            var copy = template.DeepClone();
            copy["id"] = $"role-{i:D4}";
            copy["title"] = $"ML Engineer {i}";
            list.Add(copy);
        }

        requisitions["requisitions"] = list;
        await File.WriteAllTextAsync(Path.Combine(config, "requisitions.json"), requisitions.ToJsonString());

        await using var graph = await GraphStandIn.StartAsync();
        var settings = new Dictionary<string, string>
        {
            ["Graph__BaseUrl"] = graph.BaseUrl, ["Graph__Mailbox"] = "talent@contoso.example", ["Graph__AccessToken"] = "bench-token",
        };
        using (var run = PipelineCommand.Start(["run", "--once", "--json", "--config", config, "--data", Path.Combine(root, "data")], settings))
        {
            _ = await run.StandardOutput.ReadToEndAsync();
            await run.WaitForExitAsync();
            if (run.ExitCode != 0)
            {
                return run.ExitCode;
            }
        }

        static string Kind(GraphRequest r) => r.Path switch
        {
            var p when p.EndsWith("/sendMail", StringComparison.OrdinalIgnoreCase) => "sendMail",
            var p when p.Contains("/mailFolders/SentItems/messages", StringComparison.OrdinalIgnoreCase) => "Sent Items lookup",
            var p when p.EndsWith("/sendActivityNotificationToRecipients", StringComparison.OrdinalIgnoreCase) => "activity notification",
            var p when p.Contains("/appCatalogs/", StringComparison.OrdinalIgnoreCase) => "app catalog lookup",
            var p when p.Contains("/installedApps", StringComparison.OrdinalIgnoreCase) => "app installation check",
            var p when p.Contains("/messages/delta", StringComparison.OrdinalIgnoreCase) => "Inbox delta read",
            var p when p.EndsWith("/$batch", StringComparison.OrdinalIgnoreCase) => "recruiter lookups ($batch)",
            _ => r.Method + " " + r.Path,
        };

        var requests = graph.Requests.ToList();
        Console.WriteLine($"{count} shortlists, {requests.Count} Graph requests ({(double)requests.Count / count:F2} per shortlist)");
        Console.WriteLine($"{"request",-24} {"total",7} {"per shortlist",14}");
        foreach (var group in requests.GroupBy(Kind).OrderByDescending(g => g.Count()))
        {
            Console.WriteLine($"{group.Key,-24} {group.Count(),7} {(double)group.Count() / count,14:F2}");
        }

        Directory.Delete(root, recursive: true);
        return 0;
    }
}
