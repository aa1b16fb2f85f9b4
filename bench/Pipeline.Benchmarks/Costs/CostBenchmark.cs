using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Pipeline.Testing;

namespace Pipeline.Benchmarks.Costs;

/// <summary>
/// cost [--candidates 1000] [--page-size 50]: what Azure would bill for `pipeline run --once` over that many new
/// candidates (a generated CSV feed; some qualify for the sample requisitions, so shortlists go out), run as a process
/// against Azurite Table storage behind a counting proxy and the loopback Graph stand-in. Prints function invocations,
/// Service Bus operations, Table transactions and Graph requests, each beside the fewest the design could do.
/// </summary>
internal static class CostBenchmark
{
    /// <summary>Service Bus bills a send, a receive and a settle (complete or abandon) per message up to 64 KB.</summary>
    private const int OperationsPerMessage = 3;

    public static async Task<int> RunAsync(string[] args)
    {
        var count = int.Parse(Args.Get(args, "--candidates", "1000"), CultureInfo.InvariantCulture);
        var pageSize = int.Parse(Args.Get(args, "--page-size", "50"), CultureInfo.InvariantCulture);
        var pipeline = PipelineCommand.Path;
        if (!File.Exists(pipeline))
        {
            Console.Error.WriteLine($"{pipeline} is not built; build src/Pipeline.Cli in the same configuration first.");
            return 2;
        }

        var azurite = new AzuriteFixture();
        await azurite.InitializeAsync();
        try
        {
            if (azurite.ConnectionString is not { } connection)
            {
                Console.Error.WriteLine(azurite.Problem ?? AzuriteFixture.HowToEnable);
                return 2;
            }

            return await MeasureAsync(pipeline, connection, count, pageSize);
        }
        finally
        {
            await azurite.DisposeAsync();
        }
    }

    private static async Task<int> MeasureAsync(string pipeline, string azuriteConnection, int count, int pageSize)
    {
        var root = Directory.CreateTempSubdirectory("pipeline-bench-cost-").FullName;
        var config = Path.Combine(root, "config");
        Directory.CreateDirectory(config);
        File.Copy(Path.Combine(Path.GetDirectoryName(pipeline)!, "samples", "requisitions.json"), Path.Combine(config, "requisitions.json"));
        // Emails unique to this run, so every candidate is new even in an Azurite that kept an earlier run's data.
        var run = Guid.NewGuid().ToString("N")[..8];
        var feed = Path.Combine(config, "candidates.csv");
        await File.WriteAllTextAsync(feed, Feed(count, run));
        await File.WriteAllTextAsync(Path.Combine(config, "feeds.json"), JsonSerializer.Serialize(new
        {
            feeds = new[] { new { id = "bench", kind = "university", source = "Bench", format = "csv", location = feed, pageSize } },
        }));

        var tableEndpoint = new Uri(azuriteConnection.Split(';').Single(p => p.StartsWith("TableEndpoint=", StringComparison.Ordinal))["TableEndpoint=".Length..]);
        await using var tables = await TableRequestCounter.StartAsync(tableEndpoint);
        await using var graph = await GraphStandIn.StartAsync();
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { "exec", pipeline, "run", "--once", "--json", "--config", config, "--data", Path.Combine(root, "data") })
        {
            start.ArgumentList.Add(a);
        }

        start.Environment["Pipeline__TableConnectionString"] = AzuriteFixture.Connection(new Uri(tables.Address, tableEndpoint.AbsolutePath));
        start.Environment["Graph__BaseUrl"] = graph.BaseUrl;
        start.Environment["Graph__Mailbox"] = "talent@contoso.example";
        start.Environment["Graph__AccessToken"] = "bench-token";
        var watch = Stopwatch.StartNew();
        using var child = Process.Start(start)!;
        var stdout = child.StandardOutput.ReadToEndAsync();
        var stderr = child.StandardError.ReadToEndAsync();
        await child.WaitForExitAsync();
        if (child.ExitCode != 0)
        {
            Console.Error.WriteLine($"pipeline run --once exited {child.ExitCode}: {await stderr}");
            return child.ExitCode;
        }

        using var summary = JsonDocument.Parse(await stdout);
        var s = summary.RootElement;
        var created = s.GetProperty("candidates").GetProperty("new").GetInt64();
        var shortlists = s.GetProperty("shortlists").GetInt64();
        var pages = (count + pageSize - 1) / pageSize;
        Console.WriteLine($"{count:N0} rows, pages of {pageSize} ({pages} pages): {created:N0} new candidates, {shortlists} shortlists, {watch.Elapsed.TotalSeconds:F1} s");
        if (created != count || shortlists == 0)
        {
            Console.Error.WriteLine($"Expected {count} new candidates and at least one shortlist; the run's summary: {s}");
            return 1;
        }

