using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Pipeline.Domain.Candidates;

/// <summary>Normalises raw field values. Each method returns null for "absent" and throws <see cref="FieldException"/> for "bad".</summary>
public static partial class Normalizer
{
    public const int MaxNameLength = 200;
    public const int MaxTextLength = 500;
    public const int MaxSkills = 200;
    public const int MaxPhoneLength = 50;

    public static string Email(string? raw)
    {
        var email = raw?.Trim().ToLowerInvariant();
        if (string.IsNullOrEmpty(email))
        {
            throw new FieldException("email", "missing email");
        }

        // An address cannot lose characters the way a name can (it would be someone else's), so one with bidi controls is refused.
        if (email.Length > 254 || !EmailPattern().IsMatch(email) || email.Any(IsBidiControl))
        {
            throw new FieldException("email", "not a valid email address");
        }

        return email;
    }

    /// <summary>A second address (a badge's recipient): absent is fine, malformed is not.</summary>
    public static string? OptionalEmail(string? raw, string field)
    {
        if (string.IsNullOrWhiteSpace(raw))
        {
            return null;
        }

        try
        {
            return Email(raw);
        }
        catch (FieldException e)
        {
            throw new FieldException(field, $"badge email: {e.Reason}");
        }
    }

    public static string? Name(string? raw) => Text(raw, "name", MaxNameLength);

    public static string? Text(string? raw, string field, int maxLength = MaxTextLength)
    {
        if (string.IsNullOrWhiteSpace(raw))
        {
            return null;
        }

        var text = IsClean(raw) ? raw : string.Join(' ', WithoutBidiControls(raw).Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)).Normalize(NormalizationForm.FormC);
        if (text.Length == 0)
        {
            return null;
        }

        if (text.Length > maxLength)
        {
            throw new FieldException(field, $"{field} is {text.Length} characters long; the limit is {maxLength}");
        }

        if (text.Any(c => char.IsControl(c)))
        {
            throw new FieldException(field, $"{field} contains control characters");
        }

        return text;
    }

    /// <summary>
    /// E.164 for a valid number (<see cref="Phones.Canonical"/>), read in <paramref name="defaultRegion"/> when it has
    /// no country code; an extension is kept after it. A number that is not valid is kept as written (white space
    /// collapsed), as data only: it is never an identity key. Text that is not written as a number is refused.
    /// </summary>
    public static string? Phone(string? raw, string? defaultRegion = null)
    {
        var text = Text(raw, "phone", MaxPhoneLength);
        if (text is null)
        {
            return null;
        }

        // Without a region, 00 is taken as the international prefix, as most of the world dials it.
        var international = defaultRegion is null && text.StartsWith("00", StringComparison.Ordinal) ? "+" + text[2..] : text;
        return Phones.Canonical(international, defaultRegion, out var isNumber) ?? (isNumber ? text : throw new FieldException("phone", "not a phone number"));
    }

    /// <summary>Accepts YYYY, YYYY-MM and YYYY-MM-DD (JSON Resume's forms); a missing day or month means the first.</summary>
    public static DateOnly? Date(string? raw, string field)
    {
        if (string.IsNullOrWhiteSpace(raw))
        {
            return null;
        }

        var text = raw.Trim();
        string[] formats = ["yyyy-MM-dd", "yyyy-MM", "yyyy", "yyyy/MM/dd", "yyyy/MM"];
        if (DateOnly.TryParseExact(text, formats, CultureInfo.InvariantCulture, DateTimeStyles.None, out var date) && date.Year is >= 1950 and <= 2100)
        {
            return date;
        }

        throw new FieldException(field, $"'{Truncate(text, 40)}' is not a date (expected YYYY-MM-DD, YYYY-MM or YYYY)");
    }

    /// <summary>Splits a list cell on ; | or , and normalises each skill.</summary>
    public static IReadOnlyList<string> SkillList(string? raw) =>
        string.IsNullOrWhiteSpace(raw) ? [] : Skills(raw.Split([';', '|', ','], StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries));

    public static IReadOnlyList<string> Skills(IEnumerable<string> skills)
    {
        var list = SkillCatalog.NormalizeAll(skills);
        if (list.Count > MaxSkills)
        {
            throw new FieldException("skills", $"{list.Count} skills; the limit is {MaxSkills}");
        }

        foreach (var skill in list)
        {
            if (skill.Length > 100)
            {
                throw new FieldException("skills", $"a skill is {skill.Length} characters long; the limit is 100");
            }
        }

        return list;
    }

    public static string? Url(string? raw, string field)
    {
        if (string.IsNullOrWhiteSpace(raw))
        {
            return null;
        }

        if (!Uri.TryCreate(raw.Trim(), UriKind.Absolute, out var uri) || uri.Scheme is not ("https" or "http"))
        {
            throw new FieldException(field, "not an http(s) URL");
        }

        return uri.AbsoluteUri;
    }

    /// <summary>
    /// The explicit directional formatting characters (embeddings, overrides and isolates, U+202A–U+202E and
    /// U+2066–U+2069) and the directional marks (U+200E, U+200F, U+061C). A name or note from a feed has no use for
    /// them, and in an email or a Teams card an override reverses the text around it, so that what a reader sees is not
    /// what was sent ("Trojan Source").
    /// </summary>
    public static bool IsBidiControl(char c) => c is (>= '\u202A' and <= '\u202E') or (>= '\u2066' and <= '\u2069') or '\u200E' or '\u200F' or '\u061C';

    private static string WithoutBidiControls(string s) => s.Any(IsBidiControl) ? string.Concat(s.Where(c => !IsBidiControl(c))) : s;

    /// <summary>Already trimmed, single-spaced, in NFC and without bidi controls: the common case, returned as is without allocating.</summary>
    private static bool IsClean(string s)
    {
        if (char.IsWhiteSpace(s[0]) || char.IsWhiteSpace(s[^1]))
        {
            return false;
        }

        for (var i = 0; i < s.Length; i++)
        {
            var c = s[i];
            if ((char.IsWhiteSpace(c) && (c != ' ' || s[i + 1] == ' ')) || IsBidiControl(c))
            {
                return false;
            }
        }

        return s.IsNormalized(NormalizationForm.FormC);
    }

    private static string Truncate(string s, int max) => s.Length <= max ? s : s[..max] + "…";

    [GeneratedRegex(@"^[^@\s<>()\[\],;:""\\]+@[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)+$")]
    private static partial Regex EmailPattern();
}

/// <summary>A field value that cannot be accepted; the row goes to quarantine with this reason.</summary>
public sealed class FieldException(string field, string reason) : Exception($"{field}: {reason}")
{
    public string Field { get; } = field;

    public string Reason { get; } = reason;
}
