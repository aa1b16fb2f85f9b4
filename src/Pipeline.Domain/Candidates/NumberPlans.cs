using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;
using PhoneNumbers;

namespace Pipeline.Domain.Candidates;

/// <summary>
/// <see cref="PhoneNumberUtil.IsValidNumber"/>'s answer, from the same numbering plans, at a fraction of its cost.
/// libphonenumber matches a number against each plan's patterns with interpreted regexes, in a fixed order of types
/// (premium rate, toll free, … fixed line, mobile), and for a calling code shared by several regions (+1: the US,
/// Canada and 23 others) it types the number once to find its region and again to validate it there. Validity only
/// asks whether any type matches, so here fixed line and mobile, which nearly every real number is, are tried first,
/// and a number typed while finding its region is not typed again.
/// </summary>
/// <remarks>
/// The rules are libphonenumber's own (region from the calling code, a region's leading digits, possible lengths
/// before patterns, the plan without patterns); only the order differs, which cannot change whether any type
/// matches. PhoneTests holds this to <see cref="PhoneNumberUtil.IsValidNumber"/> over every calling code.
/// </remarks>
internal static class NumberPlans
{
    private static readonly PhoneNumberUtil Util = PhoneNumberUtil.GetInstance();

    // One plan per numbering plan in memory (about 250 at most), held no longer than libphonenumber holds the plan.
    private static readonly ConditionalWeakTable<PhoneMetadata, Plan> Plans = [];

    public static bool IsValid(PhoneNumber number)
    {
        var regions = Util.GetRegionCodesForCountryCode(number.CountryCode);
        if (regions.Count == 0)
        {
            return false;
        }

        var nationalNumber = Util.GetNationalSignificantNumber(number);
        if (regions.Count == 1)
        {
            return IsValidFor(number.CountryCode, regions[0], nationalNumber);
        }

        // The first region whose leading digits match, or whose types the number has, is the number's region.
        foreach (var region in regions)
        {
            var plan = PlanOf(Util.GetMetadataForRegion(region));
            if (plan.LeadingDigits is { } leadingDigits)
            {
                if (leadingDigits.IsMatch(nationalNumber))
                {
                    return IsValidFor(number.CountryCode, region, nationalNumber);
                }
            }
            else if (plan.HasAnyType(nationalNumber))
            {
                return true;
            }
        }

        return false;
    }

    private static bool IsValidFor(int countryCode, string region, string nationalNumber)
    {
        // "001" is the region of non-geographic numbers (+800 freephone and the like), which have a plan per code.
        var nonGeographic = region == "001";
        var metadata = nonGeographic ? Util.GetMetadataForNonGeographicalRegion(countryCode) : Util.GetMetadataForRegion(region);
        if (metadata is null || (!nonGeographic && metadata.CountryCode != countryCode))
        {
            return false;
        }

        return metadata.GeneralDesc.HasNationalNumberPattern ? PlanOf(metadata).HasAnyType(nationalNumber) : nationalNumber.Length is > 2 and <= 17;
    }

    private static Plan PlanOf(PhoneMetadata metadata) => Plans.GetValue(metadata, static m => new Plan(m));

    /// <summary>One region's patterns, the types most numbers have first.</summary>
    private sealed class Plan
    {
        private readonly Description? _general;
        private readonly Description[] _types;

        public Plan(PhoneMetadata metadata)
        {
            _general = metadata.GeneralDesc.HasNationalNumberPattern ? new Description(metadata.GeneralDesc) : null;
            PhoneNumberDesc[] types =
            [
                metadata.FixedLine,

                // libphonenumber does not try mobile apart when the plan says its pattern is the fixed-line one.
                .. metadata.SameMobileAndFixedLinePattern ? Array.Empty<PhoneNumberDesc>() : [metadata.Mobile],
                metadata.PremiumRate, metadata.TollFree, metadata.SharedCost, metadata.Voip, metadata.PersonalNumber, metadata.Pager,
                metadata.Uan, metadata.Voicemail,
            ];
            _types = [.. types.Where(t => t.NationalNumberPattern.Length > 0).Select(t => new Description(t))];
            LeadingDigits = metadata.HasLeadingDigits ? new Pattern("^(?:" + metadata.LeadingDigits + ")") : null;
        }

        public Pattern? LeadingDigits { get; }

        public bool HasAnyType(string nationalNumber)
        {
            if (_general is null || !_general.Matches(nationalNumber))
            {
                return false;
            }

            foreach (var type in _types)
            {
                if (type.Matches(nationalNumber))
                {
                    return true;
                }
            }

            return false;
        }
    }

    /// <summary>A number type: its possible lengths, checked first as libphonenumber does, then its whole-number pattern.</summary>
    private sealed class Description(PhoneNumberDesc description)
    {
        private readonly int[] _lengths = [.. description.PossibleLengthList];
        private readonly Pattern _pattern = new("^(?:" + description.NationalNumberPattern + ")$");

        public bool Matches(string nationalNumber) => (_lengths.Length == 0 || Array.IndexOf(_lengths, nationalNumber.Length) >= 0) && _pattern.IsMatch(nationalNumber);
    }

    /// <summary>
    /// A pattern, built with libphonenumber's options and read by the interpreter as libphonenumber reads it. Compiling
    /// was measured and does not pay: a plan's patterns are long alternations (the US one lists every area code), and
    /// compiling the few dozen a US feed meets costs more CPU than a million rows save with them.
    /// </summary>
    private sealed class Pattern(string pattern)
    {
        private readonly Regex _regex = new(pattern, RegexOptions.CultureInvariant);

        public bool IsMatch(string text) => _regex.IsMatch(text);
    }
}
