using System.Text;
using Pipeline.Domain.Feeds;

namespace Pipeline.Domain.Tests;

public class JsonRecordsFeedParserTests
{
    private static readonly FeedDefinition JsonFeed = new()
    {
        Id = "api", Source = "Careers API", Location = "x.json", Format = FeedFormat.Json,
        Mapping = new Dictionary<string, FieldMapping>
        {
            ["email"] = "contact.emails.0",
            ["name"] = "profile.fullName",
            ["graduationDate"] = "education.graduation",
            ["skills"] = "profile.skills",
            ["certifications"] = "credentials",
        },
    };

    private static async Task<List<FeedRow>> ParseAsync(string text, FeedDefinition feed)
    {
        var rows = new List<FeedRow>();
        await foreach (var row in FeedParser.ParseAsync(new MemoryStream(Encoding.UTF8.GetBytes(text)), feed))
        {
            rows.Add(row);
        }

        return rows;
    }

    [Theory]
    [InlineData("zoe@uni.example,Zoe Quinn\n")]
    [InlineData("Zoe Quinn <zoe@uni.example>\n")]
    public async Task Json_DocumentThatIsNotJson_FailsWithoutQuotingIt(string text)
    {
        var e = await Assert.ThrowsAsync<FeedFormatException>(() => ParseAsync(text, JsonFeed));

        Assert.Contains("does not start with '[' or '{'", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("'z'", e.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Theory]
    [InlineData("[ { \"contact\": { \"emails\": [ \"zoe@uni.example\" ] }, \"profile\": { \"fullName\": \"Zoe Quinn\" } }, { \"contact\": ")]
    [InlineData("[ { \"contact\": { \"emails\": [ \"zoe@uni.example\" ] } }, { \"name\": Zoe Quinn } ]")]
    public async Task Json_MalformedDocument_ReasonsNeverQuoteContent(string text)
    {
        var rows = await ParseAsync(text, JsonFeed);

        // Quarantined rows keep an excerpt for whoever fixes the feed; the reason, which goes to logs and run records, never does.
        foreach (var row in rows.OfType<RejectedRow>())
        {
            Assert.DoesNotContain("zoe", row.Reason, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("Quinn", row.Reason, StringComparison.Ordinal);
        }

        Assert.NotEmpty(rows.OfType<RejectedRow>());
    }

    [Fact]
    public async Task Json_NestedRecordsWithDottedPaths_AreMapped()
    {
        const string json = """
            [ { "contact": { "emails": [ "Wei.Zhang@Uni.example", "old@uni.example" ] },
                "profile": { "fullName": "Wei Zhang", "skills": [ "torch", { "name": "k8s" } ] },
                "education": { "graduation": "2026-12" },
                "credentials": [ { "name": "Google Cloud Professional Machine Learning Engineer", "url": "https://www.credly.com/badges/x", "date": "2026-01-15" } ] } ]
            """;

        var candidate = Assert.IsType<AcceptedRow>(Assert.Single(await ParseAsync(json, JsonFeed))).Candidate;

        Assert.Equal("wei.zhang@uni.example", candidate.Email);
        Assert.Equal("Wei Zhang", candidate.Name);
        Assert.Equal(["PyTorch", "Kubernetes"], candidate.Skills);
        Assert.Equal(new DateOnly(2026, 12, 1), candidate.GraduationDate);
        var certification = Assert.Single(candidate.Certifications);
        Assert.Equal("https://www.credly.com/badges/x", certification.Url);
        Assert.Equal(new DateOnly(2026, 1, 15), certification.Date);
    }

    [Fact]
    public async Task Json_WrongTypeAtAPath_IsRejectedNamingThePath()
    {
        var rows = await ParseAsync("""[ { "contact": { "emails": [ "a@b.example" ] }, "profile": { "fullName": { "first": "A" } } } ]""", JsonFeed);
        var rejected = Assert.IsType<RejectedRow>(Assert.Single(rows));
        Assert.Equal("name", rejected.Field);
        Assert.Contains("'profile.fullName'", rejected.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Ndjson_BadLinesAreRejectedWithTheirLineNumbers_GoodOnesAccepted()
    {
        var feed = new FeedDefinition { Id = "nd", Source = "Camp", Location = "x.ndjson", Format = FeedFormat.Ndjson };
        var text = "{\"email\":\"a@x.example\",\"skills\":\"PyTorch; SQL\"}\n\n{\"email\": broken\n[1,2]\n{\"email\":\"A@X.example\"}\n{\"email\":\"b@x.example\"}\n";

        var rows = await ParseAsync(text, feed);

        Assert.Equal(["PyTorch", "SQL"], Assert.IsType<AcceptedRow>(rows[0]).Candidate.Skills);
        Assert.Equal((3L, "not valid JSON"), (rows[1].Position, ((RejectedRow)rows[1]).Reason[..14]));
        Assert.Contains("JSON Array", ((RejectedRow)rows[2]).Reason, StringComparison.Ordinal);
        Assert.Contains("duplicate of record 1", ((RejectedRow)rows[3]).Reason, StringComparison.Ordinal);
        Assert.Equal(6, Assert.IsType<AcceptedRow>(rows[4]).Position);
    }

    [Fact]
    public async Task Csv_Windows1252Feed_IsDecodedWhenDeclared()
    {
        var feed = new FeedDefinition { Id = "old", Source = "Old export", Location = "x.csv", Format = FeedFormat.Csv, Encoding = "windows-1252" };
        var bytes = CodePagesEncodingProvider.Instance.GetEncoding(1252)!.GetBytes("email,name\nzoe@x.example,Zoë Müller\n");

        var rows = new List<FeedRow>();
        await foreach (var row in FeedParser.ParseAsync(new MemoryStream(bytes), feed))
        {
            rows.Add(row);
        }

        Assert.Equal("Zoë Müller", Assert.IsType<AcceptedRow>(Assert.Single(rows)).Candidate.Name);
    }

    [Fact]
    public async Task Csv_InvalidUtf8_RejectsThatRowAndKeepsTheOthers()
    {
        var feed = new FeedDefinition { Id = "bad", Source = "S", Location = "x.csv", Format = FeedFormat.Csv };
        var bytes = Encoding.ASCII.GetBytes("email,name\na@x.example,Ana\nb@x.example,Bo")
            .Concat(new byte[] { 0xC3, 0x28 })
            .Concat(Encoding.UTF8.GetBytes("\nc@x.example,Zoë\n"))
            .ToArray();

        var rows = new List<FeedRow>();
        await foreach (var row in FeedParser.ParseAsync(new MemoryStream(bytes), feed))
        {
            rows.Add(row);
        }

        Assert.Equal([2L, 4L], rows.OfType<AcceptedRow>().Select(r => r.Position));
        Assert.Equal("Zoë", rows.OfType<AcceptedRow>().Last().Candidate.Name);
        var rejected = Assert.Single(rows.OfType<RejectedRow>());
        Assert.Equal(3, rejected.Position);
        Assert.Contains("not valid UTF-8", rejected.Reason);
        Assert.Contains("windows-1252", rejected.Reason);
        Assert.DoesNotContain(Utf8Escaping.StandIn, rejected.Excerpt!);
        Assert.Contains('\uFFFD', rejected.Excerpt!);
    }

    [Fact]
    public async Task Ndjson_InvalidUtf8Line_IsRejectedAndTheOthersKept()
    {
        var feed = new FeedDefinition { Id = "nd", Source = "S", Location = "x.ndjson", Format = FeedFormat.Ndjson };
        var bytes = Encoding.UTF8.GetBytes("{\"email\":\"a@x.example\"}\n{\"email\":\"b@x.example\",\"name\":\"")
            .Concat(new byte[] { 0xFF, 0xFE })
            .Concat(Encoding.UTF8.GetBytes("\"}\n{\"email\":\"c@x.example\"}\n"))
            .ToArray();

        var rows = new List<FeedRow>();
        await foreach (var row in FeedParser.ParseAsync(new MemoryStream(bytes), feed))
        {
            rows.Add(row);
        }

        Assert.Equal([1L, 3L], rows.OfType<AcceptedRow>().Select(r => r.Position));
        Assert.Contains("not valid UTF-8", Assert.Single(rows.OfType<RejectedRow>()).Reason);
    }
}
