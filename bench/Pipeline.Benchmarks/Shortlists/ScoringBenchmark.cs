using System.Diagnostics;
using System.Globalization;
using Pipeline.Core.Configuration;
using Pipeline.Domain.Candidates;
using Pipeline.Domain.Certifications;
using Pipeline.Domain.Requisitions;
using Pipeline.Domain.Shortlists;

namespace Pipeline.Benchmarks.Shortlists;

/// <summary>
/// scoring [--candidates 1000000] [--requisitions 50] [--changed 1000]: scores generated candidates against generated
/// requisitions as a full re-score does (every candidate against every requisition, keeping each shortlist's best),
/// then the incremental case: that many candidates changed, each scored against every requisition as it was and as
/// it is (what ScreenCandidates does), and each affected requisition ranked from its pool (what BuildShortlist does).
/// Candidates are generated as they are scored, so memory shows what scoring holds, not the data set.
/// </summary>
internal static class ScoringBenchmark
{
    private static readonly string[] Vocabulary =
    [
        "PyTorch", "TensorFlow", "JAX", "Kubeflow", "Kubernetes", "MLflow", "Docker", "Python", "SQL", "Spark", "Airflow", "scikit-learn",
        "pandas", "NumPy", "CUDA", "Medical Imaging", "DICOM", "MONAI", "Statistics", "R", "Computer Vision", "NLP", "Transformers",
        "Hugging Face", "LangChain", "Ray", "Dask", "Terraform", "AWS", "Azure", "GCP", "Go", "Rust", "Java", "Scala", "C++", "Julia",
        "Time Series", "Reinforcement Learning", "Recommender Systems",
    ];

    private static readonly string[] Names = ["AWS Certified Machine Learning Engineer – Associate", "Google Cloud Professional Machine Learning Engineer", "Microsoft Certified: Azure Data Scientist Associate"];
    private static readonly string[] Ids = ["aws-mla-c01", "gcp-pmle", "ms-dp-100"];

    private static readonly string[] Places = ["Boston, MA, US", "Berlin, DE", "London, UK", "Toronto, ON, CA", "Austin, TX, US", "Paris, FR"];

    public static int Run(string[] args)
    {
        var count = int.Parse(Args.Get(args, "--candidates", "1000000"), CultureInfo.InvariantCulture);
        var requisitionCount = int.Parse(Args.Get(args, "--requisitions", "50"), CultureInfo.InvariantCulture);
        var changed = int.Parse(Args.Get(args, "--changed", "1000"), CultureInfo.InvariantCulture);
        var catalogue = PipelineConfiguration.LoadCatalogue(PipelineConfiguration.DefaultCataloguePath);
        var requisitions = Requisitions(requisitionCount, catalogue);

        // Full re-score: every candidate against every requisition; each requisition keeps its pool (the qualifiers).
        var pools = requisitions.Select(_ => new Dictionary<string, double>(StringComparer.Ordinal)).ToArray();
        var watch = Stopwatch.StartNew();
        for (var i = 0; i < count; i++)
        {
            var profile = Candidate(i, 0);
            for (var r = 0; r < requisitions.Count; r++)
            {
                var score = Scorer.Score(requisitions[r], profile, catalogue);
                if (Scorer.Qualifies(requisitions[r], score))
                {
                    pools[r][profile.CandidateId] = score.Score;
                }
            }
        }

        var shortlists = requisitions.Select((q, r) => Rank(q, pools[r])).ToList();
        watch.Stop();
        var full = watch.Elapsed;
        var qualifiers = pools.Sum(p => p.Count);

        // Incremental: changed candidates scored before and after against every requisition; affected requisitions ranked from their pools.
        watch.Restart();
        var affected = new HashSet<int>();
        for (var c = 0; c < changed; c++)
        {
            var i = (int)((long)c * count / changed);
            var before = Candidate(i, 0);
            var after = Candidate(i, 1);
            for (var r = 0; r < requisitions.Count; r++)
            {
                var was = Scorer.Score(requisitions[r], before, catalogue);
                var now = Scorer.Score(requisitions[r], after, catalogue);
                double? a = Scorer.Qualifies(requisitions[r], was) ? was.Score : null, b = Scorer.Qualifies(requisitions[r], now) ? now.Score : null;
                if (a == b)
                {
                    continue;
                }

                affected.Add(r);
                if (b is { } score)
                {
                    pools[r][after.CandidateId] = score;
                }
                else
                {
                    pools[r].Remove(after.CandidateId);
                }
            }
        }

        foreach (var r in affected)
        {
            shortlists[r] = Rank(requisitions[r], pools[r]);
        }

        watch.Stop();
        var incremental = watch.Elapsed;
        var peak = Process.GetCurrentProcess().PeakWorkingSet64;

        Console.WriteLine($"{count:N0} candidates x {requisitionCount} requisitions; {qualifiers:N0} qualifying pairs kept in the pools; peak working set {peak / 1e6:N0} MB");
        Console.WriteLine($"{"case",-34} {"seconds",8} {"candidates/s",13} {"scorings/s",12}");
        Console.WriteLine($"{"full re-score",-34} {full.TotalSeconds,8:F2} {count / full.TotalSeconds,13:N0} {(double)count * requisitionCount / full.TotalSeconds,12:N0}");
        Console.WriteLine($"{$"incremental ({changed:N0} changed, {affected.Count} reqs)",-34} {incremental.TotalSeconds,8:F3} {changed / incremental.TotalSeconds,13:N0} {2.0 * changed * requisitionCount / incremental.TotalSeconds,12:N0}");
        Console.WriteLine($"incremental is {full.TotalSeconds / incremental.TotalSeconds:N0}x faster than a full re-score");
        return 0;
    }

