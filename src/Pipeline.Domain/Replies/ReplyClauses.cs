using System.Globalization;
using System.Text.RegularExpressions;

namespace Pipeline.Domain.Replies;

/// <summary>A reference to candidates: one number, or several when a name fits more than one or disagrees with a number.</summary>
internal sealed record Reference(IReadOnlyList<int> Candidates, string? Doubt);

/// <summary>Part of a clause: candidates and the words said about them ("1 and 2 yes", "pass on all except 3").</summary>
internal sealed class Segment
{
    public List<Reference> Refs { get; } = [];

    public List<Reference> Except { get; } = [];

    public bool All { get; set; }

    public bool None { get; set; }

    public bool Rest { get; set; }

    public List<Cue> Cues { get; } = [];

    /// <summary>"not 1 and 2": the only decision is a bare "not", and the list goes on with "and".</summary>
    public bool BareNegationOverAnd { get; set; }

    /// <summary>The only decision is a bare "not" ("not 3"), which a firmer word next to it refines ("not right now").</summary>
    public bool BareNegation { get; set; }

    /// <summary>"1 or 3": one of them, not both.</summary>
    public bool EitherOr { get; set; }

    public bool HasScope => Refs.Count > 0 || All || None || Rest;
}

/// <summary>A clause of a sentence: its segments, and the cues said without any candidate ("yes", "let me think").</summary>
internal sealed class Clause
{
    public required string Source { get; init; }

    public required string Text { get; init; }

    public List<Segment> Segments { get; } = [];

    /// <summary>Every cue in the clause, including those inside segments.</summary>
    public List<Cue> Cues { get; } = [];

    public int Words { get; set; }

    /// <summary>"that one", "her": someone the reply points at without a number.</summary>
    public bool PointsAtSomeone { get; set; }

    public bool HasScope => Segments.Any(s => s.HasScope);

    /// <summary>Nothing but candidates ("3 and 5", "le 3"): a list that goes on from the clause before.</summary>
    public bool OnlyReferences { get; set; }

    public bool Has(Cue cue) => Cues.Contains(cue);

    /// <summary>The one decision a clause without candidates states ("yes", "pass", "on hold"), if it states exactly one.</summary>
    public Decision? Firm => Cues.Where(IsDecision).Distinct().ToList() is [var only] ? ToDecision(only) : null;

    public static bool IsDecision(Cue cue) => cue is Cue.Interview or Cue.Reject or Cue.Hold;

    public static Decision ToDecision(Cue cue) => cue switch
    {
        Cue.Interview => Decision.Interview,
        Cue.Reject => Decision.Reject,
        _ => Decision.Hold,
    };
}

/// <summary>A sentence: clauses, and whether it was asked as a question.</summary>
internal sealed record Sentence(IReadOnlyList<Clause> Clauses, bool Question);

/// <summary>Splits a normalised line into sentences and clauses, and finds in each clause its candidates and cues.</summary>
internal static partial class ReplyClauses
{
    public static List<Sentence> Split(string source, string normalised, Vocabulary words)
    {
        var sentences = new List<Sentence>();
        var position = 0;
        foreach (var end in SentenceEnd().Matches(normalised).Cast<Match?>().Append(null))
        {
            var stop = end?.Index ?? normalised.Length;
            var text = normalised[position..stop].Trim();
            position = end is null ? normalised.Length : end.Index + end.Length;
            if (text.Length == 0)
            {
                continue;
            }

            var question = (end?.Value.Contains('?', StringComparison.Ordinal) ?? false) || text.StartsWith('¿') || text.EndsWith('?');
            var clauses = ClauseBreak().Split(text).Select(c => c.Trim()).Where(c => c.Length > 0).Select(c => Analyse(source, c, words)).ToList();
            if (clauses.Count > 0)
            {
                sentences.Add(new Sentence(clauses, question));
            }
        }

        return sentences;
    }

    private enum Kind
    {
        Ref,
        Scope,
        Except,
        Connective,
        Word,
    }

    private sealed record Token(Kind Kind, string Text, Reference? Ref = null);

