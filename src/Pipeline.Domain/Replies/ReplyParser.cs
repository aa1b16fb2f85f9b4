using System.Globalization;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;

namespace Pipeline.Domain.Replies;

[JsonConverter(typeof(JsonStringEnumConverter<Decision>))]
public enum Decision
{
    Interview,
    Reject,
    Hold,
}

/// <summary>One decision about one shortlisted candidate (numbered as in the email), and the words that made it.</summary>
public sealed record CandidateDecision(int Candidate, Decision Decision, string Sentence)
{
    /// <summary>Every sentence of the reply that spoke about this candidate (the first is <see cref="Sentence"/>).</summary>
    public IReadOnlyList<string> Sentences { get; init; } = [Sentence];
}

/// <summary>
/// A candidate the reply spoke about without a decision that can be recorded, and why, in words the hiring manager
/// can answer. The number may lie outside the shortlist ("interview 6" on a list of four).
/// </summary>
public sealed record UnclearCandidate(int Candidate, string Reason);

[JsonConverter(typeof(JsonStringEnumConverter<ReplyKind>))]
public enum ReplyKind
{
    /// <summary>The manager answered (or tried to): decisions, unclear parts, or a non-answer that needs a question back.</summary>
    Answer,

    /// <summary>An out-of-office or other automatic reply: nothing to record and nothing to ask.</summary>
    AutoReply,

    /// <summary>"Let me think", "forwarding to my co-lead": nothing decided yet, and nothing to ask.</summary>
    Deferral,
}

/// <summary>
/// What a reply decided, and what it said that could not be used. Nothing is guessed: a reply with anything unclear
/// gets a clarification that lists both.
/// </summary>
public sealed record ParsedReply(IReadOnlyList<CandidateDecision> Decisions, IReadOnlyList<string> Unclear)
{
    /// <summary>The candidates to ask about, each with its reason (also among <see cref="Unclear"/>).</summary>
    public IReadOnlyList<UnclearCandidate> UnclearCandidates { get; init; } = [];

    public ReplyKind Kind { get; init; } = ReplyKind.Answer;

    /// <summary>The reply says it corrects an earlier one ("correction: 2 is a reject"); its decisions replace those recorded before.</summary>
    public bool IsCorrection { get; init; }

    public bool IsClear => Unclear.Count == 0 && Decisions.Count > 0;

    /// <summary>The reply needs a question back: something unclear, or an answer with no decision in it.</summary>
    public bool NeedsClarification => Kind == ReplyKind.Answer && !IsClear;
}

/// <summary>
/// Turns a hiring manager's free-text answer to a shortlist ("yes to 1 and 3, pass on 2") into per-candidate
/// decisions: numbers, ranges, words and ordinals, names when the shortlist revealed them, "all", "none", "the
/// rest", exceptions ("all but 2"), negation ("not 2", "don't interview 4"), per-line forms ("1: yes") and common
/// phrasings and emoji. Each part of a sentence takes the decision stated in it, or next to it; a candidate given
/// two different decisions, a number beyond the shortlist, or a reference without a decision is reported as unclear.
/// </summary>
public static partial class ReplyParser
{
    private sealed record Phrase(string Text, Decision Decision, bool Weak = false);

