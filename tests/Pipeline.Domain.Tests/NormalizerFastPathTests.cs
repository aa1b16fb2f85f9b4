using System.Globalization;
using Pipeline.Domain.Candidates;

namespace Pipeline.Domain.Tests;

/// <summary>The per-row fast paths give exactly what the general code they stand in front of gives.</summary>
public class NormalizerFastPathTests
{
    [Theory]
    [InlineData("a@b.co")]
    [InlineData("first.last+tag@students.example.edu")]
    [InlineData("a@b")]
    [InlineData("@b.co")]
    [InlineData("a@@b.co")]
    [InlineData("a b@c.co")]
    [InlineData("a\u00a0b@c.co")]
    [InlineData("a<b@c.co")]
    [InlineData("\"a\"@c.co")]
    [InlineData("a\\b@c.co")]
    [InlineData("a@-b.co")]
    [InlineData("a@b-.co")]
    [InlineData("a@b..co")]
    [InlineData("a@b.co.")]
    [InlineData("a@.b.co")]
    [InlineData("a@b_c.co")]
    [InlineData("a@bü.co")]
    [InlineData("zoë@b.co")]
    [InlineData("a@x-y.z-1.co")]
    [InlineData("a@b.c0")]
    public void EmailShape_AgreesWithThePattern(string email)
    {
        Assert.Equal(Normalizer.EmailPattern().IsMatch(email), Normalizer.IsEmailShape(email));
    }

    [Fact]
    public void EmailShape_AgreesWithThePattern_OnLabelLengths()
    {
        foreach (var length in new[] { 1, 2, 62, 63, 64 })
        {
            var email = $"a@{new string('x', length)}.co";
            Assert.Equal(Normalizer.EmailPattern().IsMatch(email), Normalizer.IsEmailShape(email));
        }
    }

    [Theory]
    [InlineData("https://www.linkedin.com/in/candidate-12")]
    [InlineData("https://example.com")]
    [InlineData("http://example.com/a/b_c~d.e")]
    [InlineData("https://Example.com/a")]
    [InlineData("HTTPS://example.com/a")]
    [InlineData("https://example.com:443/a")]
    [InlineData("https://example.com/a/../b")]
    [InlineData("https://example.com/a/./b")]
    [InlineData("https://example.com/a.")]
    [InlineData("https://example.com//a")]
    [InlineData("https://example.com/a%2Fb")]
    [InlineData("https://example.com/a b")]
    [InlineData("https://example.com/a?q=1")]
    [InlineData("https://example.com/a#x")]
    [InlineData("https://xn--bcher-kva.example/")]
    [InlineData("https://bücher.example/")]
    [InlineData("https://0x7f.1/")]
    [InlineData("https://127.0.0.1/a")]
    [InlineData("https://localhost/a")]
    [InlineData("https://user@example.com/a")]
    [InlineData("https://example.com./a")]
    [InlineData("https://1password.com/a")]
    public void Url_IsWhatUriGives(string url)
    {
        var expected = Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.Scheme is "https" or "http" ? uri.AbsoluteUri : null;

        if (expected is null)
        {
            Assert.Throws<FieldException>(() => Normalizer.Url(url, "profileUrl"));
        }
        else
        {
            Assert.Equal(expected, Normalizer.Url(url, "profileUrl"));
        }

        if (Normalizer.PlainUrl(url) is { } plain)
        {
            Assert.Equal(expected, plain);
        }
    }

    [Theory]
    [InlineData("2026")]
    [InlineData("2026-05")]
    [InlineData("2026-05-31")]
    [InlineData("2024-02-29")]
    [InlineData("2025-02-29")]
    [InlineData("2026-13")]
    [InlineData("2026-00")]
    [InlineData("2026-5")]
    [InlineData("1949")]
    [InlineData("2101-01-01")]
    [InlineData("2026/05/31")]
    [InlineData("2026-05-3１")]
    [InlineData("２０２６")]
    public void Date_IsWhatTheGeneralParserGives(string text)
    {
        string[] formats = ["yyyy-MM-dd", "yyyy-MM", "yyyy", "yyyy/MM/dd", "yyyy/MM"];
        DateOnly? expected = DateOnly.TryParseExact(text, formats, CultureInfo.InvariantCulture, DateTimeStyles.None, out var d) && d.Year is >= 1950 and <= 2100 ? d : null;

        DateOnly? actual;
        try
        {
            actual = Normalizer.Date(text, "graduationDate");
        }
        catch (FieldException)
        {
            actual = null;
        }

        Assert.Equal(expected, actual);
    }

    [Fact]
    public void Email_MissingOrMalformed_IsReportedWithoutThrowing()
    {
        Assert.Equal("missing email", Normalizer.TryEmail("  ", out _)?.Reason);
        Assert.Equal("not a valid email address", Normalizer.TryEmail("a@b", out _)?.Reason);
        Assert.Null(Normalizer.TryEmail(" A@B.example ", out var email));
        Assert.Equal("a@b.example", email);
    }
}