    private static Clause Analyse(string source, string text, Vocabulary words)
    {
        var clause = new Clause { Source = source, Text = text };
        var tokens = Tokenise(text, words);
        var wordTokens = tokens.Select((t, i) => (t, i)).Where(p => p.t.Kind == Kind.Word).ToList();
        clause.Words = wordTokens.Count + tokens.Count(t => t.Kind != Kind.Word);
        clause.OnlyReferences = tokens.Any(t => t.Kind == Kind.Ref) && tokens.All(t => t.Kind is Kind.Ref or Kind.Connective || IsFiller(t));
        clause.PointsAtSomeone = wordTokens.Any(w => w.t.Text is "someone" or "her" or "him" or "them");

        // Cues by position in the token list: longest phrases first, over the words with candidates and "and" left out.
        var cues = new SortedDictionary<int, Cue>();
        var used = new bool[wordTokens.Count];
        foreach (var (phrase, cue) in words.Phrases)
        {
            for (var i = 0; i + phrase.Length <= wordTokens.Count; i++)
            {
                if (Enumerable.Range(0, phrase.Length).All(k => !used[i + k] && wordTokens[i + k].t.Text == phrase[k]))
                {
                    for (var k = 0; k < phrase.Length; k++)
                    {
                        used[i + k] = true;
                    }

                    cues[wordTokens[i].i] = cue;
                }
            }
        }

        // A misspelt decision verb counts only right next to a candidate ("intervew 1", "3 and 4 onhodl").
        for (var w = 0; w < wordTokens.Count; w++)
        {
            if (!used[w] && WhereAVerbGoes(tokens, wordTokens[w].i) && words.Typo(wordTokens[w].t.Text) is { } typo)
            {
                cues[wordTokens[w].i] = typo;
            }
        }

        foreach (var noise in cues.Where(c => c.Value == Cue.Noise).Select(c => c.Key).ToList())
        {
            cues.Remove(noise);
        }

        ResolveNegations(tokens, cues);
        clause.Cues.AddRange(cues.Values);
        clause.Segments.AddRange(Segments(tokens, cues));
        return clause;
    }

    /// <summary>"don't interview" is a no; "not 2" is a no to 2; "2 not" too; any other "not" is left to the phrases around it.</summary>
    private static void ResolveNegations(List<Token> tokens, SortedDictionary<int, Cue> cues)
    {
        foreach (var (at, _) in cues.Where(c => c.Value == Cue.Negation).ToList())
        {
            // "don't reject 2", "not on hold": a no that is negated is not a yes; it is asked about.
            var negatedNo = cues.Where(c => c.Key > at && c.Key - at <= 3 && c.Value is Cue.Reject or Cue.Hold).Select(c => c.Key).ToList();
            if (negatedNo.Count > 0)
            {
                cues.Remove(at);
                negatedNo.ForEach(k => cues[k] = Cue.Hedge);
                continue;
            }

            var flipped = cues.Where(c => c.Key > at && c.Key - at <= 6 && c.Value == Cue.Interview).Select(c => c.Key).ToList();
            if (flipped.Count > 0)
            {
                cues.Remove(at);
                flipped.ForEach(k => cues[k] = Cue.Reject);
                continue;
            }

            var following = tokens.Skip(at + 1).FirstOrDefault(t => !IsFiller(t));
            var before = tokens.Take(at).LastOrDefault(t => !IsFiller(t));
            var atEnd = tokens.Skip(at + 1).All(t => IsFiller(t) || t.Kind == Kind.Word && !cues.ContainsKey(tokens.IndexOf(t)));
            if (following is { Kind: Kind.Ref or Kind.Scope } || (before is { Kind: Kind.Ref } && atEnd))
            {
                cues[at] = Cue.Negation; // kept: a bare "not" that decides "no" for the candidates next to it
                continue;
            }

            cues.Remove(at);
        }
    }

    private static bool IsFiller(Token token) => token.Kind == Kind.Word && token.Text is "the" or "le" or "la" or "el" or "al" or "den" or "der" or "die" or "to" or "on" or "for" or "a" or "pour";

    /// <summary>
    /// A misspelt verb is read only where a decision verb goes: opening its clause ("intervew 1", "pads on 2",
    /// "Absgae:") or right after the candidates ("3 and 4 onhodl"), so "I told 3" is not "hold 3".
    /// </summary>
    private static bool WhereAVerbGoes(List<Token> tokens, int at)
    {
        var previous = tokens.Take(at).LastOrDefault(t => t.Kind != Kind.Connective);
        var next = tokens.Skip(at + 1).FirstOrDefault(t => !IsFiller(t));
        var opensClause = previous is null && (next is null or { Kind: Kind.Ref or Kind.Scope });
        return opensClause || (previous is { Kind: Kind.Ref } && next is null);
    }