    private static List<CandidateScore> Rank(Requisition requisition, Dictionary<string, double> pool) =>
        pool.OrderByDescending(p => p.Value).ThenBy(p => p.Key, StringComparer.Ordinal).Take(requisition.ShortlistSize)
            .Select(p => new CandidateScore(p.Key, p.Value, true, [])).ToList();

    /// <summary>Candidate <paramref name="i"/>, in its <paramref name="version"/>: the same every time it is asked for.</summary>
    private static ScoringProfile Candidate(int i, int version)
    {
        var random = new Random(i * 2 + version); // HashCode is seeded per process; this is the same every run
        var skills = Enumerable.Range(0, random.Next(3, 11)).Select(_ => Vocabulary[random.Next(Vocabulary.Length)]).Distinct().ToList();
        var certifications = random.Next(4) == 0
            ? new List<CertificationEvidence>
            {
                new(Names[random.Next(3)], Ids[random.Next(3)], (CertificationStanding)random.Next(3), "bench"),
            }
            : [];
        return new ScoringProfile($"c{i:D8}", skills, certifications)
        {
            Location = Places[random.Next(Places.Length)], GraduationDate = new DateOnly(2026, random.Next(1, 13), 1),
            Program = random.Next(5) == 0 ? "MSc, Biomedical Engineering" : "MSc, Computer Science",
        };
    }

    private static List<Requisition> Requisitions(int count, CertificationCatalogue catalogue)
    {
        var random = new Random(7);
        return Enumerable.Range(0, count).Select(r => new Requisition
        {
            Id = $"role-{r:D3}", Title = $"Role {r}", HiringManager = new Contact("hm@contoso.example"),
            RequiredSkills = Enumerable.Range(0, 2).Select(_ => (SkillRequirement)Vocabulary[random.Next(10)]).Distinct().ToList(),
            PreferredSkills = Enumerable.Range(0, 3).Select(_ => new SkillRequirement(Vocabulary[random.Next(Vocabulary.Length)], random.Next(1, 4))).DistinctBy(s => s.Name).ToList(),
            Certifications = r % 3 == 0 ? [new CertificationRequirement { Id = catalogue.Certifications[random.Next(catalogue.Certifications.Count)].Id }] : [],
            DomainKnowledge = r % 5 == 0 ? [new DomainRequirement { Name = "Imaging", Keywords = ["medical imaging", "dicom", "biomedical"] }] : [],
            Location = r % 4 == 0 ? new LocationRequirement { Mode = WorkMode.Hybrid, Places = ["US", "CA"] } : null,
            Availability = r % 2 == 0 ? new AvailabilityRequirement { Start = new DateOnly(2026, 9, 1) } : null,
            ShortlistSize = 10,
            MinimumScore = 0.4,
        }).ToList();
    }
}
