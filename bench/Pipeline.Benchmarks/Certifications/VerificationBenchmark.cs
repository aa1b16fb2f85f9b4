using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Pipeline.Core;
using Pipeline.Core.Certifications;
using Pipeline.Core.Configuration;
using Pipeline.Domain.Candidates;
using Pipeline.Domain.Certifications;
using Pipeline.Storage.Sqlite;
using Pipeline.Testing;

namespace Pipeline.Benchmarks.Certifications;

/// <summary>
/// verifications [--candidates 10000] [--shared 0.3]: candidates claiming three certifications each, a share of the
/// badge URLs claimed by several people, checked as VerifyCertifications checks them (four at a time, results stored
/// in the embedded store) against a loopback Open Badges issuer; once with the fetch cache off and once on. Prints
/// the outbound requests and verifications per second of each.
/// </summary>
internal static class VerificationBenchmark
{
    private static readonly string[] Badges = ["AWS Certified Machine Learning Engineer – Associate", "Google Cloud Professional Machine Learning Engineer", "Microsoft Certified: Azure Data Scientist Associate"];
    private static readonly string[] Issuers = ["Amazon Web Services Training and Certification", "Google Cloud", "Microsoft"];

    public static async Task<int> RunAsync(string[] args)
    {
        var count = int.Parse(Args.Get(args, "--candidates", "10000"), CultureInfo.InvariantCulture);
        var shared = double.Parse(Args.Get(args, "--shared", "0.3"), CultureInfo.InvariantCulture);
        var (issuer, address) = await LoopbackServer.StartAsync(app =>
        {
            app.MapGet("/a/{id}", (string id, HttpRequest request) => Results.Json(new JsonObject
            {
                ["type"] = "Assertion", ["id"] = $"{Base(request)}/a/{id}",
                ["recipient"] = new JsonObject { ["type"] = "email", ["hashed"] = false, ["identity"] = $"{id.Split('-')[1]}@learners.example" },
                ["badge"] = $"{Base(request)}/b/{id.Split('-')[2]}", ["issuedOn"] = "2026-09-01T00:00:00Z", ["expires"] = "2029-09-01T00:00:00Z",
            }));
            app.MapGet("/b/{k:int}", (int k, HttpRequest request) => Results.Json(new JsonObject
            {
                ["type"] = "BadgeClass", ["id"] = $"{Base(request)}/b/{k}", ["name"] = Badges[k], ["issuer"] = $"{Base(request)}/i/{k}",
            }));
            app.MapGet("/i/{k:int}", (int k, HttpRequest request) => Results.Json(new JsonObject { ["type"] = "Issuer", ["id"] = $"{Base(request)}/i/{k}", ["name"] = Issuers[k] }));
        });

        // Three claims each; a share of them point at a pool of assertions that ten people claim (the same badge link
        // copied between records, or one person's several records).
        var random = new Random(42);
        var pool = Math.Max(1, (int)(count * 3 * shared / 10));
        var profiles = Enumerable.Range(0, count).Select(i => new CandidateProfile
        {
            CandidateId = $"c{i:D7}",
            Email = $"p{i}@learners.example",
            Certifications = Enumerable.Range(0, 3).Select(k => new ClaimedCertification(Badges[k],
                Url: random.NextDouble() < shared ? $"{address}a/s-s{random.Next(pool)}-{k}" : $"{address}a/u-p{i}-{k}")).ToList(),
        }).ToList();
        var catalogue = PipelineConfiguration.LoadCatalogue(PipelineConfiguration.DefaultCataloguePath);
        Console.WriteLine($"{count:N0} candidates, {count * 3:N0} claimed credentials, {profiles.SelectMany(p => p.Certifications).Select(c => c.Url).Distinct().Count():N0} distinct badge URLs ({shared:P0} shared)");
        Console.WriteLine($"{"fetch cache",-12} {"requests",9} {"per credential",15} {"seconds",8} {"verifications/s",16}");
        foreach (var cache in new[] { false, true })
        {
            var root = Directory.CreateTempSubdirectory("pipeline-bench-verify-").FullName;
            var options = new PipelineOptions { CredentialTestHosts = $"{address.Host}:{address.Port}" };
            var fetchers = new List<SafeFetcher>();
            var verifier = new CredentialVerifier(
                [new OpenBadgesVerifier(Fetcher(fetchers, options, cache), catalogue, TimeProvider.System)], TimeProvider.System);
            var store = new SqliteTableStore(Path.Combine(root, "pipeline.db"), TimeProvider.System);
            await store.GetTable(Tables.Verifications).CreateIfNotExistsAsync();
            var checker = new CertificationChecker(verifier, new VerificationStore(store), Options.Create(options), TimeProvider.System, NullLogger<CertificationChecker>.Instance);
            var watch = Stopwatch.StartNew();
            await Parallel.ForEachAsync(profiles, new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (p, ct) =>
                await checker.CheckAsync(p, [p.Email], ct));
            watch.Stop();
            var requests = fetchers.Sum(f => f.Requests);
            Console.WriteLine($"{(cache ? "on" : "off"),-12} {requests,9:N0} {(double)requests / (count * 3),15:F2} {watch.Elapsed.TotalSeconds,8:F1} {count * 3 / watch.Elapsed.TotalSeconds,16:N0}");
            fetchers.ForEach(f => f.Dispose());
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(root, recursive: true);
        }

        await issuer.DisposeAsync();
        return 0;
    }

    private static SafeFetcher Fetcher(List<SafeFetcher> all, PipelineOptions options, bool cache)
    {
        var fetcher = new SafeFetcher(new SafeFetchPolicy
        {
            AllowedHosts = PipelineOptions.SplitList(options.OpenBadgesHosts), TestHosts = PipelineOptions.SplitList(options.CredentialTestHosts),
            CacheDuration = cache ? TimeSpan.FromMinutes(10) : TimeSpan.Zero,
        });
        all.Add(fetcher);
        return fetcher;
    }

    private static string Base(HttpRequest request) => $"{request.Scheme}://{request.Host}";
}
