using System.Text.RegularExpressions;

namespace Pipeline.Domain.Replies;

/// <summary>
/// Turns a hiring manager's free-text answer to a shortlist ("yes to 1 and 3, pass on 2") into per-candidate
/// decisions, in English, French, German and Spanish. Precision first: a decision is recorded for a candidate only
/// when everything the reply says about that candidate agrees; anything else (a contradiction, a question, a
/// condition, a hedge, a number beyond the shortlist, a name that fits two people, a negation whose reach is unclear)
/// makes that candidate unclear, with the reason in words. Steps: the manager's own text (<see cref="ReplyText"/>);
/// auto-replies set aside; each line normalised (<see cref="ReplyNormaliser"/>) and cut into sentences and clauses
/// (<see cref="ReplyClauses"/>); statements about candidates made from the clauses, taking a decision from the words
/// next to them, a heading above them, or the list they continue; the statements weighed per candidate, later
/// corrections replacing earlier words.
/// </summary>
public static partial class ReplyParser
{
    private const string NamedOnly = "named without saying what to do";

    private const string OpinionOnly = "an opinion, without saying what to do";

    private const string Doubt = "said with doubt (\"maybe\", \"not sure\", \"probably\")";

    private enum Priority
    {
        /// <summary>Said of nobody by name: "only 4" leaves the others out, "all except 3" says no to 3.</summary>
        Implied,

        /// <summary>"The rest", "the others": whoever no other statement names.</summary>
        Rest,

        /// <summary>Said of these candidates.</summary>
        Explicit,
    }

    /// <summary>What one statement says about some candidates: a decision, a reason to ask, or a decision put off.</summary>
    private sealed record Statement(IReadOnlyList<int> Candidates, Decision? Decision, string? Ask, bool Deferred, string Sentence, int Epoch, Priority Priority);

