using System.Text;
using Pipeline.Domain.Candidates;
using Pipeline.Domain.Feeds;

namespace Pipeline.Domain.Tests;

/// <summary>The NDJSON mapping read straight from the token stream: the edges a per-line document used to handle for us.</summary>
public class NdjsonMappingTests
{
    private static FeedDefinition Feed(Dictionary<string, string>? mapping = null) => new()
    {
        Id = "nd", Source = "S", Location = "x.ndjson", Format = FeedFormat.Ndjson, Mapping = mapping?.ToDictionary(p => p.Key, p => (FieldMapping)p.Value) ?? [],
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

    private static async Task<CandidateRecord> OneAsync(string line, Dictionary<string, string>? mapping = null) =>
        Assert.IsType<AcceptedRow>(Assert.Single(await ParseAsync(line + "\n", Feed(mapping)))).Candidate;

    [Fact]
    public async Task JoinedAndFirstOfMappings_ReadEveryPathInTheSamePass_AsForJsonArrays()
    {
        var feed = Feed() with
        {
            Mapping = new Dictionary<string, FieldMapping>
            {
                ["name"] = FieldMapping.Join("first", "last"),
                ["phone"] = FieldMapping.FirstOf("contact.mobile", "contact.phone"),
                ["skills"] = FieldMapping.Join("skills", "tools"),
                ["certifications"] = FieldMapping.FirstOf("certs", "badges"),
            },
        };
        var line = """{"email":"a@x.example","first":" Priya ","last":"Raman","contact":{"mobile":"  ","phone":"+1 617 555 0123"},"skills":["PyTorch"],"tools":"SQL; Docker","certs":[],"badges":[{"name":"CKAD","issuer":"The Linux Foundation"}]}""";

        var ndjson = Assert.IsType<AcceptedRow>(Assert.Single(await ParseAsync(line + "\n", feed))).Candidate;
        var array = Assert.IsType<AcceptedRow>(Assert.Single(await ParseAsync("[" + line + "]", feed with { Format = FeedFormat.Json }))).Candidate;

        Assert.Equal("Priya Raman", ndjson.Name);
        Assert.Equal("+16175550123", ndjson.Phone);
        Assert.Equal(["PyTorch", "SQL", "Docker"], ndjson.Skills);
        Assert.Equal("CKAD", Assert.Single(ndjson.Certifications).Name);
        Assert.Equivalent(array, ndjson, strict: true);
    }

    [Fact]
    public async Task EscapedStringsAndPropertyNames_AreUnescaped()
    {
        var candidate = await OneAsync("""{"em\u0061il":"zo\u00eb@x.example","name":"Zo\u00eb \"Z\" M\u00fcller","skills":["Py\u0054orch"]}""");

        Assert.Equal("zoë@x.example", candidate.Email);
        Assert.Equal("Zoë \"Z\" Müller", candidate.Name);
        Assert.Equal(["PyTorch"], candidate.Skills);
    }

    [Fact]
    public async Task NestedObjectsAndArraysNotMapped_AreSkipped_TheirLookalikeNamesIgnored()
    {
        var candidate = await OneAsync("""{"meta":{"email":"wrong@x.example","name":{"deep":[1,{"phone":"+1 555 0000 111"}]}},"email":"right@x.example","tags":[{"name":"x"},[["y"]]],"name":"Ana"}""");

        Assert.Equal("right@x.example", candidate.Email);
        Assert.Equal("Ana", candidate.Name);
        Assert.Null(candidate.Phone);
    }

    [Fact]
    public async Task DuplicateProperties_TheLastWins_AndReplacesWhatWasInsideTheFirst()
    {
        var mapping = new Dictionary<string, string> { ["email"] = "contact.email", ["name"] = "contact.name" };

        var candidate = await OneAsync("""{"contact":{"email":"first@x.example","name":"First"},"contact":{"email":"second@x.example"}}""", mapping);

        Assert.Equal("second@x.example", candidate.Email);
        Assert.Null(candidate.Name); // the second "contact" has no name; the first one's is gone with it
        Assert.Equal("b@x.example", (await OneAsync("""{"email":"a@x.example","email":"b@x.example"}""")).Email);
    }

    [Fact]
    public async Task NumbersAndBooleansWhereTextIsExpected_AreReadAsTheirText_ObjectsAreRejectedNamingThePath()
    {
        var candidate = await OneAsync("""{"email":"a@x.example","phone":16175550123,"clearance":true,"graduationDate":2026}""");
        Assert.Equal(("16175550123", "true", new DateOnly(2026, 1, 1)), (candidate.Phone, candidate.Clearance, candidate.GraduationDate));

        var rows = await ParseAsync("""{"email":"a@x.example","contact":{"phone":["+1 617 555 0123"]}}""" + "\n", Feed(new() { ["phone"] = "contact.phone" }));
        var rejected = Assert.IsType<RejectedRow>(Assert.Single(rows));
        Assert.Equal("phone", rejected.Field);
        Assert.Equal("expected text at 'contact.phone', found a JSON Array", rejected.Reason);
    }

    [Fact]
    public async Task ArrayIndexesAndNumericPropertyNames_FollowThePath()
    {
        var mapping = new Dictionary<string, string> { ["email"] = "emails.1", ["name"] = "names.0" };

        var candidate = await OneAsync("""{"emails":["old@x.example","new@x.example"],"names":{"0":"Ana"}}""", mapping);

        Assert.Equal(("new@x.example", "Ana"), (candidate.Email, candidate.Name));
        var rejected = Assert.IsType<RejectedRow>(Assert.Single(await ParseAsync("""{"emails":["only@x.example"]}""" + "\n", Feed(mapping))));
        Assert.Equal("missing email", rejected.Reason);
    }

    [Fact]
    public async Task ATruncatedLastLine_IsRejected_AndItsEndIsTheEndOfTheFile()
    {
        var text = "{\"email\":\"a@x.example\"}\n{\"email\":\"b@x.exa";

        var rows = await ParseAsync(text, Feed());

        Assert.IsType<AcceptedRow>(rows[0]);
        var rejected = Assert.IsType<RejectedRow>(rows[1]);
        Assert.Equal((2L, "row"), (rejected.Position, rejected.Field));
        Assert.StartsWith("not valid JSON at byte", rejected.Reason, StringComparison.Ordinal);
        Assert.DoesNotContain("b@x", rejected.Reason, StringComparison.Ordinal);
        Assert.Equal("{\"email\":\"b@x.exa", rejected.Excerpt);
        Assert.Equal(new FeedCheckpoint(Encoding.UTF8.GetByteCount(text), 3), rejected.Next);
    }

    [Theory]
    [InlineData("{\"email\":\"a@x.example\"} {\"email\":\"b@x.example\"}")]
    [InlineData("{\"email\":\"a@x.example\",}")]
    [InlineData("{\"email\":\"a@x.example\"}]")]
    public async Task ALineThatIsNotExactlyOneJsonValue_IsRejected(string line)
    {
        var rejected = Assert.IsType<RejectedRow>(Assert.Single(await ParseAsync(line + "\n", Feed())));

        Assert.StartsWith("not valid JSON at byte", rejected.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("\"a@x.example\"", "String")]
    [InlineData("42", "Number")]
    [InlineData("null", "Null")]
    [InlineData("[{\"email\":\"a@x.example\"}]", "Array")]
    public async Task ALineThatIsNotAnObject_IsRejectedNamingWhatItIs(string line, string kind)
    {
        var rejected = Assert.IsType<RejectedRow>(Assert.Single(await ParseAsync(line + "\n", Feed())));

        Assert.Equal($"expected a JSON object, found a JSON {kind}", rejected.Reason);
        Assert.Equal(line, rejected.Excerpt);
    }

    [Fact]
    public async Task CertificationsAsAnArrayOfNames_AreAccepted()
    {
        // Fails on the code before: the names were also read as text, and an array is not text.
        var candidate = await OneAsync("""{"email":"a@x.example","certifications":["AWS Certified Machine Learning Engineer – Associate","CKA"]}""");

        Assert.Equal(["AWS Certified Machine Learning Engineer – Associate", "CKA"], candidate.Certifications.Select(c => c.Name));
    }

    [Fact]
    public async Task CertificationObjects_DuplicateAndNonStringPropertiesFollowTheLastValue()
    {
        var candidate = await OneAsync("""{"email":"a@x.example","certifications":["loose name",{"name":"CKA","issuer":7,"url":"https://x.example/a","url":"https://x.example/b","date":"2025-03"}]}""");

        var certification = Assert.Single(candidate.Certifications);
        Assert.Equal(("CKA", null, "https://x.example/b", new DateOnly(2025, 3, 1)), (certification.Name, certification.Issuer, certification.Url, certification.Date));
    }
}
