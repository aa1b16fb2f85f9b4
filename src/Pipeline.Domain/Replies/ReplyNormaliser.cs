using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Pipeline.Domain.Replies;

/// <summary>
/// One line of a reply made uniform for reading: lower case, every way of writing a candidate ("No. 2", "candidate
/// three", "the third one", "n°2", a name) written "#2", a name that fits two candidates written "#1|3", a number next
/// to a name of someone else written "#2~1", numbers that are not candidates (times, dates, money, phone numbers,
/// quantities) hidden, list markers and markdown removed.
/// </summary>
internal static partial class ReplyNormaliser
{
    public static string Line(string line, int candidates, IReadOnlyDictionary<int, string>? names, Vocabulary words)
    {
        var text = Emoji(System.Net.WebUtility.HtmlDecode(line)).Replace('|', ' ');
        text = CorrectionStar().Replace(text, "correction: ");
        text = ListMarker(text);
        text = Names(text, names);
        text = text.ToLowerInvariant().Replace('’', '\'').Replace('‘', '\'').Replace('–', '-').Replace('—', '-').Replace('\t', ':');
        text = Markdown().Replace(text, " ");
        text = GluedNumber().Replace(text, " $1");
        text = Substitution().Replace(text, "$1 ");
        text = NotCandidates(text);
        text = CandidateWords(text, words);
        if (words.Language == "fr")
        {
            text = Elision().Replace(text, "$1' ");
        }
        text = Scopes(text, candidates, words);
        text = Ordinals(text, candidates, words);
        text = Ranges(text);
        text = NumberWords(text);
        text = BareNumbers().Replace(text, "#$1");
        text = SameReference().Replace(text, m => m.Groups[1].Value == m.Groups[2].Value ? $"#{m.Groups[1].Value}" : $"#{m.Groups[1].Value}~{m.Groups[2].Value}");
        text = RepeatedReference().Replace(text, "#$1");
        return Spaces().Replace(text, " ").Trim();
    }

    /// <summary>"(+ = interview, - = pass)" above "+ 1" / "- 2": each marked line gets the word its symbol stands for.</summary>
    public static IReadOnlyList<string> ApplyLegend(IReadOnlyList<string> lines)
    {
        var legend = new Dictionary<string, string>(StringComparer.Ordinal);
        var result = new List<string>();
        foreach (var line in lines)
        {
            var pairs = LegendPair().Matches(line);
            if (pairs.Count >= 2)
            {
                foreach (Match pair in pairs)
                {
                    legend[pair.Groups[1].Value] = pair.Groups[2].Value;
                }

                continue;
            }

            var marked = legend.Count > 0 ? LegendMark().Match(line) : Match.Empty;
            result.Add(marked.Success && legend.TryGetValue(marked.Groups[1].Value, out var word) ? $"{word}: {line[marked.Length..]}" : line);
        }

        return result;
    }

    private static string Emoji(string text) => text
        .Replace("👍", " yes ", StringComparison.Ordinal).Replace("👎", " no ", StringComparison.Ordinal)
        .Replace("✅", " yes ", StringComparison.Ordinal).Replace("✔", " yes ", StringComparison.Ordinal).Replace("✓", " yes ", StringComparison.Ordinal)
        .Replace("❌", " no ", StringComparison.Ordinal).Replace("✗", " no ", StringComparison.Ordinal).Replace("✘", " no ", StringComparison.Ordinal)
        .Replace("🤔", " maybe ", StringComparison.Ordinal).Replace("→", ":", StringComparison.Ordinal).Replace("&nbsp;", " ", StringComparison.Ordinal)
        .Replace('\u00a0', ' ');

    /// <summary>"- 1: yes", "• #2 no", "[x] 3 – interview": the bullet goes. "1. Yes" is candidate 1; "1. Interview candidate 3" is a list item.</summary>
    private static string ListMarker(string line)
    {
        var text = Bullet().Replace(line, string.Empty);
        var numbered = NumberedItem().Match(text);
        if (!numbered.Success)
        {
            return text;
        }

        // "1) interview 2) interview 3) no": each item its own statement.
        var rest = text[numbered.Length..];
        if (InlineItem().IsMatch(rest))
        {
            return $"#{numbered.Groups[1].Value}: " + InlineItem().Replace(rest, "; #$1: ");
        }

        return HasReference().IsMatch(rest) ? rest : $"#{numbered.Groups[1].Value}: {rest}";
    }

