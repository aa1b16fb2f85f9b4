using System.Text;
using System.Text.Json;
using Pipeline.Core.Configuration;
using Pipeline.Domain;
using Pipeline.Domain.Certifications;
using Pipeline.Domain.Feeds;
using Pipeline.Domain.Requisitions;

namespace Pipeline.Core.Tests.Configuration;

/// <summary>
/// The fast reader takes only documents the strict reader takes without a problem, and reads them the same. Every
/// test that reads configuration checks the second half (the switch set for the test projects); these check that the
/// shipped documents take the fast way at all, and that what only the strict reader may judge is left to it.
/// </summary>
public sealed class ConfigFastReaderTests
{
    private static readonly string Root = Pipeline.Testing.Repository.Root;

    [Fact]
    public void The_test_projects_read_every_document_with_both_readers()
    {
        Assert.True(AppContext.TryGetSwitch("Pipeline.Configuration.VerifyFastReader", out var on) && on);
    }

    [Theory]
    [InlineData("samples/feeds.json")]
    [InlineData("samples/requisitions.json")]
    [InlineData("catalogue/certifications.json")]
    public void The_shipped_documents_take_the_fast_way_and_read_as_the_strict_reader_reads_them(string file)
    {
        var path = Path.Combine(Root, file);
        var bytes = File.ReadAllBytes(path);
        var (fast, strict) = file switch
        {
            "samples/feeds.json" => (Json(ConfigFastReader.TryRead<FeedsDocument>(bytes)), Json(Strict<FeedsDocument>(path))),
            "samples/requisitions.json" => (Json(ConfigFastReader.TryRead<RequisitionsDocument>(bytes)), Json(Strict<RequisitionsDocument>(path))),
            _ => (Json(ConfigFastReader.TryRead<CertificationCatalogue>(bytes)), Json(Strict<CertificationCatalogue>(path))),
        };

        Assert.NotEqual("null", fast);
        Assert.Equal(strict, fast);
    }

    [Fact]
    public void A_feed_with_every_setting_reads_as_the_strict_reader_reads_it()
    {
        const string json = """
            // comments and trailing commas are allowed
            { "feeds": [ {
                "id": "f", "kind": "bootcamp", "source": "S", "format": "JsonResume", "location": "https://feeds.example/x",
                "auth": { "type": "oAuth2ClientCredentials", "header": "X-Key", "username": "u", "secret": "S", "tokenUrl": "https://t.example", "clientId": "c", "scope": "s" },
                "maxBytes": 1024, "timeoutSeconds": 7, "pageSize": 3,
                "mapping": { "name": ["First", "Last"], "phone": { "firstOf": ["Mobile", "Home"] }, "email": "Mail" },
                "defaultRegion": "GB", "delimiter": ";", "encoding": "windows-1252", "enabled": false, "schedule": "0 0 1 * * *",
                "recordsPath": "data.items", "pagination": { "nextPath": "next", "cursorParameter": "cursor" }, "incremental": { "parameter": "since" },
            }, ] }
            """;

        Assert.Equal(Json(StrictFrom<FeedsDocument>(json)), Json(ConfigFastReader.TryRead<FeedsDocument>(Encoding.UTF8.GetBytes(json))));
    }

    [Fact]
    public void A_requisition_with_every_setting_reads_as_the_strict_reader_reads_it()
    {
        const string json = """
            { "requisitions": [ {
                "id": "r", "title": "T", "status": "closed", "hiringManager": { "email": "hm@example.com", "name": "Raman, Priya" },
                "recruiters": ["rec@example.com"], "requiredSkills": ["PyTorch", { "name": "SQL", "weight": 3 }], "preferredSkills": [{ "name": "Go" }],
                "certifications": [{ "id": "c", "required": true, "acceptSuccessors": false, "verifiedOnly": true, "weight": 2.5 }],
                "domainKnowledge": [{ "name": "imaging", "keywords": ["dicom"], "required": true, "weight": 1 }],
                "location": { "mode": "HYBRID", "places": ["Boston"], "required": true, "weight": 1 },
                "availability": { "start": "2027-01-04", "durationMonths": 6, "required": true, "weight": 1 },
                "clearance": { "level": "secret", "required": false, "weight": 0.5 },
                "shortlistSize": 3, "minimumScore": 0.25, "blindMode": false, "delegates": [{ "email": "d@example.com" }],
                "reminderDays": 0, "escalationDays": 9
            } ] }
            """;

        Assert.Equal(Json(StrictFrom<RequisitionsDocument>(json)), Json(ConfigFastReader.TryRead<RequisitionsDocument>(Encoding.UTF8.GetBytes(json))));
    }