    /// <summary>
    /// "1 2 yes 3 4 no": candidates then their decision; "interview 2 4 5 not 1 3": decision then candidates. Which way
    /// a clause runs is decided by what it starts with.
    /// </summary>
    private static List<Segment> Segments(List<Token> tokens, SortedDictionary<int, Cue> cues)
    {
        var segments = new List<Segment>();
        var firstRef = tokens.FindIndex(t => t.Kind is Kind.Ref or Kind.Scope);
        if (firstRef < 0)
        {
            return segments;
        }

        var decisive = cues.Where(c => c.Value is not (Cue.Correction or Cue.Also or Cue.Only or Cue.Request)).Select(c => c.Key).ToList();

        // Only a decision (or an opinion, or a bare "not") starts a new part; doubts, conditions and remarks belong to the part they are in.
        var splitting = cues.Where(c => c.Value is Cue.Interview or Cue.Reject or Cue.Hold or Cue.Negation or Cue.Opinion).Select(c => c.Key).ToHashSet();
        var refsFirst = splitting.Count == 0 || firstRef < splitting.Min();
        var current = new Segment();
        var seenRef = false;
        var seenCue = false;
        var inExcept = false;
        var bareNegationAt = -1;
        var lastRefAt = -1;
        for (var i = 0; i < tokens.Count; i++)
        {
            var token = tokens[i];
            var isCue = cues.TryGetValue(i, out var cue) && decisive.Contains(i);
            var isRef = token.Kind is Kind.Ref or Kind.Scope;
            if ((refsFirst && isRef && seenCue && !inExcept) || (!refsFirst && isCue && splitting.Contains(i) && seenRef))
            {
                segments.Add(current);
                current = new Segment();
                (seenRef, seenCue, inExcept, bareNegationAt) = (false, false, false, -1);
            }

            if (token.Kind == Kind.Except)
            {
                inExcept = true;
            }
            else if (token.Kind == Kind.Scope)
            {
                current.All |= token.Text == "<all>";
                current.None |= token.Text == "<none>";
                current.Rest |= token.Text == "<rest>";
                seenRef = true;
            }
            else if (token.Kind == Kind.Ref)
            {
                if (lastRefAt >= 0 && tokens.Skip(lastRefAt + 1).Take(i - lastRefAt - 1).Any(t => t.Kind == Kind.Connective && t.Text is "or" or "ou" or "oder" or "o"))
                {
                    current.EitherOr = true;
                }

                if (bareNegationAt >= 0 && current.Refs.Count > 0 && tokens.Skip(lastRefAt + 1).Take(i - lastRefAt - 1).Any(t => t.Kind == Kind.Connective && t.Text is "and" or "&" or "et" or "und" or "y"))
                {
                    current.BareNegationOverAnd = true;
                }

                (inExcept ? current.Except : current.Refs).Add(token.Ref!);
                lastRefAt = i;
                seenRef = true;
            }
            else if (isCue)
            {
                if (cue == Cue.Negation)
                {
                    bareNegationAt = current.Refs.Count == 0 ? i : -1;
                    current.BareNegation = true;
                    cue = Cue.Reject;
                }

                current.Cues.Add(cue);
                seenCue |= splitting.Contains(i);
            }
        }

        // "yes 2 no": a decision trailing after the last candidates belongs to them, not to nobody.
        if (!refsFirst && !current.HasScope && current.Cues.Count > 0 && segments.Count > 0)
        {
            segments[^1].Cues.AddRange(current.Cues);
        }
        else
        {
            segments.Add(current);
        }

        // "not 1 and 2" is ambiguous only when "not" is all it says.
        foreach (var segment in segments.Where(s => s.BareNegation && s.Cues.Count > 1))
        {
            segment.BareNegation = false;
            segment.BareNegationOverAnd = false;
        }

        return segments;
    }

    private static List<Token> Tokenise(string text, Vocabulary words)
    {
        var tokens = new List<Token>();
        foreach (Match m in TokenPattern().Matches(text))
        {
            var value = m.Value;
            if (value.StartsWith('#') && value.Length > 1)
            {
                tokens.Add(new Token(Kind.Ref, value, ParseReference(value)));
            }
            else if (value is "<all>" or "<none>" or "<rest>")
            {
                tokens.Add(new Token(Kind.Scope, value));
            }
            else if (value == "<except>")
            {
                tokens.Add(new Token(Kind.Except, value));
            }
            else if (words.And.Contains(value) || words.Or.Contains(value))
            {
                tokens.Add(new Token(Kind.Connective, value));
            }
            else if (!value.StartsWith('<'))
            {
                tokens.Add(new Token(Kind.Word, value));
            }
        }

        return tokens;
    }

    private static Reference ParseReference(string value)
    {
        var numbers = value[1..].Split('|', '~').Select(n => int.Parse(n, CultureInfo.InvariantCulture)).ToList();
        var doubt = value.Contains('|', StringComparison.Ordinal) ? $"the name fits candidates {string.Join(" and ", numbers)}"
            : value.Contains('~', StringComparison.Ordinal) ? $"the number and the name point at different candidates ({string.Join(" and ", numbers)})"
            : null;
        return new Reference(numbers, doubt);
    }

    [GeneratedRegex(@"[.!?;]+(?=\s|$)|\s/\s|¿")]
    private static partial Regex SentenceEnd();

    [GeneratedRegex(@"[,:()…\[\]]|\s-+\s|\s-+$|^-+\s|\b(?:but|however|though|whereas|while|so|aber|mais|pero|sondern|da)\b")]
    private static partial Regex ClauseBreak();

    [GeneratedRegex(@"#\d+(?:[|~]\d+)*|<\w+>|[\p{L}\p{M}][\p{L}\p{M}'\-]*|\?|[&+]")]
    private static partial Regex TokenPattern();
}