        var triggers = Triggers(Path.GetDirectoryName(pipeline)!);
        var feeds = s.GetProperty("feeds").GetInt64();
        // The fewest invocations for this work: each timer once (a run fires each), one ReadFeed per feed (a part
        // holds 50 pages, more than this feed has), one ScreenCandidates per page, and for each shortlist one
        // BuildShortlist and one NotifyShortlist. Others do no work for new candidates: their minimum is what a
        // message sent to them needs, so none.
        long Minimum(string function) => function switch
        {
            "ReadFeed" => feeds * (long)Math.Ceiling(pages / 50.0),
            "ScreenCandidates" => pages,
            "BuildShortlist" or "NotifyShortlist" => shortlists,
            _ when triggers.GetValueOrDefault(function) == "timer" => 1,
            _ => 0,
        };

        var rows = new List<(string Item, double Measured, double Minimum)>();
        Console.WriteLine();
        Console.WriteLine("Function invocations (minimum: each timer once, ReadFeed one per feed part of 50 pages, ScreenCandidates one per page, BuildShortlist and NotifyShortlist one per shortlist)");
        Header("function");
        long invocations = 0, minimumInvocations = 0, minimumMessages = 0;
        foreach (var f in s.GetProperty("functions").EnumerateObject())
        {
            var n = f.Value.GetProperty("invocations").GetInt64();
            var min = Minimum(f.Name);
            invocations += n;
            minimumInvocations += min;
            if (triggers.GetValueOrDefault(f.Name) == "queue")
            {
                minimumMessages += min;
            }

            Row(f.Name, n, min);
        }

        Row("all", invocations, minimumInvocations);
        rows.Add(("function invocations", invocations, minimumInvocations));

        Console.WriteLine();
        Console.WriteLine($"Service Bus operations (rule: a send, a receive and a settle per message up to 64 KB, so sent + 2 × deliveries; minimum: {OperationsPerMessage} × one message per queue-triggered invocation of the minimum above)");
        Console.WriteLine($"{"queue",-24} {"sent",8} {"deliveries",11} {"abandoned",10} {"dead-lettered",14} {"largest KB",11} {"operations",11}");
        long operations = 0;
        foreach (var q in s.GetProperty("queues").EnumerateObject())
        {
            var sent = q.Value.GetProperty("sent").GetInt64();
            var deliveries = q.Value.GetProperty("deliveries").GetInt64();
            var largest = q.Value.GetProperty("largestBytes").GetInt64();
            // Each started 64 KB of a message is billed as one more operation on send and on receive.
            var chunks = Math.Max(1, (largest + 65535) / 65536);
            var ops = (sent * chunks) + (deliveries * chunks) + deliveries;
            operations += ops;
            Console.WriteLine($"{q.Name,-24} {sent,8:N0} {deliveries,11:N0} {q.Value.GetProperty("abandoned").GetInt64(),10:N0} {q.Value.GetProperty("deadLettered").GetInt64(),14:N0} {largest / 1024.0,11:F1} {ops,11:N0}");
        }

        Header("");
        Row("all queues", operations, minimumMessages * OperationsPerMessage);
        rows.Add(("Service Bus operations", operations, minimumMessages * OperationsPerMessage));

        var requests = tables.Requests.ToList();
        Console.WriteLine();
        Console.WriteLine("Table requests through the counting proxy, by table and kind (entities: those a request names or a batch holds)");
        Console.WriteLine($"{"table",-16} {"kind",-12} {"requests",9} {"entities",9}");
        foreach (var g in requests.GroupBy(r => (r.Table, r.Kind)).OrderBy(g => g.Key.Table, StringComparer.Ordinal).ThenBy(g => g.Key.Kind))
        {
            Console.WriteLine($"{g.Key.Table,-16} {g.Key.Kind,-12} {g.Count(),9:N0} {g.Sum(r => r.Entities),9:N0}");
        }

