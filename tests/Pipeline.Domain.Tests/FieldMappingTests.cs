using System.Text;
using System.Text.Json;
using Pipeline.Domain.Candidates;
using Pipeline.Domain.Feeds;

namespace Pipeline.Domain.Tests;

/// <summary>A feed's mapping joining several columns or paths, or taking the first that has a value.</summary>
public class FieldMappingTests
{
    /// <summary>A feed as an administrator writes it in feeds.json.</summary>
    private static FeedDefinition Feed(string mapping, string format = "csv", string? extra = null) =>
        JsonSerializer.Deserialize<FeedDefinition>(
            $$"""{"id": "uni", "source": "Uni", "location": "x.{{format}}", "format": "{{format}}", "mapping": {{mapping}}{{extra}} }""", DomainJson.Options)!;

    private static async Task<List<FeedRow>> ParseAsync(FeedDefinition feed, string text)
    {
        var rows = new List<FeedRow>();
        await foreach (var row in FeedParser.ParseAsync(new MemoryStream(Encoding.UTF8.GetBytes(text)), feed))
        {
            rows.Add(row);
        }

        return rows;
    }

    private static CandidateRecord[] Accepted(List<FeedRow> rows) => rows.Select(r => Assert.IsType<AcceptedRow>(r).Candidate).ToArray();

    [Fact]
    public async Task Csv_FirstAndLastNameColumns_AreJoinedIntoTheName_EmptyPartsSkipped()
    {
        // Before: a mapping took one column per field, so a "First Name"/"Last Name" export lost its names.
        var feed = Feed("""{ "email": "Email", "name": ["First Name", "Last Name"] }""");

        var people = Accepted(await ParseAsync(feed, "Email,First Name,Last Name\nana@uni.example,Ana, Lima \nbo@uni.example,,Okafor\ncy@uni.example,,\n"));

        Assert.Equal(["Ana Lima", "Okafor", null], people.Select(p => p.Name));
    }

    [Fact]
    public async Task Csv_FirstOf_TakesTheFirstColumnThatHasAValue()
    {
        var feed = Feed("""{ "email": { "firstOf": ["Work Email", "Personal Email"] }, "phone": { "firstOf": ["Mobile", "Home"] } }""");

        var people = Accepted(await ParseAsync(feed, "Work Email,Personal Email,Mobile,Home\n,ana@mail.example,,+44 20 7946 0001\nbo@uni.example,bo@mail.example,+44 7911 123456,+44 20 7946 0002\n"));

        Assert.Equal(["ana@mail.example", "bo@uni.example"], people.Select(p => p.Email));
        Assert.Equal(["+442079460001", "+447911123456"], people.Select(p => p.Phone));
    }

    [Fact]
    public async Task Csv_JoinedListColumns_GiveOneListAfterAnother()
    {
        var feed = Feed("""{ "skills": ["Skills", "Tools"], "certifications": ["Cert 1", "Cert 2"] }""");

        var person = Assert.Single(Accepted(await ParseAsync(feed, "email,Skills,Tools,Cert 1,Cert 2\nana@uni.example,python; sql,docker,CKA,\n")));

        Assert.Equal(["Python", "SQL", "Docker"], person.Skills);
        Assert.Equal(["CKA"], person.Certifications.Select(c => c.Name));
    }

