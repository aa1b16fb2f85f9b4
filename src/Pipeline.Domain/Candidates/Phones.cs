using System.Buffers;
using PhoneNumbers;

namespace Pipeline.Domain.Candidates;

/// <summary>
/// Phone numbers read by libphonenumber (Google's numbering plans, held in memory): what a number is in E.164, and
/// whether it is one at all. A number is only an identity key when the plan says it is a valid number.
/// </summary>
public static class Phones
{
    private static readonly PhoneNumberUtil Util = PhoneNumberUtil.GetInstance();

    /// <summary>An ISO 3166-1 alpha-2 code whose numbering plan libphonenumber knows (<c>GB</c>, <c>US</c>), in any case.</summary>
    public static bool IsKnownRegion(string? region) =>
        region is { Length: 2 } && Util.GetSupportedRegions().Contains(region.ToUpperInvariant());

    /// <summary>
    /// A valid number as E.164, with its extension after it (<c>+442079460000 ext. 123</c>); null when the text is
    /// not a valid number. Without <paramref name="defaultRegion"/> only international forms (<c>+44 …</c>) parse.
    /// <paramref name="isNumber"/> says whether the text is written as a phone number at all, valid or not.
    /// </summary>
    public static string? Canonical(string text, string? defaultRegion, out bool isNumber)
    {
        if (!TryParseValid(text, defaultRegion, out var number, out isNumber))
        {
            return null;
        }

        var e164 = Util.Format(number, PhoneNumberFormat.E164);
        return number.HasExtension && number.Extension.Length > 0 ? $"{e164} ext. {number.Extension}" : e164;
    }

    /// <summary>
    /// What a stored phone is keyed under: its E.164 number without the extension (a switchboard's extensions are one
    /// line), and only when it is a valid number in international form. Anything else identifies no one.
    /// </summary>
    public static string? IdentityForm(string stored) =>
        stored.StartsWith('+') && TryParseValid(stored, null, out var number, out _) ? Util.Format(number, PhoneNumberFormat.E164) : null;

    private static bool TryParseValid(string text, string? region, out PhoneNumber number, out bool isNumber)
    {
        number = null!;

        // What Parse would throw, found without the exception (which costs more than reading the row). Text without a
        // digit is never a number. Without a region, text without a plus (nor the ';' of an RFC 3966 phone-context that
        // could bring one) has no country code: Parse would find it not viable, or viable with an unknown region.
        // (Past 250 characters Parse says "too long" first, and that counts as a number.)
        if (text.Length <= MaxParsedLength && !HasDigit(text))
        {
            isNumber = false;
            return false;
        }

        if (region is null && text.Length <= MaxParsedLength && !text.AsSpan().ContainsAny(PlusOrParameter))
        {
            isNumber = PhoneNumberUtil.IsViablePhoneNumber(PhoneNumberUtil.ExtractPossibleNumber(text));
            return false;
        }

        try
        {
            // "ZZ" is libphonenumber's unknown region: a number must then carry its country code.
            number = Util.Parse(text, region?.ToUpperInvariant() ?? "ZZ");
            isNumber = true;
            return Util.IsValidNumber(number);
        }
        catch (NumberParseException e)
        {
            isNumber = e.ErrorType != ErrorType.NOT_A_NUMBER;
            return false;
        }
    }

    // The longest text libphonenumber parses at all.
    private const int MaxParsedLength = 250;

    // Any decimal digit, as libphonenumber counts them (full-width and other scripts' digits too).
    private static bool HasDigit(string text)
    {
        foreach (var c in text)
        {
            if (char.IsDigit(c))
            {
                return true;
            }
        }

        return false;
    }

    // libphonenumber's plus signs (ASCII and full-width) and the parameter separator of its RFC 3966 reading.
    private static readonly SearchValues<char> PlusOrParameter = SearchValues.Create("+\uFF0B;");
}
