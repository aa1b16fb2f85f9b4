using System.Text.Json;
using Pipeline.Core.Configuration;
using Pipeline.Domain;
using Pipeline.Domain.Certifications;
using Pipeline.Domain.Feeds;
using Pipeline.Domain.Requisitions;

namespace Pipeline.Core.Tests.Configuration;

/// <summary>
/// The configuration documents are read with contracts generated at build time, which set every init-only property
/// the file leaves out to its type's default (dotnet/runtime#84484). What a file may leave out must come out as the
/// same entry built in code: the defaults live in the constructors, and this holds every one of them there.
/// </summary>
public sealed class ConfigDefaultsTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("config-defaults-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void A_feed_that_says_only_what_it_must_reads_as_the_same_feed_built_in_code()
    {
        var read = Read<FeedsDocument>("""
            { "feeds": [ { "id": "f", "source": "S", "location": "f.csv", "auth": { "type": "ApiKey", "secret": "K" } } ] }
            """);

        var built = new FeedsDocument([new FeedDefinition { Id = "f", Source = "S", Location = "f.csv", Auth = new FeedAuth { Type = FeedAuthType.ApiKey, Secret = "K" } }]);
        Assert.Equal(Json(built), Json(read));
        var feed = Assert.Single(read.Feeds);
        Assert.Equal((50, 100, ',', "utf-8", true, "0 0 */6 * * *", "X-Api-Key"), (feed.PageSize, feed.TimeoutSeconds, feed.Delimiter, feed.Encoding, feed.Enabled, feed.Schedule, feed.Auth!.Header));
        Assert.Equal(512L * 1024 * 1024, feed.MaxBytes);
        Assert.Empty(feed.Mapping);
    }

    [Fact]
    public void A_requisition_that_says_only_what_it_must_reads_as_the_same_requisition_built_in_code()
    {
        var read = Read<RequisitionsDocument>("""
            { "requisitions": [ {
                "id": "r", "title": "T", "hiringManager": { "email": "hm@example.com" },
                "certifications": [ { "id": "c" } ],
                "domainKnowledge": [ { "name": "imaging" } ],
                "location": { "places": null }
            } ] }
            """);

        var built = new RequisitionsDocument([new Requisition
        {
            Id = "r", Title = "T", HiringManager = new Contact("hm@example.com"),
            Certifications = [new CertificationRequirement { Id = "c" }],
            DomainKnowledge = [new DomainRequirement { Name = "imaging" }],
            Location = new LocationRequirement(),
        }]);
        Assert.Equal(Json(built), Json(read));
        var requisition = Assert.Single(read.Requisitions);
        Assert.Equal((5, true, 3, 6, RequisitionStatus.Open), (requisition.ShortlistSize, requisition.BlindMode, requisition.ReminderDays, requisition.EscalationDays, requisition.Status));
        Assert.True(requisition.Certifications[0].AcceptSuccessors);
        Assert.Equal(WorkMode.Onsite, requisition.Location!.Mode);
        Assert.Empty(requisition.Location.Places);
        Assert.Empty(requisition.Recruiters);
    }

    [Fact]
    public void A_catalogue_entry_that_says_only_what_it_must_reads_as_the_same_entry_built_in_code()
    {
        var read = Read<CertificationCatalogue>("""{ "certifications": [ { "id": "c", "vendor": "V", "name": "N" } ] }""");

        var built = new CertificationCatalogue(certifications: [new CertificationEntry { Id = "c", Vendor = "V", Name = "N" }]);
        Assert.Equal(Json(built), Json(read));
        Assert.Equal("", read.Version);
        Assert.Empty(read.Certifications[0].Unconfirmed);
    }

    private T Read<T>(string json)
        where T : class
    {
        var path = Path.Combine(_folder, "doc.json");
        File.WriteAllText(path, json);
        var errors = new List<string>();
        var document = ConfigFile.Read<T>(path, "doc.json", errors);
        Assert.Empty(errors);
        return Assert.IsType<T>(document);
    }

    private static string Json<T>(T value) => JsonSerializer.Serialize(value, DomainJson.Options);
}
