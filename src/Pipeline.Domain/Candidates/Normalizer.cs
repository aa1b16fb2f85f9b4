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

    public static string Email(string? raw) => TryEmail(raw, out var email) is { } problem ? throw problem : email;

    /// <summary>
    /// The normalised address, or why there is none, without throwing: a missing or malformed address is the commonest
    /// reason a feed row is quarantined, and throwing costs far more than reading the row.
    /// </summary>
    public static FieldException? TryEmail(string? raw, out string email)
    {
        email = raw?.Trim().ToLowerInvariant() ?? string.Empty;
        if (email.Length == 0)
        {
            return new FieldException("email", "missing email");
        }

        // An address cannot lose characters the way a name can (it would be someone else's), so one with bidi controls is refused.
        if (email.Length > 254 || !IsEmailShape(email) || email.AsSpan().ContainsAny(BidiControls))
        {
            return new FieldException("email", "not a valid email address");
        }

        return null;
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

        if (text.AsSpan().ContainsAnyInRange('\u0000', '\u001F') || text.AsSpan().ContainsAnyInRange('\u007F', '\u009F'))
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
        if (IsoDate(text) is { } iso)
        {
            return iso;
        }

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

        var text = raw.Trim();
        if (PlainUrl(text) is { } plain)
        {
            return plain;
        }

        if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || uri.Scheme is not ("https" or "http"))
        {
            throw new FieldException(field, "not an http(s) URL");
        }

        return uri.AbsoluteUri;
    }

    /// <summary>
    /// The commonest profile link, already in the form <see cref="Uri.AbsoluteUri"/> gives, without building a
    /// <see cref="Uri"/> (which costs more than the rest of a row): lower-case <c>http(s)://</c>, a host of lower-case
    /// DNS labels that start with a letter (so never an IP address, a port or an IDN), and a path of unreserved
    /// characters without empty, dot or dotted segments. Null for anything else, which <see cref="Uri"/> then reads.
    /// </summary>
    internal static string? PlainUrl(string text)
    {
        var hostStart = text.StartsWith("https://", StringComparison.Ordinal) ? 8 : text.StartsWith("http://", StringComparison.Ordinal) ? 7 : -1;
        if (hostStart < 0)
        {
            return null;
        }

        var rest = text.AsSpan(hostStart);
        var slash = rest.IndexOf('/');
        var host = slash < 0 ? rest : rest[..slash];
        var path = slash < 0 ? [] : rest[slash..];
        if (host.Length is 0 or > 253)
        {
            return null;
        }

        foreach (var range in host.Split('.'))
        {
            var label = host[range];
            if (label.Length is 0 or > 63 || !char.IsAsciiLetterLower(label[0]) || label[^1] == '-' || label.Contains("--", StringComparison.Ordinal)
                || label.ContainsAnyExcept(EmailLabelCharacters))
            {
                return null;
            }
        }

        if (path.ContainsAnyExcept(PlainPathCharacters) || path.Contains("//", StringComparison.Ordinal) || path.Contains("/.", StringComparison.Ordinal)
            || path.Contains("./", StringComparison.Ordinal) || (path.Length > 0 && path[^1] == '.'))
        {
            return null;
        }

        return slash < 0 ? text + "/" : text;
    }

    private static readonly System.Buffers.SearchValues<char> PlainPathCharacters =
        System.Buffers.SearchValues.Create("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~/");

    /// <summary>
    /// The explicit directional formatting characters (embeddings, overrides and isolates, U+202A–U+202E and
    /// U+2066–U+2069) and the directional marks (U+200E, U+200F, U+061C). A name or note from a feed has no use for
    /// them, and in an email or a Teams card an override reverses the text around it, so that what a reader sees is not
    /// what was sent ("Trojan Source").
    /// </summary>
    public static bool IsBidiControl(char c) => c is (>= '\u202A' and <= '\u202E') or (>= '\u2066' and <= '\u2069') or '\u200E' or '\u200F' or '\u061C';

    /// <summary>The common forms (YYYY, YYYY-MM, YYYY-MM-DD in ASCII digits) read without the general parser; anything else is left to it.</summary>
    private static DateOnly? IsoDate(string text)
    {
        static int Digits(string s, int at, int length)
        {
            var value = 0;
            for (var i = at; i < at + length; i++)
            {
                if (!char.IsAsciiDigit(s[i]))
                {
                    return -1;
                }

                value = (value * 10) + (s[i] - '0');
            }

            return value;
        }

        if (text.Length is not (4 or 7 or 10) || (text.Length > 4 && text[4] != '-') || (text.Length > 7 && text[7] != '-'))
        {
            return null;
        }

        var year = Digits(text, 0, 4);
        var month = text.Length > 4 ? Digits(text, 5, 2) : 1;
        var day = text.Length > 7 ? Digits(text, 8, 2) : 1;
        return year is >= 1950 and <= 2100 && month is >= 1 and <= 12 && day >= 1 && day <= DateTime.DaysInMonth(year, month)
            ? new DateOnly(year, month, day)
            : null;
    }

    /// <summary>
    /// What <see cref="EmailPattern"/> accepts, checked in one pass: a local part without <c>@</c>, white space or
    /// <c>&lt;&gt;()[],;:"\</c>, then at least two dot-separated labels of lower-case letters, digits and inner hyphens
    /// (1–63 characters). The pattern stays the definition; a test holds the two together.
    /// </summary>
    internal static bool IsEmailShape(string email)
    {
        var at = email.IndexOf('@', StringComparison.Ordinal);
        if (at <= 0)
        {
            return false;
        }

        for (var i = 0; i < at; i++)
        {
            if (char.IsWhiteSpace(email[i]) || email[i] is '<' or '>' or '(' or ')' or '[' or ']' or ',' or ';' or ':' or '"' or '\\')
            {
                return false;
            }
        }

        var labels = 0;
        var start = at + 1;
        while (true)
        {
            var end = email.IndexOf('.', start);
            var label = email.AsSpan(start, (end < 0 ? email.Length : end) - start);
            if (label.Length is 0 or > 63 || label[0] == '-' || label[^1] == '-' || label.ContainsAnyExcept(EmailLabelCharacters))
            {
                return false;
            }

            labels++;
            if (end < 0)
            {
                return labels >= 2;
            }

            start = end + 1;
        }
    }

    private static readonly System.Buffers.SearchValues<char> EmailLabelCharacters = System.Buffers.SearchValues.Create("abcdefghijklmnopqrstuvwxyz0123456789-");

    private static readonly System.Buffers.SearchValues<char> BidiControls =
        System.Buffers.SearchValues.Create("\u202A\u202B\u202C\u202D\u202E\u2066\u2067\u2068\u2069\u200E\u200F\u061C");

    private static string WithoutBidiControls(string s) => s.AsSpan().ContainsAny(BidiControls) ? string.Concat(s.Where(c => !IsBidiControl(c))) : s;

    /// <summary>Already trimmed, single-spaced, in NFC and without bidi controls: the common case, returned as is without allocating.</summary>
    private static bool IsClean(string s)
    {
        if (char.IsWhiteSpace(s[0]) || char.IsWhiteSpace(s[^1]))
        {
            return false;
        }

        var ascii = true;
        for (var i = 0; i < s.Length; i++)
        {
            var c = s[i];
            if ((char.IsWhiteSpace(c) && (c != ' ' || s[i + 1] == ' ')) || IsBidiControl(c))
            {
                return false;
            }

            ascii &= char.IsAscii(c);
        }

        // ASCII text is always in NFC; asking the normaliser costs more than the rest of the check.
        return ascii || s.IsNormalized(NormalizationForm.FormC);
    }

    private static string Truncate(string s, int max) => s.Length <= max ? s : s[..max] + "…";

    [GeneratedRegex(@"^[^@\s<>()\[\],;:""\\]+@[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)+$")]
    internal static partial Regex EmailPattern();
}

/// <summary>A field value that cannot be accepted; the row goes to quarantine with this reason.</summary>
public sealed class FieldException(string field, string reason) : Exception($"{field}: {reason}")
{
    public string Field { get; } = field;

    public string Reason { get; } = reason;
}
