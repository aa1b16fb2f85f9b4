using System.Diagnostics;
using System.Globalization;
using Pipeline.Core.Candidates;
using Pipeline.Storage.Sqlite;

namespace Pipeline.Benchmarks.Storage;

/// <summary>
/// profiles-scan --db FILE [--passes 3]: reads every profile of an embedded store the way a pool is rebuilt
/// (<see cref="CandidateStore.ProfilesAsync"/>), e.g. the database an `ingest` run left. Since #20 a profile is merged
/// from its source rows on read rather than stored; this is what that costs a full rescore. Prints each pass.
/// </summary>
internal static class ProfileScanBenchmark
{
    public static async Task<int> RunAsync(string[] args)
    {
        var db = Args.Get(args, "--db", "");
        var passes = int.Parse(Args.Get(args, "--passes", "3"), CultureInfo.InvariantCulture);
        if (!File.Exists(db))
        {
            Console.Error.WriteLine($"no database at '{db}'");
            return 2;
        }

        await using var store = new SqliteTableStore(db, TimeProvider.System);
        var candidates = new CandidateStore(store, TimeProvider.System);
        for (var pass = 1; pass <= passes; pass++)
        {
            var cpu = Process.GetCurrentProcess().TotalProcessorTime;
            var clock = Stopwatch.StartNew();
            long count = 0, skills = 0;
            await foreach (var profile in candidates.ProfilesAsync(CancellationToken.None))
            {
                count++;
                skills += profile.Skills.Count;
            }

            clock.Stop();
            var used = Process.GetCurrentProcess().TotalProcessorTime - cpu;
            Console.WriteLine($"pass {pass}: {count:N0} profiles ({skills:N0} skills) in {clock.Elapsed.TotalSeconds:F1} s, {used.TotalSeconds:F1} s CPU, {count / clock.Elapsed.TotalSeconds:N0}/s");
        }

        return 0;
    }
}
