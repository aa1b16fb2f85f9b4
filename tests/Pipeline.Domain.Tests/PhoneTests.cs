using System.Text;
using PhoneNumbers;
using Pipeline.Domain.Candidates;
using Pipeline.Domain.Feeds;

namespace Pipeline.Domain.Tests;

/// <summary>Phone numbers read by libphonenumber: E.164 with the feed's region, extensions and invalid numbers kept as data only.</summary>
public class PhoneTests
{
    private static IdentityKey? PhoneKey(string? phone) =>
        IdentityKeys.Secondary(new CandidateRecord { Email = "x@uni.example", Phone = phone }).Where(k => k.Reason == MatchReasons.Phone).Cast<IdentityKey?>().SingleOrDefault();

    [Fact]
    public void Phone_TrunkPrefixAfterTheCountryCode_IsDropped()
    {
        // Before: +4402079460000, which is not the number and never matched +442079460000 for the same person.
        Assert.Equal("+442079460000", Normalizer.Phone("+44 (0)20 7946 0000"));
    }

    [Theory]
    [InlineData("+44 20 7946 0000", null)]
    [InlineData("+44 (0)20 7946 0000", null)]
    [InlineData("+44-20-7946-0000", null)]
    [InlineData("0044 20 7946 0000", null)]
    [InlineData("020 7946 0000", "GB")]
    [InlineData("(020) 7946 0000", "gb")]
    [InlineData("00 44 20 7946 0000", "GB")]
    [InlineData("011 44 20 7946 0000", "US")]
    public void Phone_OneNumberWrittenManyWays_IsOneE164AndOneKey(string raw, string? region)
    {
        var phone = Normalizer.Phone(raw, region);

        Assert.Equal("+442079460000", phone);
        Assert.Equal(PhoneKey("+442079460000"), PhoneKey(phone));
    }

    [Theory]
    [InlineData("(617) 555-0101", "US", "+16175550101")]
    [InlineData("030 901820", "DE", "+4930901820")]
    [InlineData("06 6988 4857", "IT", "+390669884857")]
    public void Phone_NationalNumber_IsReadInTheFeedsRegion(string raw, string region, string expected) =>
        Assert.Equal(expected, Normalizer.Phone(raw, region));

    [Fact]
    public void Phone_NationalNumber_WithoutARegion_IsKeptAsWrittenButIsNoKey()
    {
        var phone = Normalizer.Phone(" 020  7946 0000 ");

        Assert.Equal("020 7946 0000", phone);
        Assert.Null(PhoneKey(phone));
    }

    [Theory]
    [InlineData("+44 20 7946 0000 ext. 123", "+442079460000 ext. 123")]
    [InlineData("+44 20 7946 0000 x123", "+442079460000 ext. 123")]
    [InlineData("+1 617 555 0100 #42", "+16175550100 ext. 42")]
    public void Phone_Extension_IsKeptAsData_AndLeftOutOfTheKey(string raw, string expected)
    {
        var phone = Normalizer.Phone(raw);

        Assert.Equal(expected, phone);
        Assert.Equal(PhoneKey(expected[..expected.IndexOf(' ', StringComparison.Ordinal)]), PhoneKey(phone));
        Assert.NotNull(PhoneKey(phone));
    }

    [Theory]
    [InlineData("+44 20 7946 000")] // a digit short
    [InlineData("+1 123 456 7890")] // no area code starts with 1
    [InlineData("+999 1234 5678")] // no such country code
    [InlineData("12345")]
    public void Phone_InvalidNumber_IsKeptAsData_ButNeverAnIdentityKey(string raw)
    {
        // Before: any "+" and 6-15 digits was a key, so two people with the same mistyped number were merged.
        var phone = Normalizer.Phone(raw);

        Assert.Equal(raw, phone);
        Assert.Null(PhoneKey(phone));
    }

    [Theory]
    [InlineData("")]
    [InlineData("  ")]
    public void Phone_Blank_IsAbsent(string raw) => Assert.Null(Normalizer.Phone(raw));

    [Theory]
    [InlineData("n/a")]
    [InlineData("call me")]
    [InlineData("Ana Lima")]
    public void Phone_TextNotWrittenAsANumber_RejectsTheRow(string raw) =>
        Assert.Equal("not a phone number", Assert.Throws<FieldException>(() => Normalizer.Phone(raw)).Reason);

    [Fact]
    public void Phone_ControlCharactersOrOverlong_RejectTheRow()
    {
        Assert.Equal("phone", Assert.Throws<FieldException>(() => Normalizer.Phone("+44 20\u0007 7946 0000")).Field);
        Assert.Equal("phone", Assert.Throws<FieldException>(() => Normalizer.Phone("+44 " + new string('1', 60))).Field);
    }

