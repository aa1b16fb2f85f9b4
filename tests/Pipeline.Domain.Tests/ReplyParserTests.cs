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

    // The failures named in issue #18, the two wrong decisions first.
    [Fact]
    public void Parse_NotTwoTheOthersYes_RejectsTwoAndInterviewsTheOthers()
    {
        var parsed = ReplyParser.Parse("not 2, the others yes", 4);

        Assert.Equal([(1, Decision.Interview), (2, Decision.Reject), (3, Decision.Interview), (4, Decision.Interview)], Pairs(parsed));
        Assert.True(parsed.IsClear);
    }

    [Fact]
    public void Parse_SectionsInCapitalsOnOneLine_RecordsEachSection()
    {
        var parsed = ReplyParser.Parse("INTERVIEW: 1,2. REJECT: 3.", 3);

        Assert.Equal([(1, Decision.Interview), (2, Decision.Interview), (3, Decision.Reject)], Pairs(parsed));
        Assert.True(parsed.IsClear);
    }

    [Theory]
    [InlineData("#1 to interview, #2 no", 2, "1=Interview 2=Reject")]
    [InlineData("intervew 1 and 2", 2, "1=Interview 2=Interview")]
    [InlineData("Unfortunately 1 isn't a fit. Interview 2.", 2, "1=Reject 2=Interview")]
    [InlineData("Not 1, but yes to 2 and 3.", 3, "1=Reject 2=Interview 3=Interview")]
    [InlineData("Entretien pour le 1 et le 3, pas le 2.", 3, "1=Interview 2=Reject 3=Interview")]
    [InlineData("1 und 3 einladen, 2 absagen.", 3, "1=Interview 2=Reject 3=Interview")]
    [InlineData("Entrevista para el 1 y el 3, descartar el 2.", 3, "1=Interview 2=Reject 3=Interview")]
    public void Parse_ReplyAnyPersonReadsAtOnce_IsClear(string body, int candidates, string expected)
    {
        var parsed = ReplyParser.Parse(body, candidates);

        Assert.Equal(expected, string.Join(' ', Pairs(parsed).Select(p => $"{p.Candidate}={p.Decision}")));
        Assert.True(parsed.IsClear, string.Join(" | ", parsed.Unclear));
    }

    [Fact]
    public void Parse_ScopeOfNegationUnclear_AsksAboutThatCandidateWithAReason()
    {
        var parsed = ReplyParser.Parse("Not 1 and 2.", 3);

        Assert.Equal([(1, Decision.Reject)], Pairs(parsed));
        var unclear = Assert.Single(parsed.UnclearCandidates);
        Assert.Equal(2, unclear.Candidate);
        Assert.False(string.IsNullOrWhiteSpace(unclear.Reason));
    }

    [Fact]
    public void Parse_CorrectionOfAnEarlierReply_IsFlagged()
    {
        var parsed = ReplyParser.Parse("Correction: 2 is a reject.", 3);

        Assert.True(parsed.IsCorrection);
        Assert.Equal([(2, Decision.Reject)], Pairs(parsed));
    }

    [Fact]
    public void Parse_OrdinaryReply_IsNotACorrection()
    {
        Assert.False(ReplyParser.Parse("Interview 1, pass on 2.", 2).IsCorrection);
    }

    // Precision first: words that only look like a decision are asked about, never recorded.
    [Theory]
    [InlineData("I told 3 about it. Interview 1.", 3)]
    [InlineData("Please don't reject 2, interview her.", 2)]
    [InlineData("Interview 1. 2 - no idea.", 2)]
    [InlineData("Interview 1. Maybe 2?", 2)]
    [InlineData("Interview 1. 2 if she can start in January.", 2)]
    [InlineData("Interview 1. 2 looks promising.", 2)]
    [InlineData("Interview 1. yes 2 no", 2)]
    [InlineData("El 1 sí, el 2 ya veremos", 2)]
    [InlineData("Le 1 oui, le 2 on verra", 2)]
    [InlineData("Interview 1. I'd skip 2 for now but keep her in mind.", 2)]
    public void Parse_WordsThatOnlyLookLikeADecision_AsksAboutThatCandidate(string body, int asked)
    {
        var parsed = ReplyParser.Parse(body, 3);

        Assert.DoesNotContain(parsed.Decisions, d => d.Candidate == asked);
        Assert.Contains(parsed.UnclearCandidates, u => u.Candidate == asked && u.Reason.Length > 0);
        Assert.True(parsed.NeedsClarification);
    }

    [Fact]
    public void Parse_TypoInAVerb_IsReadButNotInANumber()
    {
        var parsed = ReplyParser.Parse("Intreview 1, rejct 2. Interview 13.", 3);

        Assert.Equal([(1, Decision.Interview), (2, Decision.Reject)], Pairs(parsed));
        Assert.Equal(13, Assert.Single(parsed.UnclearCandidates).Candidate);
    }

    [Fact]
    public void Parse_NoAtTheEndOfASentence_IsANoNotANumero()
    {
        var parsed = ReplyParser.Parse("Candidate 1 is a hard no. 3 yes. Interview no. 2. 4 no, see my note.", 4);

        Assert.Equal([(1, Decision.Reject), (2, Decision.Interview), (3, Decision.Interview), (4, Decision.Reject)], Pairs(parsed));
    }

    [Fact]
    public void Parse_OpinionThenDecision_TheDecisionStands()
    {
        var parsed = ReplyParser.Parse("Thanks! 1 2 3 all great. Let's interview all three.", 3);

        Assert.Equal([(1, Decision.Interview), (2, Decision.Interview), (3, Decision.Interview)], Pairs(parsed));
        Assert.True(parsed.IsClear);
    }

    [Fact]
    public void Parse_OutOfOffice_IsAnAutoReplyWithNothingToAsk()
    {
        var parsed = ReplyParser.Parse("Automatic reply: I am out of the office until 9 November. For urgent matters call 3.", 3);

        Assert.Equal(ReplyKind.AutoReply, parsed.Kind);
        Assert.Empty(parsed.Decisions);
        Assert.False(parsed.NeedsClarification);
    }

    [Fact]
    public void Parse_Deferral_HasNothingToRecordOrAsk()
    {
        var parsed = ReplyParser.Parse("Thanks, let me think about it over the weekend and I'll get back to you.", 3);

        Assert.Equal(ReplyKind.Deferral, parsed.Kind);
        Assert.Empty(parsed.Decisions);
        Assert.False(parsed.NeedsClarification);
    }

    [Fact]
    public void Parse_CorrectionWithinTheReply_TheLaterWordsStand()
    {
        var parsed = ReplyParser.Parse("Interview 1 and 2 - actually no, pass on 2. 3 no.", 3);

        Assert.Equal([(1, Decision.Interview), (2, Decision.Reject), (3, Decision.Reject)], Pairs(parsed));
        Assert.False(parsed.IsCorrection);
    }

    private static List<(int Candidate, Decision Decision)> Pairs(ParsedReply parsed) => [.. parsed.Decisions.Select(d => (d.Candidate, d.Decision)).OrderBy(d => d.Candidate)];

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