    /// <summary>Names (full, first, surname, shortened, misspelt by a letter, run together with "and") become "#n".</summary>
    private static string Names(string text, IReadOnlyDictionary<int, string>? names)
    {
        if (names is null || names.Count == 0)
        {
            return text;
        }

        foreach (var (number, name) in names.OrderByDescending(n => n.Value.Length))
        {
            text = Regex.Replace(text, $@"(?<![\p{{L}}]){Regex.Escape(name)}(?![\p{{L}}])", $"#{number}", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);
        }

        return NameWord().Replace(text, m =>
        {
            var word = m.Value.EndsWith("'s", StringComparison.OrdinalIgnoreCase) ? m.Value[..^2] : m.Value;
            var matches = NameMatches(word, names);
            return matches.Count switch
            {
                0 => m.Value,
                1 => $"#{matches[0]}",
                _ => $"#{string.Join('|', matches)}",
            };
        });
    }

    private static List<int> NameMatches(string word, IReadOnlyDictionary<int, string> names)
    {
        var folded = Fold(word);
        if (folded.Length < 3 || Vocabulary.IsKnownWord(folded))
        {
            return [];
        }

        var parts = names.SelectMany(n => n.Value.Split(' ', '-').Where(p => p.Length >= 3).Select(p => (n.Key, Part: Fold(p)))).ToList();
        var exact = parts.Where(p => p.Part == folded).Select(p => p.Key).Distinct().Order().ToList();
        if (exact.Count > 0)
        {
            return exact;
        }

        // Shortened, misspelt or run together: only for a capitalised word, so ordinary words are left alone.
        if (!char.IsUpper(word[0]) && !(word.Length > 2 && char.IsUpper(word[2])))
        {
            return [];
        }

        return parts.Where(p =>
                p.Part.StartsWith(folded, StringComparison.Ordinal)
                || (folded.Length >= 5 && Vocabulary.Distance(folded, p.Part) <= 1)
                || (folded.StartsWith(p.Part, StringComparison.Ordinal) && folded[p.Part.Length..] is "and" or "und" or "et")
                || (folded.EndsWith(p.Part, StringComparison.Ordinal) && folded[..^p.Part.Length] is "on" or "to"))
            .Select(p => p.Key).Distinct().Order().ToList();
    }

    public static string Fold(string text)
    {
        var decomposed = text.ToLowerInvariant().Normalize(NormalizationForm.FormD);
        var kept = decomposed.Where(c => CharUnicodeInfo.GetUnicodeCategory(c) != UnicodeCategory.NonSpacingMark).ToArray();
        return new string(kept).Normalize(NormalizationForm.FormC);
    }

    /// <summary>Times, dates, amounts, phone numbers, quantities, versions, addresses: never a candidate.</summary>
    private static string NotCandidates(string text)
    {
        text = UrlOrAddress().Replace(text, " ");
        text = Dates().Replace(text, " <date> ");
        text = Times().Replace(text, " <time> ");
        text = PhoneNumber().Replace(text, " <phone> ");
        text = Quantity().Replace(text, " <quantity> ");
        text = NumberedThing().Replace(text, "$1 <n>");
        text = NotAReference().Replace(text, " someone ");
        return text;
    }

    private static string CandidateWords(string text, Vocabulary words)
    {
        text = NumeroAfterAnd().Replace(text, "$1 #");
        text = Numero().Replace(text, "#");
        foreach (var word in words.CandidateWords.Where(w => w != "#").OrderByDescending(w => w.Length))
        {
            text = Regex.Replace(text, $@"(?<![\p{{L}}]){Regex.Escape(word)}\s*#?\s*(?=\d|one\b|two\b|three\b|four\b|five\b|six\b|seven\b|eight\b|nine\b|ten\b)", "#");
        }

        text = HashSpace().Replace(text, "#");
        return Regex.Replace(text, @"#(one|two|three|four|five|six|seven|eight)\b", m => $"#{Count(m.Groups[1].Value)}");
    }