    // Longest first, so "not sure" is a hold before "not" reads as negation, and "pass on" before "pass".
    private static readonly Phrase[] Phrases = new Phrase[]
    {
        new("not the right fit", Decision.Reject), new("not a good fit", Decision.Reject), new("not a fit", Decision.Reject),
        new("not moving forward", Decision.Reject), new("won't move forward", Decision.Reject), new("not move forward", Decision.Reject),
        new("not interested", Decision.Reject), new("not for us", Decision.Reject), new("not for now", Decision.Hold), new("not right now", Decision.Hold),
        new("not this time", Decision.Reject), new("not at this time", Decision.Reject), new("no thanks", Decision.Reject),
        new("no thank you", Decision.Reject), new("pass on", Decision.Reject), new("no to", Decision.Reject), new("no go", Decision.Reject),
        new("reject", Decision.Reject), new("rejected", Decision.Reject), new("decline", Decision.Reject), new("skip", Decision.Reject),
        new("drop", Decision.Reject), new("pass", Decision.Reject), new("nope", Decision.Reject), new("no", Decision.Reject),
        new("👎", Decision.Reject), new("❌", Decision.Reject), new("✗", Decision.Reject), new("nein", Decision.Reject), new("non merci", Decision.Reject),
        new("on hold", Decision.Hold), new("hold off on", Decision.Hold), new("hold", Decision.Hold), new("not sure", Decision.Hold), new("not sure about", Decision.Hold),
        new("maybe", Decision.Hold), new("perhaps", Decision.Hold), new("possibly", Decision.Hold), new("keep in mind", Decision.Hold),
        new("keep warm", Decision.Hold), new("backup", Decision.Hold), new("back-up", Decision.Hold), new("back up", Decision.Hold), new("waitlist", Decision.Hold),
        new("undecided", Decision.Hold), new("revisit", Decision.Hold), new("park", Decision.Hold), new("later", Decision.Hold), new("wait on", Decision.Hold),
        new("🤔", Decision.Hold), new("peut-être", Decision.Hold), new("vielleicht", Decision.Hold), new("tal vez", Decision.Hold),
        new("let's talk to", Decision.Interview), new("lets talk to", Decision.Interview), new("let's interview", Decision.Interview),
        new("let's meet", Decision.Interview), new("i'd like to meet", Decision.Interview), new("i'd like to talk to", Decision.Interview),
        new("would like to meet", Decision.Interview), new("would like to interview", Decision.Interview), new("would love to meet", Decision.Interview),
        new("happy to meet", Decision.Interview), new("happy to interview", Decision.Interview), new("happy to talk to", Decision.Interview),
        new("move forward with", Decision.Interview), new("go ahead with", Decision.Interview), new("proceed with", Decision.Interview),
        new("set up", Decision.Interview), new("schedule", Decision.Interview), new("bring in", Decision.Interview), new("invite", Decision.Interview),
        new("phone screen", Decision.Interview), new("screen", Decision.Interview), new("interviews", Decision.Interview), new("interview", Decision.Interview),
        new("talk to", Decision.Interview), new("speak with", Decision.Interview), new("speak to", Decision.Interview), new("chat with", Decision.Interview),
        new("meet", Decision.Interview), new("yes to", Decision.Interview), new("yes please", Decision.Interview), new("yes", Decision.Interview),
        new("yep", Decision.Interview), new("yeah", Decision.Interview), new("yup", Decision.Interview), new("definitely", Decision.Interview),
        new("absolutely", Decision.Interview), new("keen on", Decision.Interview), new("go for", Decision.Interview),
        new("👍", Decision.Interview), new("✅", Decision.Interview), new("✔", Decision.Interview), new("oui", Decision.Interview), new("ja", Decision.Interview), new("sí", Decision.Interview),
        new("sure", Decision.Interview, Weak: true), new("ok", Decision.Interview, Weak: true), new("okay", Decision.Interview, Weak: true),
        new("great", Decision.Interview, Weak: true), new("good", Decision.Interview, Weak: true), new("strong", Decision.Interview, Weak: true),
        new("looks good", Decision.Interview, Weak: true), new("sounds good", Decision.Interview, Weak: true),
        new("only", Decision.Interview, Weak: true), new("please", Decision.Interview, Weak: true), new("for me", Decision.Interview, Weak: true),
    }.OrderByDescending(p => p.Text.Length).ToArray();

    private static readonly string[] Negations = ["don't", "dont", "do not", "won't", "will not", "no need to", "never", "rather not", "not going to", "not"];

    private static readonly Dictionary<string, int> NumberWords = new(StringComparer.Ordinal)
    {
        ["one"] = 1, ["two"] = 2, ["three"] = 3, ["four"] = 4, ["five"] = 5, ["six"] = 6, ["seven"] = 7, ["eight"] = 8, ["nine"] = 9, ["ten"] = 10,
        ["first"] = 1, ["second"] = 2, ["third"] = 3, ["fourth"] = 4, ["fifth"] = 5, ["sixth"] = 6, ["seventh"] = 7, ["eighth"] = 8, ["ninth"] = 9, ["tenth"] = 10,
    };