    public static ParsedReply Parse(string body, int candidates, IReadOnlyDictionary<int, string>? names = null)
    {
        var own = ReplyText.Own(body);
        var lower = own.ToLowerInvariant();
        if (ReplyLexicon.AutoReplyMarkers.Any(m => lower.Contains(m, StringComparison.Ordinal)))
        {
            return new ParsedReply([], []) { Kind = ReplyKind.AutoReply };
        }

        var words = Vocabulary.For(WordPattern().Matches(lower).Select(m => m.Value).ToList());
        var lines = ReplyNormaliser.ApplyLegend(own.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            .Select(line => (Source: line, Sentences: ReplyClauses.Split(line, ReplyNormaliser.Line(line, candidates, names, words), words)))
            .ToList();
        var reading = new Reading(candidates);
        foreach (var (source, sentences) in lines)
        {
            reading.Line(source, sentences);
        }

        if (reading.Statements.Count == 0)
        {
            reading.Positional(lines.SelectMany(l => l.Sentences).SelectMany(s => s.Clauses).ToList());
        }

        var clauses = lines.SelectMany(l => l.Sentences).SelectMany(s => s.Clauses).ToList();
        var parsed = Weigh(reading, candidates, own, clauses.Any(c => c.Has(Cue.Deferral)));
        if (clauses.FirstOrDefault(c => c.Has(Cue.Adopts)) is { } adopts && parsed.Kind == ReplyKind.Answer)
        {
            // Someone else's answer adopted by reference is not read as the manager's own: say so instead of recording part of it.
            var line = $"the reply adopts someone else's answer (\"{Cut(adopts.Source)}\"), which is not read as the manager's own";
            parsed = parsed with { Unclear = [.. parsed.Unclear.Where(u => !u.StartsWith("no decision", StringComparison.Ordinal)), line] };
        }

        return parsed;
    }

    /// <summary>Reads the lines in order, keeping what a reader keeps in mind: the heading above, the last decision, corrections.</summary>
    private sealed class Reading(int candidates)
    {
        private Decision? heading;
        private List<Statement> lastSentence = [];
        private bool headingIsHedge;

        public List<Statement> Statements { get; } = [];

        public int Epoch { get; private set; }

        public bool CorrectsEarlierReply { get; private set; }

        public bool Unresolved { get; private set; }

        public void Line(string source, IReadOnlyList<Sentence> sentences)
        {
            var clauses = sentences.SelectMany(s => s.Clauses).ToList();
            if (IsHeading(clauses))
            {
                heading = clauses.Select(c => c.Firm).FirstOrDefault(f => f is not null);
                headingIsHedge = heading is null;
                return;
            }

            var itemLine = clauses.Count > 0 && clauses[0].Segments.Count > 0 && clauses[0].Text.StartsWith('#');
            if (!itemLine)
            {
                (heading, headingIsHedge) = (null, false);
            }

            if (itemLine && OnlyNumbers().IsMatch(clauses[0].Text))
            {
                // "Nº 5: no, pide 3 días … y solo ofrecemos 2": after an item's decision, numbers in the remark are not candidates.
                var decided = false;
                foreach (var clause in sentences[0].Clauses)
                {
                    if (decided && !clause.Text.StartsWith('#') && !clause.Text.StartsWith('<'))
                    {
                        clause.Segments.Clear();
                    }

                    decided |= clause.Firm is not null || clause.Segments.Any(s => s.Cues.Any(Clause.IsDecision));
                }
            }

            foreach (var sentence in sentences)
            {
                if (DoubtAfter(sentence) && lastSentence.Count > 0)
                {
                    // "Actually 3 is great too, let's see her. Or not — the team's split.": the doubt undoes what came just before.
                    foreach (var said in lastSentence.Where(s => s.Ask is null && s.Decision is not null).ToList())
                    {
                        Statements[Statements.IndexOf(said)] = said with { Decision = null, Ask = "said and then doubted" };
                    }
                }

                var before = Statements.Count;
                Sentence(source, sentence, itemLine);
                lastSentence = Statements.Skip(before).ToList();
            }
        }

        private static bool DoubtAfter(Sentence sentence) =>
            sentence.Clauses.All(c => !c.HasScope && c.Firm is null) && sentence.Clauses.Any(c => c.Has(Cue.Hedge));

        /// <summary>"Interview", "## No", "NOT MOVING FORWARD", "Maybe:": a decision alone on its line, over the lists below it.</summary>
        private static bool IsHeading(List<Clause> clauses) =>
            clauses.Count is > 0 and <= 2 && clauses.All(c => !c.HasScope) && clauses.Sum(c => c.Words) <= 4
            && clauses.Count(c => c.Firm is not null || c.Has(Cue.Hedge)) == 1;

        /// <summary>What the words say about a part of a clause: a decision, a reason to ask, or a decision put off.</summary>
        private readonly record struct Said(Decision? Decision, string? Ask = null, bool Defer = false)
        {
            public bool IsEmpty => Decision is null && Ask is null && !Defer;
        }

        /// <summary>Where a sentence stands: the clauses it has, which of them have lent their decision, and the list it is going through.</summary>
        private sealed class SentenceState(Sentence sentence, bool itemLine)
        {
            public Sentence Sentence { get; } = sentence;

            public IReadOnlyList<Clause> Clauses => Sentence.Clauses;

            public bool ItemLine { get; } = itemLine;

            public HashSet<int> Consumed { get; } = [];

            public Decision? Carried { get; set; }

            public bool Conditional { get; } = sentence.Clauses.Any(c => c.Has(Cue.Condition));

            public bool Deferred { get; } = sentence.Clauses.Any(c => c.Has(Cue.Deferral));

            public bool Request { get; } = sentence.Clauses.Any(c => c.Has(Cue.Request));
        }

        private void Sentence(string source, Sentence sentence, bool itemLine)
        {
            var state = new SentenceState(sentence, itemLine);
            for (var i = 0; i < state.Clauses.Count; i++)
            {
                var clause = state.Clauses[i];
                if (clause.Has(Cue.Correction))
                {
                    Epoch++;
                    CorrectsEarlierReply |= Statements.Count == 0;
                }

                if (!clause.HasScope)
                {
                    Unresolved |= clause.PointsAtSomeone && clause.Firm == Decision.Interview && clause.Text.Contains("someone", StringComparison.Ordinal);
                    continue;
                }

                foreach (var segment in clause.Segments.Where(s => s.HasScope))
                {
                    if (Read(state, i, segment) is not { } said)
                    {
                        continue;
                    }

                    Add(segment, source, said, NextDecision(state.Clauses, i, state.Consumed));
                    state.Carried = said.Ask is null && !said.Defer ? said.Decision : null;
                    if (clause.Has(Cue.Only) && said.Decision == Decision.Interview)
                    {
                        Statements.Add(new Statement(Enumerable.Range(1, candidates).ToList(), Decision.Reject, null, false, source, Epoch, Priority.Implied));
                    }
                }
            }
        }

        /// <summary>What a part of clause <paramref name="i"/> says: its own words, else the words next to it, else its context; then whatever makes it a question. Null: no statement.</summary>
        private Said? Read(SentenceState state, int i, Segment segment)
        {
            var said = Own(segment);
            if (segment.None && segment.Refs.Count == 0 && said.IsEmpty && i > 0)
            {
                return null; // "Reject: none" lists nobody; "pass on 2 — neither has…" says why
            }

            var weak = (said.IsEmpty && segment.Cues.Contains(Cue.Opinion)) || segment.BareNegation;
            if (said.IsEmpty || weak)
            {
                said = FromNeighbours(state, i, weak) ?? said;
            }

            if (said.IsEmpty)
            {
                if (FromContext(state, i, segment) is not { } context)
                {
                    return null;
                }

                said = context;
            }

            return Qualify(state, i, segment, said);
        }

        /// <summary>The words next to it: "1: yes", "2 looks good but pass", "3: let me check", "yes, 1 and 3", "1,2 yes", "1, 3 and 5: pass".</summary>
        private static Said? FromNeighbours(SentenceState state, int i, bool weak)
        {
            var clauses = state.Clauses;
            var next = Enumerable.Range(i + 1, clauses.Count - i - 1).TakeWhile(j => !clauses[j].HasScope || (!weak && IsBareList(clauses[j])))
                .FirstOrDefault(j => !clauses[j].HasScope && (clauses[j].Firm is not null || clauses[j].Has(Cue.Hedge) || clauses[j].Has(Cue.Deferral)), -1);
            if (next >= 0 && (clauses[next].Firm is not null || !weak))
            {
                state.Consumed.Add(next);
                return FromClause(clauses[next]);
            }

            if (weak)
            {
                return null;
            }

            var previous = Enumerable.Range(0, i).Reverse().TakeWhile(j => !clauses[j].HasScope).FirstOrDefault(j => !state.Consumed.Contains(j) && clauses[j].Firm is not null, -1);
            if (previous >= 0)
            {
                return new Said(clauses[previous].Firm);
            }

            return IsBareList(clauses[i]) && i + 1 < clauses.Count && CompletesList(clauses[i + 1]) is { } listed ? new Said(listed) : null;
        }

        /// <summary>Nothing next to it decides: "only 3", "all four, please", the list it continues, the heading above, "too", "none of"; else it is asked about.</summary>
        private Said? FromContext(SentenceState state, int i, Segment segment)
        {
            var clause = state.Clauses[i];
            var scopeOnly = segment.Refs.Count == 0;
            if (clause.Has(Cue.Only) && !scopeOnly)
            {
                return new Said(Decision.Interview); // "Only 3 for me", "3 only, please"
            }

            if (PleaseAlone(state.Sentence))
            {
                return new Said(Decision.Interview); // "All four, please.", "Everyone but Jamal, please."
            }

            if (scopeOnly && (segment.All || segment.Rest) && segment.Except.Count == 0)
            {
                return null; // "these all look strong", "having reviewed all four profiles": no statement
            }

            // "interview 1, 3": the list goes on; "entrevista para 1 y 3… perdón, quería decir 1 y 2": the list is said again.
            if (state.Carried is { } carried && (clause.OnlyReferences || clause.Cues is [Cue.Correction]))
            {
                return new Said(carried);
            }

            if (state.ItemLine && (heading is not null || headingIsHedge))
            {
                return headingIsHedge ? new Said(null, "listed under an undecided heading") : new Said(heading);
            }

            if (clause.Has(Cue.Also) && Statements.LastOrDefault(s => s.Decision is not null) is { } before)
            {
                return new Said(before.Decision); // "#5 too", "Actually, 4 too"
            }

            if (segment.None)
            {
                return new Said(Decision.Reject); // "none of 1-4", "4 neither", "None of these, sorry"
            }

            return segment.Cues.Contains(Cue.Opinion) ? new Said(null, OpinionOnly) : new Said(null, NamedOnly);
        }

        /// <summary>A question, a condition, "1 or 3", or a sentence that puts the decision off turns what was said into something to ask, or nothing.</summary>
        private static Said Qualify(SentenceState state, int i, Segment segment, Said said)
        {
            var ask = said.Ask;

            // "I'd skip 3 for now but keep her in mind": words after it in the sentence that say otherwise.
            var after = Enumerable.Range(i + 1, state.Clauses.Count - i - 1).TakeWhile(j => !state.Clauses[j].HasScope)
                .Where(j => !state.Consumed.Contains(j) && !state.Clauses[j].Has(Cue.Correction)).Select(j => state.Clauses[j].Firm);
            if (said.Decision is { } stated && segment.Except.Count == 0 && after.Any(f => f is not null && f != stated))
            {
                ask ??= "followed in the same sentence by words that say otherwise";
            }

            if (said.Decision is { } decision && segment.None && decision != Decision.Reject && segment.Refs.Count == 0)
            {
                ask ??= "\"none\" together with a decision that is not a no";
            }

            if (state.Sentence.Question && !state.Request)
            {
                ask ??= "asked as a question";
            }

            if (state.Conditional)
            {
                ask ??= "depends on a condition";
            }

            if (segment.EitherOr && said.Decision is Decision.Interview or Decision.Hold)
            {
                ask ??= "one of them or the other, not both";
            }

            if (state.Deferred && (ask is not null || said.Decision is null))
            {
                return new Said(null, null, Defer: true);
            }

            return said with { Ask = ask };
        }

        /// <summary>"Everyone except 4, who we keep on hold": the decision after an exception is for the excepted.</summary>
        private static Decision? NextDecision(IReadOnlyList<Clause> clauses, int after, HashSet<int> consumed)
        {
            for (var j = after + 1; j < clauses.Count && !clauses[j].HasScope; j++)
            {
                if (!consumed.Contains(j) && clauses[j].Firm is { } firm)
                {
                    return firm;
                }
            }

            return null;
        }

        private static Decision? CompletesList(Clause clause) =>
            clause.Text.StartsWith('#') && clause.Segments.Count == 1 && clause.Segments[0].Refs.Count > 0 && Own(clause.Segments[0]) is { Decision: { } d, Ask: null, Defer: false } ? d : null;

        private static bool IsBareList(Clause clause) => clause.Cues.Count == 0 && clause.Segments.All(s => !s.All && !s.None && !s.Rest);

        /// <summary>A sentence that says nothing but "please" about the candidates it names asks for them to be interviewed.</summary>
        private static bool PleaseAlone(Sentence sentence) =>
            sentence.Clauses.Any(c => c.Text.Contains("please", StringComparison.Ordinal)) && sentence.Clauses.All(c => c.Cues.Count == 0) && !sentence.Question;

        private static Said Own(Segment segment)
        {
            var firm = segment.Cues.Where(Clause.IsDecision).Distinct().ToList();
            if (segment.Cues.Contains(Cue.Deferral))
            {
                return new Said(null, Defer: true);
            }

            if (segment.Cues.Contains(Cue.Elsewhere))
            {
                return new Said(null, "kept in mind for other or future roles, which says nothing about this one");
            }

            if (segment.Cues.Contains(Cue.Condition))
            {
                return new Said(null, "depends on a condition");
            }

            if (segment.Cues.Contains(Cue.Hedge))
            {
                return firm is [Cue.Hold] ? new Said(Decision.Hold) : new Said(null, Doubt);
            }

            return firm.Count switch
            {
                0 => new Said(null),
                1 => new Said(Clause.ToDecision(firm[0])),
                _ => new Said(null, $"both {string.Join(" and ", firm.Select(f => Describe(Clause.ToDecision(f))))} in the same words"),
            };
        }

        private static Said FromClause(Clause clause) =>
            clause.Has(Cue.Deferral) ? new Said(null, Defer: true)
            : clause.Has(Cue.Hedge) && clause.Firm != Decision.Hold ? new Said(null, Doubt)
            : new Said(clause.Firm);

        private void Add(Segment segment, string source, Said said, Decision? forExcepted)
        {
            var (decision, ask, defer) = (said.Decision, said.Ask, said.Defer);
            var named = new List<int>();
            foreach (var reference in segment.Refs)
            {
                if (reference.Doubt is not null)
                {
                    Statements.Add(new Statement(reference.Candidates, null, reference.Doubt, false, source, Epoch, Priority.Explicit));
                }
                else
                {
                    named.AddRange(reference.Candidates);
                }
            }

            if (segment.BareNegationOverAnd && decision == Decision.Reject && named.Count > 1 && ask is null)
            {
                Statements.Add(new Statement(named.Skip(1).ToList(), null, $"not clear whether \"not\" also covers {string.Join(" and ", named.Skip(1))}", false, source, Epoch, Priority.Explicit));
                named = [named[0]];
            }

            var except = segment.Except.SelectMany(r => r.Candidates).ToHashSet();
            if (segment.Rest)
            {
                Statements.Add(new Statement([], decision, Unresolved ? "\"the others\" depends on who was meant by \"that one\"" : ask, defer, source, Epoch, Priority.Rest));
            }

            if (segment.All || (segment.None && segment.Refs.Count == 0))
            {
                var decided = decision ?? (segment.None ? Decision.Reject : null);
                named.AddRange(Enumerable.Range(1, candidates).Where(c => !except.Contains(c)));
                decision = decided;
            }

            if (named.Count > 0)
            {
                Statements.Add(new Statement(named.Distinct().ToList(), decision, ask, defer, source, Epoch, Priority.Explicit));
            }

            if (except.Count > 0 && decision is { } d && ask is null)
            {
                // "Interview all except 3": a no to 3, unless the reply says what to do with 3 ("…, who we keep on hold").
                var excepted = forExcepted ?? (segment.None ? Decision.Interview : d == Decision.Interview ? Decision.Reject : d == Decision.Reject ? Decision.Interview : null);
                Statements.Add(new Statement(except.ToList(), excepted, excepted is null ? "left out of a hold without saying what to do" : null, false, source, Epoch,
                    forExcepted is null ? Priority.Implied : Priority.Explicit));
            }
        }

        /// <summary>"yes, no, yes" to a list of three: answers in the order of the shortlist.</summary>
        public void Positional(List<Clause> clauses)
        {
            var answers = clauses.Where(c => c.Cues.Count > 0).ToList();
            if (answers.Count == candidates && answers.All(c => c.Firm is not null && c.Words <= 2))
            {
                for (var i = 0; i < answers.Count; i++)
                {
                    Statements.Add(new Statement([i + 1], answers[i].Firm, null, false, answers[i].Source, 0, Priority.Explicit));
                }
            }
        }
    }

    /// <summary>Per candidate: the latest statements that name it must agree; otherwise "the rest"; otherwise what was implied.</summary>
    private static ParsedReply Weigh(Reading reading, int candidates, string own, bool deferral)
    {
        var decisions = new List<CandidateDecision>();
        var unclear = new List<UnclearCandidate>();
        var mentioned = reading.Statements.Where(s => s.Priority == Priority.Explicit).SelectMany(s => s.Candidates).ToHashSet();
        foreach (var candidate in mentioned.Where(c => c < 1 || c > candidates).Order())
        {
            unclear.Add(new UnclearCandidate(candidate, $"there is no candidate {candidate}: the shortlist has {candidates}"));
        }

        for (var candidate = 1; candidate <= candidates; candidate++)
        {
            var about = reading.Statements.Where(s => s.Priority == Priority.Explicit && s.Candidates.Contains(candidate)).ToList();
            if (about.Count == 0)
            {
                about = reading.Statements.Where(s => s.Priority == Priority.Rest).ToList();
            }

            if (about.Count == 0)
            {
                about = reading.Statements.Where(s => s.Priority == Priority.Implied && s.Candidates.Contains(candidate)).ToList();
            }

            if (about.Count == 0)
            {
                continue;
            }

            // "2 has 3 years of production ML, so yes to 2", "1 2 3 all great. Let's interview all three": a mention or an opinion does not count against a decision.
            if (about.Any(s => s.Ask is not (NamedOnly or OpinionOnly)))
            {
                about = about.Where(s => s.Ask is not (NamedOnly or OpinionOnly)).ToList();
            }

            var latest = about.Where(s => s.Epoch == about.Max(a => a.Epoch)).ToList();
            var sentences = latest.Select(s => s.Sentence).Distinct().ToList();
            var asks = latest.Where(s => s.Ask is not null).Select(s => s.Ask!).Distinct().ToList();
            var kinds = latest.Where(s => s.Decision is not null && s.Ask is null).Select(s => s.Decision!.Value).Distinct().ToList();
            if (asks.Count > 0)
            {
                unclear.Add(new UnclearCandidate(candidate, $"{string.Join("; ", asks)} (\"{Cut(string.Join(" / ", sentences))}\")"));
            }
            else if (kinds.Count > 1)
            {
                unclear.Add(new UnclearCandidate(candidate, $"both {string.Join(" and ", kinds.Select(Describe))}, and nothing says which stands (\"{Cut(string.Join(" / ", sentences))}\")"));
            }
            else if (kinds.Count == 1)
            {
                var used = latest.Where(s => s.Decision is not null).Select(s => s.Sentence).Distinct().ToList();
                decisions.Add(new CandidateDecision(candidate, kinds[0], used[0]) { Sentences = used });
            }
        }

        var lines = unclear.Select(u => $"#{u.Candidate}: {u.Reason}").ToList();
        var kind = ReplyKind.Answer;
        if (decisions.Count == 0 && unclear.Count == 0)
        {
            if (deferral || reading.Statements.Any(s => s.Deferred))
            {
                kind = ReplyKind.Deferral;
            }
            else
            {
                lines.Add(own.Length == 0 ? "the reply has no words of its own" : $"no decision about any candidate was found in \"{Cut(own)}\"");
            }
        }

        return new ParsedReply(decisions, lines) { UnclearCandidates = unclear, Kind = kind, IsCorrection = reading.CorrectsEarlierReply };
    }

    private static string Describe(Decision decision) => decision switch
    {
        Decision.Interview => "interview",
        Decision.Reject => "pass",
        _ => "hold",
    };

    private static string Cut(string text) => text.Length <= 120 ? text : text[..120] + "…";

    [GeneratedRegex(@"[\p{L}\p{M}][\p{L}\p{M}'\-]*")]
    private static partial Regex WordPattern();

    [GeneratedRegex(@"^#\d+(?:\s*(?:and|&|,|#\d+))*$")]
    private static partial Regex OnlyNumbers();
}
