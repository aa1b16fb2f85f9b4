using Pipeline.Domain.Replies;

namespace Pipeline.Domain.Tests;

/// <summary>
/// The evaluation corpus (Replies/evaluation.txt, written from the manager's side without reading the parser) is the
/// judge: no reply may yield a decision the manager did not make, and nearly all must come out exactly as a careful
/// recruiter reads them.
/// </summary>
public class ReplyEvaluationTests(ITestOutputHelper output)
{
    private const double RequiredExactMatch = 0.97;

    /// <summary>What a careful recruiter records from one reply.</summary>
    public sealed record EvaluationCase(string Id, string Style, string Language, int Candidates, IReadOnlyDictionary<int, string>? Names, string Body,
        IReadOnlyDictionary<int, Decision> Decisions, IReadOnlySet<int> Unclear, bool UnclearAll, bool Ignore)
    {
        public override string ToString() => Id;
    }

    private sealed record Outcome(EvaluationCase Case, ParsedReply Parsed, IReadOnlyList<string> Wrong, bool Exact);

    public static IReadOnlyList<EvaluationCase> Corpus { get; } = Load();

    [Fact]
    public void Corpus_Loads_AllCases()
    {
        Assert.Equal(269, Corpus.Count);
        Assert.Equal(Corpus.Count, Corpus.Select(c => c.Id).Distinct().Count());
    }

    [Fact]
    public void Evaluation_NoWrongDecision_AndExactMatchAtLeast97Percent()
    {
        var outcomes = Corpus.Select(Judge).ToList();
        Report(outcomes);

        var wrong = outcomes.Where(o => o.Wrong.Count > 0).ToList();
        Assert.True(wrong.Count == 0, "Wrong decisions:\n" + string.Join("\n", wrong.Select(o => $"{o.Case.Id}: {string.Join("; ", o.Wrong)}")));
        var reasonless = outcomes.SelectMany(o => o.Parsed.UnclearCandidates.Where(u => string.IsNullOrWhiteSpace(u.Reason)).Select(u => $"{o.Case.Id} #{u.Candidate}")).ToList();
        Assert.True(reasonless.Count == 0, "Unclear without a reason: " + string.Join(", ", reasonless));
        var exact = outcomes.Count(o => o.Exact) / (double)outcomes.Count;
        Assert.True(exact >= RequiredExactMatch, $"exact match {exact:P1} < {RequiredExactMatch:P0}; misses:\n" + string.Join("\n", outcomes.Where(o => !o.Exact).Select(Describe)));
    }

    private static Outcome Judge(EvaluationCase c)
    {
        var parsed = ReplyParser.Parse(c.Body, c.Candidates, c.Names);
        var wrong = new List<string>();
        foreach (var d in parsed.Decisions)
        {
            if (!c.Decisions.TryGetValue(d.Candidate, out var expected) || expected != d.Decision)
            {
                wrong.Add($"#{d.Candidate} recorded {d.Decision}, expected {(c.Decisions.TryGetValue(d.Candidate, out var e) ? e.ToString() : c.Unclear.Contains(d.Candidate) || c.UnclearAll ? "unclear" : "nothing")}");
            }
        }

        var gotUnclear = parsed.UnclearCandidates.Select(u => u.Candidate).ToHashSet();
        bool exact;
        if (c.Ignore)
        {
            exact = parsed.Kind == ReplyKind.AutoReply && parsed.Decisions.Count == 0 && !parsed.NeedsClarification;
        }
        else if (c.UnclearAll)
        {
            exact = parsed.Decisions.Count == 0 && parsed.NeedsClarification;
        }
        else
        {
            exact = wrong.Count == 0
                && parsed.Decisions.Count == c.Decisions.Count
                && gotUnclear.SetEquals(c.Unclear)
                && parsed.NeedsClarification == (c.Unclear.Count > 0);
            if (c.Decisions.Count == 0 && c.Unclear.Count == 0)
            {
                // A deferral or hand-over: nothing to record and nothing to ask.
                exact = parsed.Decisions.Count == 0 && gotUnclear.Count == 0 && !parsed.NeedsClarification;
            }
        }

        return new Outcome(c, parsed, wrong, exact);
    }