    /// <summary>"the third one", "le premier", "den vierten", "la cuarta", "the last two", "top one", "the first two".</summary>
    private static string Ordinals(string text, int candidates, Vocabulary words)
    {
        text = Regex.Replace(text, @"\b(?:the\s+)?(?:top|first)\s+(two|three|four|2|3|4)\b(?!\s*(?:<|days|weeks))", m => Span(1, Count(m.Groups[1].Value)));
        text = Regex.Replace(text, @"\b(?:the\s+)?last\s+(two|three|2|3)\b", m => Span(candidates - Count(m.Groups[1].Value) + 1, candidates));
        text = Regex.Replace(text, @"\b(?:the\s+)?(?:last|bottom)\s+(?:one|candidate)\b", $"#{candidates}");
        text = Regex.Replace(text, @"\b(?:the\s+)?top\s+(?:one|candidate)\b", "#1");
        if (candidates % 2 == 1)
        {
            text = Regex.Replace(text, @"\b(?:the\s+)?middle\s+(?:one|candidate)\b", $"#{(candidates + 1) / 2}");
        }

        var ordinal = string.Join('|', words.Ordinals.Keys.OrderByDescending(k => k.Length).Select(Regex.Escape));
        var article = string.Join('|', words.Articles.Select(Regex.Escape));
        text = Regex.Replace(text, $@"\b(?:{article})\s+({ordinal})\b(?!\s+(?:{NotCandidateNouns}))", m => $"#{words.Ordinals[m.Groups[1].Value]}");
        text = Regex.Replace(text, $@"(#\d+)(\s+(?:and|et|und|y|&)\s+)(?:(?:{article})\s+)?({ordinal})\b(?!\s+(?:{NotCandidateNouns}))", m => $"{m.Groups[1].Value}{m.Groups[2].Value}#{words.Ordinals[m.Groups[3].Value]}");
        text = Regex.Replace(text, @"\b(\d{1,2})(?:st|nd|rd|th)\b(?=\s*(?:one|candidate|[,.;:!?)]|$|and\b))", "#$1");
        return Regex.Replace(text, @"(#\d+)\s+(?:one|ones|candidates?|kandidatin|kandidat|candidats?|candidatos?)\b", "$1");
    }

    /// <summary>"all four", "the other two", "none of these", "tous", "den anderen beiden": groups, written &lt;all&gt;, &lt;none&gt;, &lt;rest&gt;, &lt;except&gt;.</summary>
    private static string Scopes(string text, int candidates, Vocabulary words)
    {
        text = ScopeBut().Replace(text, "$1 except");
        foreach (var (marker, phrases) in new[] { ("<rest>", words.Rest), ("<none>", words.None), ("<all>", words.All), ("<except>", words.Except) })
        {
            foreach (var phrase in phrases)
            {
                text = Regex.Replace(text, $@"(?<![\p{{L}}<])(?<!after ){Regex.Escape(phrase)}(?![\p{{L}}>])", $" {marker} ");
            }
        }

        text = Regex.Replace(text, @"\ball\s+(?:of\s+)?(?:the\s+|these\s+)?(?:\d|two|three|four|five|six|seven|eight)\b(?:\s+(?:candidates|profiles|people))?", " <all> ");
        text = Regex.Replace(text, @"(<all>|<rest>|<none>)\s+(?:(?:of\s+)?(?:the|these|those|them)\s+)?(?:\d|two|three|four|five|six|seven|eight)\b(?:\s+(?:candidates|profiles|people))?", "$1");
        text = Regex.Replace(text, @"(<all>|<rest>|<none>)\s+(?:of\s+)?(?:the\s+)?(?:candidates|profiles|them|these|those)\b", "$1");
        return Regex.Replace(text, @"\bboth\b", candidates == 2 ? " <all> " : " ");
    }

    private static string Span(int from, int to) => string.Join(' ', Enumerable.Range(from, Math.Max(0, to - from + 1)).Select(c => $"#{c}"));

    private static int Count(string word) => word switch
    {
        "one" => 1,
        "two" => 2,
        "three" => 3,
        "four" => 4,
        "five" => 5,
        "six" => 6,
        "seven" => 7,
        "eight" => 8,
        _ => int.TryParse(word, CultureInfo.InvariantCulture, out var n) ? n : 0,
    };