    /// <summary>What libphonenumber itself says of a text: E.164 (with any extension) when valid, and whether it is a number at all.</summary>
    private static (string? Canonical, bool IsNumber) Oracle(string text, string? region)
    {
        var util = PhoneNumberUtil.GetInstance();
        try
        {
            var number = util.Parse(text, region?.ToUpperInvariant() ?? "ZZ");
            var e164 = util.Format(number, PhoneNumberFormat.E164);
            return (util.IsValidNumber(number) ? (number.Extension.Length > 0 ? $"{e164} ext. {number.Extension}" : e164) : null, true);
        }
        catch (NumberParseException e)
        {
            return (null, e.ErrorType != ErrorType.NOT_A_NUMBER);
        }
    }

    [Theory]
    [InlineData("\uFF0B44 20 7946 0000", null)] // a full-width plus
    [InlineData("tel:020-7946-0000;phone-context=+44", null)] // RFC 3966: the country code comes in a parameter
    [InlineData("tel:+44-20-7946-0000;ext=12", null)]
    [InlineData("\u0660\u0662\u0660 \u0667\u0669\u0664\u0666 \u0660\u0660\u0660\u0660", "GB")] // Arabic-Indic digits
    [InlineData("\u0660\u0662\u0660 \u0667\u0669\u0664\u0666 \u0660\u0660\u0660\u0660", null)]
    [InlineData("Tel. 020 7946 0000", null)]
    [InlineData("Tel. 020 7946 0000", "GB")]
    [InlineData("1", null)]
    [InlineData("1", "GB")]
    [InlineData("n/a", "GB")]
    [InlineData("ext. 12", null)]
    [InlineData("+", null)]
    [InlineData("+ n/a", null)]
    [InlineData("+999 1234 5678", "GB")]
    public void Canonical_TextParseWouldThrowFor_IsReadAsLibphonenumberReadsIt(string text, string? region) =>
        Assert.Equal(Oracle(text, region), (Phones.Canonical(text, region, out var isNumber), isNumber));

    [Theory]
    [InlineData('a', null)]
    [InlineData('a', "GB")]
    [InlineData('7', null)]
    public void Canonical_TextLongerThanLibphonenumberParses_IsReadAsLibphonenumberReadsIt(char fill, string? region)
    {
        var text = new string(fill, 300);

        Assert.Equal(Oracle(text, region), (Phones.Canonical(text, region, out var isNumber), isNumber));
    }

    [Fact]
    public void IdentityKeys_RecordStoredByTheOldNormaliser_BringsTheKeyOfTheRightNumber()
    {
        // The old normaliser kept the trunk 0 ("+4402079460000"). A record stored that way, written again, brings the
        // key of the real number; the key it wrote then is of no valid number and is never looked up again.
        Assert.Equal(PhoneKey("+442079460000"), PhoneKey("+4402079460000"));
    }

    [Theory]
    [InlineData("GB", true)]
    [InlineData("us", true)]
    [InlineData("UK", false)]
    [InlineData("GBR", false)]
    [InlineData("", false)]
    public void Validate_DefaultRegion_MustBeAKnownAlpha2Code(string region, bool valid)
    {
        var feed = new FeedDefinition { Id = "uni", Source = "Uni", Location = "x.csv", DefaultRegion = region };

        var errors = new FeedsDocument { Feeds = [feed] }.Validate();

        Assert.Equal(valid, !errors.Any(e => e.Contains("'defaultRegion' must be an ISO 3166-1 alpha-2 region code", StringComparison.Ordinal)));
        Assert.Equal(region == "UK", errors.Any(e => e.Contains("the United Kingdom is GB", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Csv_FeedWithDefaultRegion_ReadsNationalNumbers()
    {
        var feed = new FeedDefinition { Id = "uni", Source = "Uni", Location = "x.csv", DefaultRegion = "GB" };
        var rows = new List<FeedRow>();
        await foreach (var row in FeedParser.ParseAsync(new MemoryStream(Encoding.UTF8.GetBytes("email,phone\nana@uni.example,020 7946 0000\nbo@uni.example,+1 415 555 2671\n")), feed))
        {
            rows.Add(row);
        }

        Assert.Equal(["+442079460000", "+14155552671"], rows.Select(r => Assert.IsType<AcceptedRow>(r).Candidate.Phone));
    }

    [Fact]
    public void Fingerprint_WithoutDefaultRegion_LeavesItOutOfTheDefinition()
    {
        var feed = new FeedDefinition { Id = "uni", Source = "Uni", Location = "x.csv" };

        Assert.DoesNotContain("defaultRegion", System.Text.Json.JsonSerializer.Serialize(feed, DomainJson.Options), StringComparison.Ordinal);
        Assert.NotEqual(feed.Fingerprint(), (feed with { DefaultRegion = "GB" }).Fingerprint());
    }
}
