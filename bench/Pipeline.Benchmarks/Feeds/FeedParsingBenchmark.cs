using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Pipeline.Domain.Feeds;

namespace Pipeline.Benchmarks.Feeds;

/// <summary>
/// feeds [--rows 1000000] [--dir DIR]: generates a CSV and an NDJSON feed of that many candidates, then measures, each
/// in a fresh process so that peak memory is its own, the floor (read and tokenize only), the full parse with
/// normalisation (what <c>pipeline feeds check</c> and PollFeeds do per row), and for NDJSON "map": the same parse with
/// the phone property left unread, so that what reading phones costs is seen apart (a breakdown, not a mode to run).
/// </summary>
internal static class FeedParsingBenchmark
{
    public static async Task<int> RunAsync(string[] args)
    {
        var rows = int.Parse(Args.Get(args, "--rows", "1000000"), CultureInfo.InvariantCulture);
        var dir = Args.Get(args, "--dir", Path.Combine(Path.GetTempPath(), "pipeline-bench-feeds"));
        var (csv, ndjson) = EnsureFeeds(rows, dir);

        Console.WriteLine($"{rows:N0} rows; CSV {new FileInfo(csv).Length / 1e6:F0} MB, NDJSON {new FileInfo(ndjson).Length / 1e6:F0} MB");
        // CPU seconds beside wall seconds: on a shared machine the ratio of CPU times is the steadier one.
        Console.WriteLine($"{"feed",-8} {"mode",-8} {"seconds",8} {"cpu s",7} {"rows/s",11} {"accepted",10} {"rejected",9} {"peak MB",8}");
        foreach (var (file, format) in new[] { (csv, "csv"), (ndjson, "ndjson") })
        {
            // "map" for NDJSON only: a CSV feed refuses a mapping to a column its header lacks.
            foreach (var mode in format == "csv" ? ["floor", "parse"] : new[] { "floor", "map", "parse" })
            {
                using var child = ChildProcess.StartSelf("feeds-measure", file, format, mode);
                Console.WriteLine(await child.StandardOutput.ReadToEndAsync());
                await child.WaitForExitAsync();
            }
        }

        return 0;
    }

    /// <summary>The generated feeds' region, for phones written without their country code (a US university's export).</summary>
    public const string Region = "US";

    /// <summary>The generated CSV and NDJSON feeds of <paramref name="rows"/> candidates, made once per folder.</summary>
    public static (string Csv, string Ndjson) EnsureFeeds(int rows, string dir)
    {
        Directory.CreateDirectory(dir);
        // "v2": the phone column changed (see Phone below); files of the old shape are not reused.
        var csv = Path.Combine(dir, $"candidates-v2-{rows}.csv");
        var ndjson = Path.Combine(dir, $"candidates-v2-{rows}.ndjson");
        if (!File.Exists(csv) || !File.Exists(ndjson))
        {
            Generate(rows, csv, ndjson);
        }

        return (csv, ndjson);
    }

    /// <summary>One measurement, in this process: feeds-measure FILE csv|ndjson floor|parse.</summary>
    public static async Task<int> MeasureAsync(string[] args)
    {
        var (file, format, mode) = (args[1], args[2], args[3]);
        var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
        var watch = Stopwatch.StartNew();
        long accepted = 0, rejected = 0;
        await using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.Read, 64 * 1024, useAsync: true);
        if (mode == "floor")
        {
            if (format == "csv")
            {
                await foreach (var _ in new CsvTokenizer(new StreamReader(stream, Encoding.UTF8)).ReadAllAsync())
                {
                    accepted++;
                }
            }
            else
            {
                using var reader = new StreamReader(stream, Encoding.UTF8);
                while (await reader.ReadLineAsync() is { } line)
                {
                    var json = new Utf8JsonReader(Encoding.UTF8.GetBytes(line));
                    while (json.Read())
                    {
                    }

                    accepted++;
                }
            }
        }
        else
        {
            var feed = new FeedDefinition { Id = "bench", Source = "bench", Location = file, Format = format == "csv" ? FeedFormat.Csv : FeedFormat.Ndjson, DefaultRegion = Region };
            if (mode == "map")
            {
                // The phone read from a column no row has, so every phone is absent.
                feed = feed with { Mapping = new Dictionary<string, FieldMapping> { [CandidateFields.Phone] = FieldMapping.Single("no-such-column") } };
            }

            await foreach (var row in FeedParser.ParseAsync(stream, feed))
            {
                if (row is AcceptedRow)
                {
                    accepted++;
                }
                else
                {
                    rejected++;
                }
            }
        }