        var failed = requests.Count(r => r.Status >= 400);
        var batchEntities = requests.Where(r => r.Kind == TableRequestKind.Batch).Sum(r => (long)r.Entities);
        var batches = requests.Count(r => r.Kind == TableRequestKind.Batch);
        var perRequest = requests.Count;
        var perEntity = perRequest - batches + batchEntities;
        // The data model for a new person: one entity group transaction for the profile and its source record (their
        // own partition, named from the email, so the email needs no key of its own), and one Insert per other
        // identity key, each its own partition (the phone and the profile URL every generated row has). Knowing the
        // person is new needs no read: the Insert of a key someone holds fails with 409, and so does the profile's.
        const int keysPerPerson = 2;
        var minimumPerRequest = count * (1L + keysPerPerson);
        var minimumPerEntity = count * (2L + keysPerPerson);
        var failures = string.Join(", ", requests.Where(r => r.Status >= 400).GroupBy(r => $"{r.Status} to {r.Kind} on {r.Table}").Select(g => $"{g.Count()} × {g.Key}"));
        Console.WriteLine($"{requests.Count:N0} requests, {failed:N0} answered 4xx/5xx (still billed{(failed > 0 ? ": " + failures : "")}), {batches:N0} batches holding {batchEntities:N0} operations");
        Console.WriteLine($"minimum for {count:N0} new people: {1 + keysPerPerson} transactions each (profile and source record in one batch, {keysPerPerson} identity-key inserts), {2 + keysPerPerson} if a batch bills per entity; no reads");
        Header("billing");
        Row("a batch is one", perRequest, minimumPerRequest);
        Row("a batch per entity", perEntity, minimumPerEntity);
        rows.Add(("Table transactions (batch = 1)", perRequest, minimumPerRequest));
        rows.Add(("Table transactions (per entity)", perEntity, minimumPerEntity));

        var graphRequests = graph.Requests.Count;
        Console.WriteLine();
        Console.WriteLine("Graph requests (minimum 3 per shortlist: sendMail, the Sent Items lookup for its conversation, the Teams activity notification; the rest is once per run)");
        foreach (var g in graph.Requests.GroupBy(r => r.Method + " " + GraphKind(r.Path)).OrderByDescending(g => g.Count()))
        {
            Console.WriteLine($"{g.Key,-64} {g.Count(),5}");
        }

        rows.Add(("Graph requests per shortlist", (double)graphRequests / shortlists, 3));

        Console.WriteLine();
        Console.WriteLine($"Per {count:N0} new candidates");
        Header("");
        foreach (var (item, measured, minimum) in rows)
        {
            Row(item, measured, minimum);
        }

        Directory.Delete(root, recursive: true);
        return 0;
    }

    /// <summary>A Graph path without the ids in it, so requests of one kind group together.</summary>
    private static string GraphKind(string path) => string.Join('/', path.Split('/').Select(p => p.Contains('@', StringComparison.Ordinal) || (p.Length > 30 && p.Any(char.IsDigit)) ? "{id}" : p));

    private static void Header(string first) => Console.WriteLine($"{first,-32} {"measured",10} {"minimum",10} {"ratio",7}");

    private static void Row(string item, double measured, double minimum) =>
        Console.WriteLine($"{item,-32} {measured,10:#,0.##} {minimum,10:#,0.##} {(minimum > 0 ? (measured / minimum).ToString("F2", CultureInfo.InvariantCulture) : "–"),7}");

    /// <summary>Each function's trigger ("timer", "queue" or "http"), from the function.json files beside the command.</summary>
    private static Dictionary<string, string> Triggers(string directory)
    {
        var triggers = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var file in Directory.EnumerateFiles(directory, "function.json", SearchOption.AllDirectories))
        {
            var bindings = JsonNode.Parse(File.ReadAllText(file))!["bindings"]!.AsArray();
            var type = bindings.Select(b => (string?)b!["type"]).FirstOrDefault(t => t?.EndsWith("Trigger", StringComparison.Ordinal) == true);
            triggers[Path.GetFileName(Path.GetDirectoryName(file)!)] = type switch { "timerTrigger" => "timer", "serviceBusTrigger" => "queue", _ => "http" };
        }

        return triggers;
    }

    /// <summary>
    /// A CSV feed of new candidates, every row valid, with an email, a phone and a profile URL (three identity keys).
    /// Every tenth has the skills the sample ML engineer requisition requires, so a shortlist goes out.
    /// </summary>
    private static string Feed(int count, string run)
    {
        string[] skills = ["Python", "SQL", "scikit-learn", "TensorFlow", "Statistics", "Docker", "MLflow", "Kubernetes"];
        var random = new Random(20261202);
        var csv = new StringBuilder("email,name,phone,location,institution,program,graduationDate,skills,certifications,profileUrl\n");
        for (var i = 0; i < count; i++)
        {
            var rowSkills = string.Join("; ", Enumerable.Range(0, 3).Select(_ => skills[random.Next(skills.Length)]).Concat(i % 10 == 0 ? ["PyTorch", "Kubeflow"] : []));
            csv.Append(CultureInfo.InvariantCulture, $"candidate{i}.{run}@students.example.edu,Candidate {i},+1 617 555 {i % 10000:D4},\"Boston, MA, US\",Northfield University,\"MSc, Computer Science\",2026-{(i % 12) + 1:D2},{rowSkills},,https://www.linkedin.com/in/candidate-{run}-{i}\n");
        }

        return csv.ToString();
    }
}