    private void Report(IReadOnlyList<Outcome> outcomes)
    {
        void Line(string label, IEnumerable<Outcome> group)
        {
            var list = group.ToList();
            output.WriteLine($"{label,-22} {list.Count,4} cases  exact {list.Count(o => o.Exact) / (double)list.Count,7:P1}  wrong {list.Count(o => o.Wrong.Count > 0),3}  unclear candidates {list.Sum(o => o.Parsed.UnclearCandidates.Count),3}");
        }

        Line("overall", outcomes);
        foreach (var style in outcomes.GroupBy(o => o.Case.Style).OrderBy(g => g.Key))
        {
            Line("style " + style.Key, style);
        }

        foreach (var language in outcomes.GroupBy(o => o.Case.Language).OrderBy(g => g.Key))
        {
            Line("lang " + language.Key, language);
        }

        foreach (var miss in outcomes.Where(o => !o.Exact))
        {
            output.WriteLine(Describe(miss));
        }
    }

    private static string Describe(Outcome o) =>
        $"{(o.Wrong.Count > 0 ? "WRONG" : "miss ")} {o.Case.Id}: expected [{string.Join(", ", o.Case.Decisions.OrderBy(d => d.Key).Select(d => $"{d.Key}={d.Value}"))}] unclear [{(o.Case.UnclearAll ? "all" : string.Join(",", o.Case.Unclear.Order()))}]{(o.Case.Ignore ? " ignore" : "")}; got [{string.Join(", ", o.Parsed.Decisions.Select(d => $"{d.Candidate}={d.Decision}"))}] unclear [{string.Join(" | ", o.Parsed.UnclearCandidates.Select(u => $"{u.Candidate}: {u.Reason}"))}] kind {o.Parsed.Kind} asks {o.Parsed.NeedsClarification} ({string.Join(" | ", o.Parsed.Unclear)})";

    private static List<EvaluationCase> Load()
    {
        var text = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Replies", "evaluation.txt")).Replace("\r\n", "\n", StringComparison.Ordinal);
        var cases = new List<EvaluationCase>();
        foreach (var block in text.Split("\n=== ")[1..])
        {
            var newline = block.IndexOf('\n', StringComparison.Ordinal);
            var fields = block[..newline].Split(" | ").Select(f => f.Split(": ", 2)).ToDictionary(f => f[0].Trim(), f => f[1].Trim());
            int[] Numbers(string key) => fields.TryGetValue(key, out var v) && v != "all" ? [.. v.Split(',').Select(int.Parse)] : [];
            var names = fields.TryGetValue("names", out var n)
                ? n.Split(';').Select(p => p.Split('=', 2)).ToDictionary(p => int.Parse(p[0]), p => p[1])
                : null;
            var decisions = new Dictionary<int, Decision>();
            foreach (var (key, decision) in new[] { ("interview", Decision.Interview), ("reject", Decision.Reject), ("hold", Decision.Hold) })
            {
                foreach (var candidate in Numbers(key))
                {
                    decisions.Add(candidate, decision);
                }
            }

            // "# why:" lines explain the expectation to the reader; they are not part of the reply.
            var body = string.Join('\n', block[(newline + 1)..].Split('\n').SkipWhile(l => l.StartsWith("# why:", StringComparison.Ordinal))).TrimEnd();
            cases.Add(new EvaluationCase(fields["id"], fields["style"], fields["lang"], int.Parse(fields["candidates"]), names, body,
                decisions, Numbers("unclear").ToHashSet(), fields.GetValueOrDefault("unclear") == "all", fields.GetValueOrDefault("ignore") == "yes"));
        }

        return cases;
    }
}