        watch.Stop();
        var process = Process.GetCurrentProcess();
        var peak = process.PeakWorkingSet64 / 1e6;
        Console.Write($"{format,-8} {mode,-8} {watch.Elapsed.TotalSeconds,8:F1} {(process.TotalProcessorTime - cpuBefore).TotalSeconds,7:F2} {(accepted + rejected) / watch.Elapsed.TotalSeconds,11:N0} {accepted,10:N0} {rejected,9:N0} {peak,8:F0}");
        return 0;
    }

    private static void Generate(int rows, string csvPath, string ndjsonPath)
    {
        string[] skills = ["PyTorch", "torch", "Kubeflow", "k8s", "Python", "SQL", "scikit-learn", "TensorFlow", "MLflow", "Medical Imaging", "Statistics", "Docker"];
        string[] programs = ["MSc, Computer Science", "BSc, Data Science", "MEng, Artificial Intelligence", "PhD, Statistics"];
        var random = new Random(20261122);
        using var csv = new StreamWriter(csvPath, false, new UTF8Encoding(false));
        using var ndjson = new StreamWriter(ndjsonPath, false, new UTF8Encoding(false));
        csv.WriteLine("email,name,phone,location,institution,program,graduationDate,skills,certifications,profileUrl");
        for (var i = 0; i < rows; i++)
        {
            // About 1% of rows are bad (missing email), as in real exports.
            var email = i % 100 == 99 ? "" : $"candidate{i}@students.example.edu";
            var rowSkills = string.Join("; ", Enumerable.Range(0, 4).Select(_ => skills[random.Next(skills.Length)]));
            var program = programs[i % programs.Length];
            var graduation = $"2026-{(i % 12) + 1:D2}";
            var phone = Phone(i, random);
            csv.WriteLine($"{email},Candidate {i},{phone},\"Boston, MA, US\",Northfield University,\"{program}\",{graduation},{rowSkills},AWS Certified Machine Learning Engineer – Associate,https://www.linkedin.com/in/candidate-{i}");
            ndjson.WriteLine(JsonSerializer.Serialize(new
            {
                email, name = $"Candidate {i}", phone = phone.Length == 0 ? null : phone, location = "Boston, MA, US", institution = "Northfield University",
                program, graduationDate = graduation, skills = rowSkills.Split("; "), profileUrl = $"https://www.linkedin.com/in/candidate-{i}",
            }));
        }
    }

    /// <summary>
    /// A phone as students' exports have them: most a number of their own (unique, so no cache of numbers would help),
    /// in international or national form; some blank; some a department's switchboard with an extension (a few
    /// numbers, repeated); some mistyped (kept as data, never a key); some British with the trunk 0 written in.
    /// </summary>
    private static string Phone(int i, Random random)
    {
        string[] areas = ["617", "857", "508", "781", "978", "413", "212", "415", "312", "737"];
        var area = areas[random.Next(areas.Length)];
        var exchange = random.Next(200, 1000);
        var line = random.Next(10000);
        return (i % 20) switch
        {
            < 9 => $"+1 {area} {exchange} {line:D4}", // 45%: international form
            < 13 => $"({area}) {exchange}-{line:D4}", // 20%: national form, read in the feed's region
            < 16 => "", // 15%: no phone
            16 => $"+1 617 253 {1000 + (i % 7):D4} ext. {line % 1000}", // 5%: a switchboard and an extension
            17 => $"+44 7{random.Next(400, 1000)} {random.Next(1000000):D6}", // 5%: a British mobile
            18 => $"+44 (0)20 7946 {line:D4}", // 5%: the trunk 0 written after the country code
            _ => $"{area}-{line:D4}", // 5%: seven digits, no exchange: not a valid number
        };
    }
}