    /// <summary>"1-3", "2 through 4", "none of 1–4": every candidate in between, as a plain list.</summary>
    private static string Ranges(string text) =>
        Range().Replace(text, m =>
        {
            var (from, to) = (int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture), int.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture));
            return from < to && to - from < 10 ? " " + Span(from, to) + " " : m.Value;
        });

    private static string NumberWords(string text) =>
        NumberWord().Replace(text, m => $"#{Count(m.Value)}");

    private const string NotCandidateNouns = "round|interview|interviews|stage|req|time|week|headcount|opening|openings|quarter|day|step|call";

    [GeneratedRegex(@"^\s*(?:[-*•·◦▪‣+]|-{1,2}|\[[ xX✓]?\])\s+")]
    private static partial Regex Bullet();

    [GeneratedRegex(@"^\s*(\d{1,2})[.)]\s+")]
    private static partial Regex NumberedItem();

    [GeneratedRegex(@"(?<=\s)(\d{1,2})\)\s")]
    private static partial Regex InlineItem();

    [GeneratedRegex(@"#\d|\b(?:candidate|no\.|nr\.?|n°|nº)\s*\d|\b\d{1,2}\b", RegexOptions.IgnoreCase)]
    private static partial Regex HasReference();

    [GeneratedRegex(@"(?<![#\p{L}])[\p{Lu}\p{Ll}][\p{L}\p{M}'\-]+")]
    private static partial Regex NameWord();

    [GeneratedRegex(@"~~[^~]*~~|[*_]{1,2}(?=\S)|(?<=\S)[*_]{1,2}|^#+\s|^\*(?=\d)")]
    private static partial Regex Markdown();

    [GeneratedRegex(@"\S+@\S+|https?://\S+|www\.\S+|<[^>\s]*[:/][^>\s]*>|\[cid:[^\]]*\]")]
    private static partial Regex UrlOrAddress();

    [GeneratedRegex(@"\b(?:jan|january|janvier|enero|januar|feb|february|mar|march|apr|april|may|jun|june|jul|july|aug|august|sep|sept|september|oct|october|nov|november|novembre|noviembre|dec|december)\.?\s+\d{1,2}(?:st|nd|rd|th)?\b|\b\d{1,2}(?:st|nd|rd|th|er|\.)?\s+(?:(?:of|de|au)\s+)?(?:jan|january|janvier|enero|januar|feb|february|mar|march|apr|april|may|jun|june|jul|july|aug|august|sep|sept|september|oct|october|nov|november|novembre|noviembre|dec|december|dezember|décembre|diciembre)\b|\b(?:mon|monday|tue|tues|tuesday|wed|wednesday|thu|thur|thurs|thursday|fri|friday|sat|saturday|sun|sunday)\s+\d{1,2}(?:st|nd|rd|th)?\b|\b\d{1,2}[./]\d{1,2}(?:[./]\d{2,4})?\b|\b\d{1,2}\s*(?:to|-|au|al|bis)\s*\d{1,2}\s+(?:de\s+)?(?:nov\w*|dec\w*|déc\w*|dic\w*|jan\w*|ene\w*)|\b(?:du|del|from|vom)\s+\d{1,2}\s+(?:au|al|to|bis)\s+\d{1,2}\b|\bthe\s+\d{1,2}(?:st|nd|rd|th)\b")]
    private static partial Regex Dates();

    [GeneratedRegex(@"\b\d{1,2}[:.h]\d{2}\s*(?:am|pm|uhr)?\b|\b\d{1,2}\s*(?:am|pm|uhr)\b|\b\d+\.\d+\b")]
    private static partial Regex Times();

    [GeneratedRegex(@"(?:\+\d[\d ()-]{6,}\d|\b\d{2,5}(?:[ .-]\d{2,})+\b|\b\d{3,}\b)")]
    private static partial Regex PhoneNumber();

    [GeneratedRegex(@"\b\d{1,2}\s*(?:%|k\b|x\b|yrs?\b|years?\b|days?\b|weeks?\b|hours?\b|hrs?\b|min\b|mins\b|minutes?\b|months?\b|openings?\b|people\b|roles?\b|positions?\b|business\b|días\b|dias\b|jours\b|tage\b|jahre\b|ans\b|años\b|reqs?\b|headcount\b)|\b\d{1,2}(?:st|nd|rd|th)\s+(?:req|headcount|round|opening|time|quarter)\b|(?<=[\p{L}])\d+|\b\d+(?=[\p{L}]{2,})|[$£€]\s*\d+|\bq\d\b|\bt\d\b")]
    private static partial Regex Quantity();

    [GeneratedRegex(@"\b(booth|floor|room|raum|ext\.?|building|req|version|team of|durchwahl|tel\.?|phone|suite|level|step|round)\s+#?\d+\b")]
    private static partial Regex NumberedThing();

    // "no one", "the one", "this one", "one of the first two", "one more": not candidate 1.
    [GeneratedRegex(@"\b(?:the|this|that|any|each|every|some|which) one\b|\bone of (?:the )?(?:first|last|top) (?:two|three|2|3)\b|\bone of (?:them|these|those|the others)\b|\bone more\b|\bone (?:day|week|thing|question)\b|\bat least\b")]
    private static partial Regex NotAReference();

    [GeneratedRegex(@"\b(and|&)\s+no\s+(?=\d)")]
    private static partial Regex NumeroAfterAnd();

    // "No. 2" is a number only where a candidate is expected ("interview no. 2", "(no. 2)", "Candidate No. 2:"); "a hard no. 3 yes" is a no.
    [GeneratedRegex(@"(?<=(?:^|[(,&]|\b(?:candidate|candidates|and|interview|reject|decline|invite|hold|on|to|with|for|und|et|y))\s*)(?:no\.|nr\.?|n°|nº|no\s*°)\s*#?\s*(?=\d)|\bnumber\s+(?=\d|one|two|three|four|five|six|seven|eight)")]
    private static partial Regex Numero();

    [GeneratedRegex(@"#\s+(?=\d)")]
    private static partial Regex HashSpace();

    [GeneratedRegex(@"#?(\d{1,2})\s*(?:-|to|through|thru|bis|à|a)\s*#?(\d{1,2})\b(?!\s*<)")]
    private static partial Regex Range();

    [GeneratedRegex(@"(?<![#\p{L}'-])(?:one|two|three|four|five|six|seven|eight)(?![\p{L}'-])(?!\s+(?:of|more|days?|weeks?|people|years?|hours?|times?))")]
    private static partial Regex NumberWord();

    [GeneratedRegex(@"(?<![#\w./:$£€|~-])(\d{1,2})(?![\w%/:.]\w|[\w%])")]
    private static partial Regex BareNumbers();

    [GeneratedRegex(@"#(\d+)\s*\(\s*#(\d+)\s*\)")]
    private static partial Regex SameReference();

    [GeneratedRegex(@"#(\d+)(?:\s+#\1\b)+")]
    private static partial Regex RepeatedReference();

    [GeneratedRegex(@"\b(all|everyone|everybody|anyone|all of them|none|no one|nobody)\s+but\b")]
    private static partial Regex ScopeBut();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Spaces();

    [GeneratedRegex(@"([+\-*xo])\s*=\s*([\p{L}][\p{L} ]*?)\s*(?=[,;)]|$)")]
    private static partial Regex LegendPair();

    [GeneratedRegex(@"^\s*([+\-*xo])\s+(?=\S)")]
    private static partial Regex LegendMark();

    // "Interview1,3", "Pass on2", "Hold4": a decision word run into its number.
    [GeneratedRegex(@"(?<=\b[\p{L}]{4,}|\bon|\bto)(\d{1,2})\b")]
    private static partial Regex GluedNumber();

    // "*4 not 3": the chat convention for correcting what was just written.
    [GeneratedRegex(@"^\s*\*(?=\s*\d)")]
    private static partial Regex CorrectionStar();

    // "4 not 3", "2 statt 3": which one was meant, restated in full after it.
    [GeneratedRegex(@"^(correction:)\s*#?\d{1,2}\s+not\s+#?\d{1,2}\b|(?:#|\b)\d{1,2}\s+(?:statt|instead of|rather than|en vez de|plutôt que)\s+#?\d{1,2}\b", RegexOptions.IgnoreCase)]
    private static partial Regex Substitution();

    // French elision: "d'échanger", "l'entretien", "s'il".
    [GeneratedRegex(@"\b(d|l|s|n|j|qu|c)'(?=\p{L})")]
    private static partial Regex Elision();
}