    public static ParsedReply Parse(string body, int candidates, IReadOnlyDictionary<int, string>? names = null)
    {
        var text = ReplyText.Own(body);
        var found = new List<(int Candidate, Decision Decision, string Sentence)>();
        var unclear = new List<string>();
        var rest = new List<(Decision Decision, string Sentence, IReadOnlySet<int> Except)>();
        var undecided = new List<(Chunk Chunk, string Line)>();
        foreach (var line in text.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            ParseLine(line, candidates, names, found, unclear, rest, undecided);
        }

        // "The rest" is whoever the other sentences did not decide.
        foreach (var (decision, sentence, except) in rest)
        {
            var decided = found.Select(f => f.Candidate).ToHashSet();
            found.AddRange(Enumerable.Range(1, candidates).Where(c => !decided.Contains(c) && !except.Contains(c)).Select(c => (c, decision, sentence)));
        }

        // A mention without a decision is unclear only if nothing else in the reply decides that candidate
        // ("2 has 3 years of production ML, so yes to 2").
        foreach (var (chunk, _) in undecided)
        {
            var mentioned = chunk.All || chunk.None || chunk.Rest ? Enumerable.Range(1, candidates) : chunk.Refs;
            if (mentioned.Any(c => found.All(f => f.Candidate != c)))
            {
                unclear.Add($"\"{Cut(chunk.Text)}\" names candidates without saying what to do");
            }
        }

        var decisions = new List<CandidateDecision>();
        foreach (var group in found.GroupBy(f => f.Candidate).OrderBy(g => g.Key))
        {
            var kinds = group.Select(g => g.Decision).Distinct().ToList();
            if (kinds.Count == 1)
            {
                decisions.Add(new CandidateDecision(group.Key, kinds[0], group.First().Sentence));
            }
            else
            {
                unclear.Add($"#{group.Key}: both {string.Join(" and ", kinds.Select(Describe))} (\"{string.Join("\", \"", group.Select(g => g.Sentence).Distinct())}\")");
            }
        }

        if (decisions.Count == 0 && unclear.Count == 0 && text.Length > 0)
        {
            unclear.Add($"no decision about any numbered candidate was found in \"{Cut(text)}\"");
        }

        return new ParsedReply(decisions, unclear);
    }

    private static string Describe(Decision decision) => decision switch
    {
        Decision.Interview => "interview",
        Decision.Reject => "pass",
        _ => "hold",
    };

    private sealed class Chunk(string text)
    {
        public string Text { get; } = text;

        public HashSet<int> Refs { get; } = [];

        public HashSet<int> Except { get; } = [];

        public bool All { get; set; }

        public bool Rest { get; set; }

        public bool None { get; set; }

        public List<string> OutOfRange { get; } = [];

        public Decision? Decision { get; set; }

        /// <summary>The decision came only from words like "good" or "ok", which a stronger word next to them overrides.</summary>
        public bool Weak { get; set; }

        public bool Conflicting { get; set; }

        public bool HasRefs => Refs.Count > 0 || All || Rest || None;

        /// <summary>Nothing but candidate references ("1", "2 and 3"): a list that the next part's decision completes.</summary>
        public bool OnlyRefs { get; set; }

        /// <summary>The first part of a sentence: a decision does not carry over into it from the sentence before.</summary>
        public bool StartsSentence { get; set; }

        public bool Question { get; set; }

        /// <summary>It opens with a reference ("2 yes"), not with the decision ("yes 1").</summary>
        public bool RefsFirst { get; set; }
    }

    private static void ParseLine(
        string line, int candidates, IReadOnlyDictionary<int, string>? names,
        List<(int, Decision, string)> found, List<string> unclear, List<(Decision, string, IReadOnlySet<int>)> rest, List<(Chunk, string)> undecided)
    {
        var normalised = Normalise(line, names);
        var chunks = new List<Chunk>();
        var position = 0;
        var newSentence = true;
        foreach (var separator in ChunkSplit().Matches(normalised).Cast<Match?>().Append(null))
        {
            var end = separator?.Index ?? normalised.Length;
            var piece = normalised[position..end].Trim();
            if (piece.Length > 0)
            {
                var chunk = Analyse(piece, candidates);
                chunk.StartsSentence = newSentence;
                chunk.Question = separator?.Value.Contains('?', StringComparison.Ordinal) ?? false;
                chunks.Add(chunk);
                newSentence = false;
            }

            if (separator is not null)
            {
                newSentence |= separator.Value.IndexOfAny(['.', '!', '?']) >= 0;
                position = separator.Index + separator.Length;
            }
        }

        var consumed = new HashSet<int>();
        Decision? previous = null;
        for (var i = 0; i < chunks.Count; i++)
        {
            var chunk = chunks[i];
            if (chunk.StartsSentence)
            {
                previous = null;
            }

            foreach (var bad in chunk.OutOfRange)
            {
                unclear.Add($"{bad}: the shortlist has {candidates} candidates (\"{Cut(line)}\")");
            }

            if (!chunk.HasRefs)
            {
                continue;
            }

            var decision = chunk.Decision;
            if (chunk.Conflicting)
            {
                unclear.Add($"\"{Cut(chunk.Text)}\" says more than one thing");
                continue;
            }

            if (chunk.None && (decision is null || chunk.Weak))
            {
                decision = Decision.Reject; // "none work for me"
            }

            // "1, 2 yes": a bare list takes the decision of the part that completes it.
            if (decision is null && chunk.OnlyRefs && i + 1 < chunks.Count && chunks[i + 1] is { HasRefs: true, RefsFirst: true, Decision: { } listed, Conflicting: false } && !chunks[i + 1].StartsSentence)
            {
                decision = listed;
            }

            // "#2 looks good but pass": the firm word after a mild one decides.
            if (chunk.Weak && i + 1 < chunks.Count && !chunks[i + 1].HasRefs && chunks[i + 1] is { Decision: { } firm, Weak: false, Conflicting: false })
            {
                decision = firm;
                consumed.Add(i + 1);
            }

            // "1: yes", "1 and 3 - yes": the decision follows; "yes, 1 and 3": it comes first; "interview 1, 3": it carries on.
            if (decision is null && i + 1 < chunks.Count && !chunks[i + 1].HasRefs && chunks[i + 1].Decision is { } after && !chunks[i + 1].Conflicting)
            {
                decision = after;
                consumed.Add(i + 1);
            }

            if (decision is null && i > 0 && !chunks[i - 1].HasRefs && chunks[i - 1].Decision is { } before && !consumed.Contains(i - 1) && !chunks[i - 1].Conflicting)
            {
                decision = before;
                consumed.Add(i - 1);
            }

            // "not 2" after "interview 1 and 3": not interviewing 2.
            if (decision is null && NotOnly().IsMatch(chunk.Text) && previous == Decision.Interview)
            {
                decision = Decision.Reject;
            }

            if (decision is null && !chunk.Question)
            {
                decision = previous;
            }

            if (decision is not { } d)
            {
                undecided.Add((chunk, line));
                continue;
            }

            // "everyone except 4, who we keep on hold": the part after an exception speaks of the excepted.
            if (chunk.Except.Count > 0 && i + 1 < chunks.Count && !chunks[i + 1].HasRefs && chunks[i + 1] is { Decision: { } forExcepted, Conflicting: false } && !consumed.Contains(i + 1))
            {
                found.AddRange(chunk.Except.Select(c => (c, forExcepted, line)));
                consumed.Add(i + 1);
            }

            previous = d;
            if (chunk.Rest)
            {
                rest.Add((d, line, chunk.Except));
                continue;
            }

            var who = chunk.All || chunk.None ? Enumerable.Range(1, candidates).ToHashSet() : chunk.Refs;
            who.ExceptWith(chunk.Except);
            found.AddRange(who.Select(c => (c, d, line)));
        }
    }

    /// <summary>Lower case, references to candidates spelled one way (#n), names replaced by their numbers.</summary>
    private static string Normalise(string line, IReadOnlyDictionary<int, string>? names)
    {
        var text = line.ToLowerInvariant().Replace('’', '\'').Replace('–', '-').Replace('—', '-');
        if (names is not null)
        {
            foreach (var (number, name) in names.OrderByDescending(n => n.Value.Length))
            {
                var full = Regex.Escape(name.ToLowerInvariant());
                var first = Regex.Escape(name.Split(' ')[0].ToLowerInvariant());
                text = Regex.Replace(text, $@"\b({full}|{first})\b", $"#{number}");
            }
        }

        text = Politeness().Replace(text, " ");
        text = NotANumber().Replace(text, "$1 person");
        text = Dates().Replace(text, " a date ");
        text = Times().Replace(text, " a time ");
        text = AllBut().Replace(text, "$1 except");
        text = SpacedRange().Replace(text, "$1-$2");
        text = CandidateWord().Replace(text, "#");
        text = TopN().Replace(text, m => "#1-#" + Number(m.Groups[1].Value));
        return text;
    }

    private static Chunk Analyse(string text, int candidates)
    {
        var chunk = new Chunk(text);
        var work = " " + text + " ";

        // References first, so that "no one" or "none" is not read as the word "no".
        if (RestWords().IsMatch(work))
        {
            chunk.Rest = true;
            work = RestWords().Replace(work, " ");
        }

        if (NoneWords().IsMatch(work))
        {
            chunk.None = true;
            work = NoneWords().Replace(work, " ");
        }

        if (AllWords().IsMatch(work))
        {
            chunk.All = true;
            work = AllWords().Replace(work, " ");
        }

        // "Both" is everyone on a shortlist of two; on a longer one it points back at the candidates just named.
        if (BothWord().IsMatch(work))
        {
            chunk.All |= candidates == 2;
            work = BothWord().Replace(work, " ");
        }

        var exceptAt = ExceptWords().Match(work);
        var before = exceptAt.Success ? work[..exceptAt.Index] : work;
        var after = exceptAt.Success ? work[(exceptAt.Index + exceptAt.Length)..] : string.Empty;
        AddRefs(before, chunk.Refs, chunk, candidates);
        AddRefs(after, chunk.Except, chunk, candidates);
        work = References().Replace(Ranges().Replace(work, " "), " ");
        chunk.OnlyRefs = chunk.Refs.Count > 0 && Connectives().Replace(work, " ").Trim().Length == 0;
        chunk.RefsFirst = References().Match(text) is { Success: true } first && text[..first.Index].Trim().Length == 0;

        var decisions = new List<(Decision Decision, bool Weak)>();
        var remaining = work;
        foreach (var phrase in Phrases)
        {
            var pattern = PhrasePattern(phrase.Text);
            foreach (Match m in pattern.Matches(remaining))
            {
                var decision = phrase.Decision == Decision.Interview && !phrase.Weak && Negated(remaining, m.Index) ? Decision.Reject : phrase.Decision;
                decisions.Add((decision, phrase.Weak));
            }

            remaining = pattern.Replace(remaining, " ");
        }

        var strong = decisions.Where(d => !d.Weak).Select(d => d.Decision).Distinct().ToList();
        var kinds = strong.Count > 0 ? strong : decisions.Select(d => d.Decision).Distinct().ToList();
        if (kinds.Count == 1)
        {
            chunk.Decision = kinds[0];
            chunk.Weak = strong.Count == 0;
        }
        else if (kinds.Count > 1)
        {
            chunk.Conflicting = true;
        }

        return chunk;
    }

    private static void AddRefs(string text, HashSet<int> into, Chunk chunk, int candidates)
    {
        foreach (Match range in Ranges().Matches(text))
        {
            var (from, to) = (Number(range.Groups[1].Value), Number(range.Groups[2].Value));
            for (var c = Math.Min(from, to); c <= Math.Max(from, to); c++)
            {
                Add(c);
            }
        }

        foreach (Match reference in References().Matches(Ranges().Replace(text, " ")))
        {
            Add(Number(reference.Groups[1].Value));
        }

        void Add(int candidate)
        {
            if (candidate >= 1 && candidate <= candidates)
            {
                into.Add(candidate);
            }
            else
            {
                chunk.OutOfRange.Add($"#{candidate}");
            }
        }
    }

    private static int Number(string text) =>
        NumberWords.TryGetValue(text, out var n) ? n : int.Parse(text.TrimStart('#').TrimEnd('s', 't', 'n', 'd', 'r', 'h'), CultureInfo.InvariantCulture);

    private static bool Negated(string text, int at)
    {
        var start = Math.Max(0, at - 20);
        var window = text[start..at];
        return Negations.Any(n => Regex.IsMatch(window, $@"\b{Regex.Escape(n)}\s+(\w+\s+)?$"));
    }

    private static readonly Dictionary<string, Regex> PhrasePatterns = [];

    private static Regex PhrasePattern(string phrase)
    {
        lock (PhrasePatterns)
        {
            if (!PhrasePatterns.TryGetValue(phrase, out var pattern))
            {
                var word = char.IsLetter(phrase[0]);
                pattern = new Regex(word ? $@"(?<![\w'])({Regex.Escape(phrase)})(?![\w'])" : Regex.Escape(phrase), RegexOptions.CultureInvariant);
                PhrasePatterns[phrase] = pattern;
            }

            return pattern;
        }
    }

    private static string Cut(string text) => text.Length <= 120 ? text : text[..120] + "…";

    // Chunks: at punctuation, dashes between words, and words that start another statement.
    [GeneratedRegex(@"[,.;:!?)(]+\s*|\s+-\s+|\s+\b(?:but|however|though|whereas|while|then)\b\s+|\s+(?:and|&)\s+(?=(?:no|not|yes|pass|hold|maybe|interview|let's|lets|reject|skip|decline|put|keep|i'd|we'd|happy|the rest|everyone else)\b)")]
    private static partial Regex ChunkSplit();

    // "candidate 2", "no. 2", "number 2", "nr 2", "#2" all become "#2".
    [GeneratedRegex(@"\b(?:candidates?|cand\.?|no\.|nr\.?|number|num\.?|option|profile|person)\s*#?\s*(?=\d)|#\s+(?=\d)")]
    private static partial Regex CandidateWord();

    [GeneratedRegex(@"\b(?:top|first)\s+(\d+|two|three|four|five|six|seven|eight|nine|ten)\b(?!\s*(?:%|am|pm|days?|weeks?|years?|hours?|minutes?))")]
    private static partial Regex TopN();

    [GeneratedRegex(@"#?\b(\d{1,2}|one|two|three|four|five|six|seven|eight|nine|ten)\s*(?:-|to|through|thru)\s*#?(\d{1,2}|one|two|three|four|five|six|seven|eight|nine|ten)\b(?!\s*(?:%|am|pm|:\d|days?|weeks?|years?|hours?|minutes?|mins?))")]
    private static partial Regex Ranges();

    // A number standing for a candidate: not a time, a date, a percentage or a quantity of something.
    [GeneratedRegex(@"(?<![\w:/.$£€-])#?(\d{1,2}(?:st|nd|rd|th)?|one|two|three|four|five|six|seven|eight|nine|ten|first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth)(?![\w:/%.$£€-]|\s*(?:am|pm|days?|weeks?|years?|hours?|minutes?|mins?|months?|k\b|of (?:them|these|those)))")]
    private static partial Regex References();

    [GeneratedRegex(@"\b(?:all of them|all three|all four|all five|all|everyone|everybody|each of them|every one|the lot)\b")]
    private static partial Regex AllWords();

    [GeneratedRegex(@"\b(?:and|or|&|et|und|y)\b|&")]
    private static partial Regex Connectives();

    [GeneratedRegex(@"\bboth\b")]
    private static partial Regex BothWord();

    [GeneratedRegex(@"\b(?:none of them|none|neither|nobody|no one)\b")]
    private static partial Regex NoneWords();

    [GeneratedRegex(@"\b(?:the rest(?: of them)?|the others|everyone else|all the others|the remaining(?: ones| candidates)?|remaining ones|others|rest)\b")]
    private static partial Regex RestWords();

    [GeneratedRegex(@"\b(?:except(?: for)?|but not|apart from|other than|save for|excluding|but)\b")]
    private static partial Regex ExceptWords();

    [GeneratedRegex(@"^\s*(?:not|no|but not)\s+#?\d")]
    private static partial Regex NotOnly();

    // "the one", "this one", "no one" are not candidate 1.
    [GeneratedRegex(@"\b(the|this|that|any|each|every|some|which) one\b")]
    private static partial Regex NotANumber();

    [GeneratedRegex(@"\b(?:no worries|no problem|no rush|no pressure|no need to rush|no doubt|at all)\b")]
    private static partial Regex Politeness();

    [GeneratedRegex(@"\b(?:jan|january|feb|february|mar|march|apr|april|may|jun|june|jul|july|aug|august|sep|sept|september|oct|october|nov|november|dec|december)\.?\s+\d{1,2}(?:st|nd|rd|th)?\b|\b\d{1,2}(?:st|nd|rd|th)?\s+(?:of\s+)?(?:jan|january|feb|february|mar|march|apr|april|may|jun|june|jul|july|aug|august|sep|sept|september|oct|october|nov|november|dec|december)\b|\b(?:mon|monday|tue|tues|tuesday|wed|wednesday|thu|thur|thurs|thursday|fri|friday|sat|saturday|sun|sunday)\s+\d{1,2}(?:st|nd|rd|th)?\b")]
    private static partial Regex Dates();

    [GeneratedRegex(@"\b\d{1,2}[:.h]\d{2}\s*(?:am|pm)?\b|\b\d{1,2}\s*(?:am|pm)\b")]
    private static partial Regex Times();

    [GeneratedRegex(@"\b(all|everyone|everybody|anyone|all of them)\s+but\b")]
    private static partial Regex AllBut();

    [GeneratedRegex(@"(#?\d{1,2})\s+-\s+(#?\d{1,2})\b(?!\s*(?:%|am|pm|:))")]
    private static partial Regex SpacedRange();
}
