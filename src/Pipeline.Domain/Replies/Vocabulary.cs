using System.Collections.Frozen;

namespace Pipeline.Domain.Replies;

/// <summary>
/// The words a reply is read with: English plus the reply's own language when it is another, merged from the lexicons
/// (the other language wins where both define a phrase). Phrases are kept as word arrays, longest first.
/// </summary>
internal sealed class Vocabulary
{
    private static readonly FrozenDictionary<string, Vocabulary> Cache = new[] { ReplyLexicon.French, ReplyLexicon.German, ReplyLexicon.Spanish }
        .ToDictionary(l => l.Language, l => new Vocabulary(l))
        .Append(new KeyValuePair<string, Vocabulary>("en", new Vocabulary(null)))
        .ToFrozenDictionary();

    private static readonly FrozenSet<string> KnownWords = new[] { ReplyLexicon.English, ReplyLexicon.French, ReplyLexicon.German, ReplyLexicon.Spanish }
        .SelectMany(l => l.Phrases.Keys.Concat(l.All).Concat(l.None).Concat(l.Rest).Concat(l.Except).Concat(l.Markers).Concat(l.Ordinals.Keys))
        .SelectMany(p => p.Split(' '))
        .Concat(["the", "and", "with", "for", "this", "that", "them", "her", "him", "she", "they", "interview", "please", "thanks", "hold", "pass", "reject",
            "decline", "yes", "candidate", "candidates", "decision", "decisions", "role", "team", "sorry", "hi", "hello", "dear", "best", "regards", "cheers",
            "ok", "okay", "let's", "lets", "would", "like", "want", "need", "mr", "ms", "mrs", "dr", "top", "bottom", "middle", "last", "both", "also", "then",
            "thank", "you", "great", "good", "all", "none", "rest", "others", "name", "number", "not", "one", "two", "three", "four", "five"])
        .ToFrozenSet(StringComparer.Ordinal);

    private Vocabulary(ReplyLexicon? other)
    {
        var english = ReplyLexicon.English;
        Language = other?.Language ?? "en";
        var phrases = new Dictionary<string, Cue>(english.Phrases, StringComparer.Ordinal);
        var typos = new Dictionary<string, Cue>(english.TypoVerbs, StringComparer.Ordinal);
        if (other is not null)
        {
            foreach (var (phrase, cue) in other.Phrases)
            {
                phrases[phrase] = cue;
            }

            foreach (var (verb, cue) in other.TypoVerbs)
            {
                typos[verb] = cue;
            }
        }

        Phrases = [.. phrases.Select(p => (Words: p.Key.Split(' '), p.Value)).OrderByDescending(p => p.Words.Length).ThenByDescending(p => p.Words.Sum(w => w.Length))];
        TypoVerbs = typos;
        IEnumerable<string> Both(Func<ReplyLexicon, IReadOnlyList<string>> pick) => other is null ? pick(english) : pick(english).Concat(pick(other));
        All = [.. Both(l => l.All).OrderByDescending(p => p.Length)];
        None = [.. Both(l => l.None).OrderByDescending(p => p.Length)];
        Rest = [.. Both(l => l.Rest).OrderByDescending(p => p.Length)];
        Except = [.. Both(l => l.Except).OrderByDescending(p => p.Length)];
        And = [.. Both(l => l.And)];
        Or = [.. Both(l => l.Or)];
        Articles = [.. Both(l => l.Articles)];
        CandidateWords = [.. Both(l => l.CandidateWords)];
        Ordinals = english.Ordinals.Where(o => o.Key is "first" or "second" or "third" or "fourth" or "fifth" or "sixth" or "seventh" or "eighth")
            .Concat(other?.Ordinals ?? new Dictionary<string, int>())
            .GroupBy(o => o.Key).ToDictionary(g => g.Key, g => g.Last().Value);
    }

    public string Language { get; }

    public IReadOnlyList<(string[] Words, Cue Cue)> Phrases { get; }

    public IReadOnlyDictionary<string, Cue> TypoVerbs { get; }

    public IReadOnlyList<string> All { get; }

    public IReadOnlyList<string> None { get; }

    public IReadOnlyList<string> Rest { get; }

    public IReadOnlyList<string> Except { get; }

    public IReadOnlyList<string> And { get; }

    public IReadOnlyList<string> Or { get; }

    public IReadOnlyList<string> Articles { get; }

    public IReadOnlyList<string> CandidateWords { get; }

    public IReadOnlyDictionary<string, int> Ordinals { get; }

    public static Vocabulary For(IReadOnlyList<string> words) => Cache[ReplyLexicon.Detect(words)?.Language ?? "en"];

    public static bool IsKnownWord(string word) => KnownWords.Contains(word);

    // Real words one letter away from a decision verb: never read as a misspelling.
    private static readonly FrozenSet<string> RealWords = new[] { "told", "bold", "gold", "cold", "fold", "sold", "hole", "holy", "host", "held", "halt", "mass", "bass", "pays", "paws", "pass" }
        .ToFrozenSet(StringComparer.Ordinal);

    /// <summary>The decision verb a misspelt word stands for: one letter added, dropped, changed or two swapped ("intervew", "hodl").</summary>
    public Cue? Typo(string word)
    {
        if (word.Length < 4 || RealWords.Contains(word))
        {
            return null;
        }

        foreach (var (verb, cue) in TypoVerbs)
        {
            if (Math.Abs(verb.Length - word.Length) <= 1 && Distance(word, verb) <= 1)
            {
                return cue;
            }
        }

        return null;
    }

    /// <summary>Optimal string alignment distance: insertions, deletions, substitutions and adjacent transpositions.</summary>
    public static int Distance(string a, string b)
    {
        var d = new int[a.Length + 1, b.Length + 1];
        for (var i = 0; i <= a.Length; i++)
        {
            d[i, 0] = i;
        }

        for (var j = 0; j <= b.Length; j++)
        {
            d[0, j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                {
                    d[i, j] = Math.Min(d[i, j], d[i - 2, j - 2] + 1);
                }
            }
        }

        return d[a.Length, b.Length];
    }
}
