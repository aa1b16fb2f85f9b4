using Pipeline.Domain.Replies;

namespace Pipeline.Domain.Tests;

/// <summary>The reply corpus (Replies/corpus.txt): each realistic reply must yield exactly its expected decisions.</summary>
public class ReplyParserTests
{
    public sealed record ReplyCase(string Id, string Style, int Candidates, IReadOnlyDictionary<int, string>? Names, string Body,
        IReadOnlyList<int> Interview, IReadOnlyList<int> Reject, IReadOnlyList<int> Hold, bool Unclear)
    {
        public override string ToString() => Id;
    }

    public static IReadOnlyList<ReplyCase> Corpus { get; } = Load();

    public static TheoryData<string> Ids() => [.. Corpus.Select(c => c.Id)];

    [Fact]
    public void Corpus_HasAtLeastSixtyReplies_InEveryStyle()
    {
        Assert.True(Corpus.Count >= 60, $"{Corpus.Count} replies");
        Assert.Equal(Corpus.Count, Corpus.Select(c => c.Id).Distinct().Count());
        foreach (var style in new[] { "outlook", "gmail", "mobile", "plain", "outlook-html", "gmail-html" })
        {
            Assert.Contains(Corpus, c => c.Style == style);
        }
    }

    [Theory]
    [MemberData(nameof(Ids))]
    public void Reply_YieldsItsExpectedDecisions(string id)
    {
        var reply = Corpus.Single(c => c.Id == id);

        var parsed = ReplyParser.Parse(reply.Body, reply.Candidates, reply.Names);

        var got = parsed.Decisions.GroupBy(d => d.Decision).ToDictionary(g => g.Key, g => g.Select(d => d.Candidate).Order().ToList());
        var because = $"{id}: decisions [{string.Join(", ", parsed.Decisions.Select(d => $"{d.Candidate}={d.Decision}"))}], unclear [{string.Join(" | ", parsed.Unclear)}]";
        Assert.True(reply.Interview.SequenceEqual(got.GetValueOrDefault(Decision.Interview) ?? []), because);
        Assert.True(reply.Reject.SequenceEqual(got.GetValueOrDefault(Decision.Reject) ?? []), because);
        Assert.True(reply.Hold.SequenceEqual(got.GetValueOrDefault(Decision.Hold) ?? []), because);
        Assert.True(reply.Unclear == !parsed.IsClear, because);
    }

    [Fact]
    public void Decision_KeepsTheSentenceThatMadeIt()
    {
        var parsed = ReplyParser.Parse("Hi,\nLet's talk to #1.\nPass on #2 - not enough MLOps.\n\nThanks,\nDana", 2);

        Assert.Equal("Let's talk to #1.", parsed.Decisions.Single(d => d.Candidate == 1).Sentence);
        Assert.Equal("Pass on #2 - not enough MLOps.", parsed.Decisions.Single(d => d.Candidate == 2).Sentence);
    }

    private static List<ReplyCase> Load()
    {
        var text = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Replies", "corpus.txt"));
        var cases = new List<ReplyCase>();
        foreach (var block in text.Split("\n=== ")[1..])
        {
            var newline = block.IndexOf('\n', StringComparison.Ordinal);
            var fields = block[..newline].Split(" | ").Select(f => f.Split(": ", 2)).ToDictionary(f => f[0].Trim(), f => f[1].Trim());
            IReadOnlyList<int> Numbers(string key) => fields.TryGetValue(key, out var v) ? [.. v.Split(',').Select(int.Parse).Order()] : [];
            var names = fields.TryGetValue("names", out var n)
                ? n.Split(';').Select(p => p.Split('=')).ToDictionary(p => int.Parse(p[0]), p => p[1])
                : null;
            cases.Add(new ReplyCase(fields["id"], fields["style"], int.Parse(fields["candidates"]), names, block[(newline + 1)..].TrimEnd(),
                Numbers("interview"), Numbers("reject"), Numbers("hold"), fields.GetValueOrDefault("unclear") == "yes"));
        }

        return cases;
    }
}