    [Fact]
    public async Task Csv_HeaderWithoutAJoinedColumn_FailsNamingThatColumn()
    {
        var feed = Feed("""{ "name": ["First Name", "Last Name"] }""");

        var e = await Assert.ThrowsAsync<FeedFormatException>(() => ParseAsync(feed, "email,First Name,Surname\nana@uni.example,Ana,Lima\n"));

        Assert.Contains("no column 'Last Name' for field 'name'", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("Surname", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("ndjson")]
    [InlineData("json")]
    public async Task Json_JoinAndFirstOf_ReadDottedPaths(string format)
    {
        var feed = Feed("""
            { "name": ["name.given", "name.family"], "email": { "firstOf": ["contact.work", "contact.home"] },
              "skills": ["skills", "tools"], "phone": { "firstOf": ["phones.0", "phone"] } }
            """, format);
        string[] records =
        [
            """{"name": {"given": "Ana", "family": "Lima"}, "contact": {"work": "", "home": "ana@mail.example"}, "skills": ["python"], "tools": "docker; sql", "phones": [], "phone": "+44 20 7946 0001"}""",
            """{"name": {"family": "Okafor"}, "contact": {"work": "bo@uni.example"}, "tools": ["kubernetes"], "phones": ["+1 415 555 2671"]}""",
        ];
        var text = format == "ndjson" ? string.Join('\n', records) : "[" + string.Join(',', records) + "]";

        var people = Accepted(await ParseAsync(feed, text));

        Assert.Equal(["Ana Lima", "Okafor"], people.Select(p => p.Name));
        Assert.Equal(["ana@mail.example", "bo@uni.example"], people.Select(p => p.Email));
        Assert.Equal(["Python", "Docker", "SQL"], people[0].Skills);
        Assert.Equal(["Kubernetes"], people[1].Skills);
        Assert.Equal(["+442079460001", "+14155552671"], people.Select(p => p.Phone));
    }

    [Theory]
    [InlineData("""{ "name": [] }""", "'mapping.name' names no column")]
    [InlineData("""{ "name": { "firstOf": [] } }""", "'mapping.name' names no column")]
    [InlineData("""{ "name": ["First Name", " "] }""", "'mapping.name' names an empty column")]
    [InlineData("""{ "email": ["Work Email", "Home Email"] }""", "'mapping.email' cannot join several into one email; use {\"firstOf\": [...]}")]
    [InlineData("""{ "graduationDate": ["Year", "Month"] }""", "'mapping.graduationDate' cannot join")]
    public void Validate_UnusableMapping_IsRefusedNamingTheField(string mapping, string expected)
    {
        var errors = new FeedsDocument { Feeds = [Feed(mapping)] }.Validate();

        Assert.Contains(errors, e => e.StartsWith("feed 'uni': ", StringComparison.Ordinal) && e.Contains(expected, StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_MappingOnAJsonResumeFeed_IsRefused_NotLeftUnread()
    {
        var errors = new FeedsDocument { Feeds = [Feed("""{ "name": ["basics.label"] }""", format: "jsonResume")] }.Validate();
        var unmapped = new FeedsDocument { Feeds = [Feed("{}", format: "jsonResume")] }.Validate();

        Assert.Contains(errors, e => e.StartsWith("feed 'uni': 'mapping' applies to csv, json and ndjson feeds", StringComparison.Ordinal));
        Assert.DoesNotContain(unmapped, e => e.Contains("'mapping'", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("""{"name": 3}""")]
    [InlineData("""{"name": [1, 2]}""")]
    [InlineData("""{"name": {"join": ["a", "b"]}}""")]
    [InlineData("""{"name": {"firstOf": ["a"], "then": "b"}}""")]
    public void Read_MappingOfAnotherShape_IsRefused(string mapping) =>
        Assert.Throws<JsonException>(() => Feed(mapping));

    [Fact]
    public void Write_EachShape_ReadsBackTheSame_AndASingleColumnStaysText()
    {
        var feed = Feed("""{ "email": "Student Email", "name": ["First", "Last"], "phone": { "firstOf": ["Mobile", "Home"] } }""");

        var json = JsonSerializer.Serialize(feed.Mapping, DomainJson.Options);

        // A single column is written as before the join existed, so a feed's fingerprint is that of its old definition.
        Assert.Equal("""{"email":"Student Email","name":["First","Last"],"phone":{"firstOf":["Mobile","Home"]}}""", json);
        Assert.Equal(
            [(FieldMappingKind.Single, "'Student Email'"), (FieldMappingKind.Join, "'First' + 'Last'"), (FieldMappingKind.FirstOf, "first of 'Mobile', 'Home'")],
            feed.Mapping.Values.Select(m => (m.Kind, m.ToString())));
    }
}