    [Theory]
    [InlineData("""{ "feeds": [ { "id": "f", "source": "S", "location": "f.csv", "pagesize": 5 } ] }""")] // a key in the wrong case
    [InlineData("""{ "feeds": [ { "id": "f", "source": "S", "location": "f.csv", "color": 5 } ] }""")] // an unknown key
    [InlineData("""{ "feeds": [ { "id": "f", "source": "S", "location": "f.csv", "pageSize": "5" } ] }""")] // a number as text
    [InlineData("""{ "feeds": [ { "id": "f", "source": "S", "location": "f.csv", "pageSize": 5.5 } ] }""")]
    [InlineData("""{ "feeds": [ { "id": "f", "source": "S", "location": "f.csv", "format": 1 } ] }""")] // a member by number
    [InlineData("""{ "feeds": [ { "id": "f", "source": "S", "location": "f.csv", "format": "1" } ] }""")]
    [InlineData("""{ "feeds": [ { "id": "f", "source": "S", "location": "f.csv", "format": "csv, json" } ] }""")]
    [InlineData("""{ "feeds": [ { "id": "f", "source": "S", "location": "f.csv", "delimiter": ";;" } ] }""")]
    [InlineData("""{ "feeds": [ { "id": "f", "source": "S", "location": "f.csv", "enabled": "true" } ] }""")]
    [InlineData("""{ "feeds": [ { "id": "f", "source": "S", "location": "f.csv", "auth": null } ] }""")] // a null
    [InlineData("""{ "feeds": [ { "id": "f", "source": "S" } ] }""")] // a required setting missing
    [InlineData("""{ "feeds": [ { "id": "f", "source": "S", "location": "f.csv", "id": "g" } ] }""")] // a key twice
    [InlineData("""{ "feeds": [ { "id": "f", "source": "S", "location": "f.csv", "mapping": { "name": { "firstOf": ["A"], "x": 1 } } } ] }""")]
    [InlineData("""{ "feeds": [ { "id": "f", "source": "S", "location": "f.csv", "mapping": { "name": [1] } } ] }""")]
    [InlineData("""{ "feeds": { } }""")]
    [InlineData("""{ "feeds": [ ] } trailing""")]
    public void A_feed_document_with_anything_to_judge_is_left_to_the_strict_reader(string json) =>
        Assert.Null(ConfigFastReader.TryRead<FeedsDocument>(Encoding.UTF8.GetBytes(json)));

    [Theory]
    [InlineData("""{ "requisitions": [ { "id": "r", "title": "T" } ] }""")] // no hiring manager
    [InlineData("""{ "requisitions": [ { "id": "r", "title": "T", "hiringManager": { "email": "a@b.c" }, "availability": { "start": "2027-01-04T00:00:00" } } ] }""")]
    [InlineData("""{ "requisitions": [ { "id": "r", "title": "T", "hiringManager": { "email": "a@b.c" }, "requiredSkills": [{ "name": "Go", "level": 3 }] } ] }""")]
    [InlineData("""{ "requisitions": [ { "id": "r", "title": "T", "hiringManager": { "email": "a@b.c" }, "shortlistSize": 3000000000 } ] }""")]
    public void A_requisitions_document_with_anything_to_judge_is_left_to_the_strict_reader(string json) =>
        Assert.Null(ConfigFastReader.TryRead<RequisitionsDocument>(Encoding.UTF8.GetBytes(json)));

    private static T? Strict<T>(string path)
        where T : class
    {
        var problems = new List<string>();
        var document = ConfigFile.Read<T>(path, Path.GetFileName(path), problems);
        Assert.Empty(problems);
        return document;
    }

    private static T? StrictFrom<T>(string json)
        where T : class
    {
        var path = Path.Combine(Directory.CreateTempSubdirectory("fast-reader-").FullName, "doc.json");
        File.WriteAllText(path, json);
        try
        {
            return Strict<T>(path);
        }
        finally
        {
            Directory.Delete(Path.GetDirectoryName(path)!, recursive: true);
        }
    }

    private static string Json<T>(T value) => JsonSerializer.Serialize(value, DomainJson.Options);
}
