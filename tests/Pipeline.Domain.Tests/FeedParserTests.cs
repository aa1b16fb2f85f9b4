using System.Text;
using Pipeline.Domain.Feeds;

namespace Pipeline.Domain.Tests;

public class FeedParserTests
{
    private static readonly FeedDefinition CsvFeed = new() { Id = "uni", Source = "Uni", Location = "x.csv", Format = FeedFormat.Csv };
    private static readonly FeedDefinition ResumeFeed = new() { Id = "camp", Source = "Camp", Location = "x.json", Format = FeedFormat.JsonResume, Kind = FeedKind.Bootcamp };

    private static async Task<List<FeedRow>> CsvAsync(string text, FeedDefinition? feed = null)
    {
        var rows = new List<FeedRow>();
        await foreach (var row in FeedParser.ParseAsync(new MemoryStream(Encoding.UTF8.GetBytes(text)), feed ?? CsvFeed))
        {
            rows.Add(row);
        }

        return rows;
    }

    private static async Task<List<FeedRow>> ResumesAsync(string json)
    {
        var rows = new List<FeedRow>();
        await foreach (var row in FeedParser.ParseAsync(new MemoryStream(Encoding.UTF8.GetBytes(json)), ResumeFeed))
        {
            rows.Add(row);
        }

        return rows;
    }

    [Fact]
    public async Task Csv_ClearanceColumn_IsRead_AndARecordWithoutOneHashesAsBefore()
    {
        var rows = await CsvAsync("email,clearance\nana@uni.example,  SC \nbo@uni.example,\n");

        var (with, without) = (Assert.IsType<AcceptedRow>(rows[0]).Candidate, Assert.IsType<AcceptedRow>(rows[1]).Candidate);
        Assert.Equal("SC", with.Clearance);
        Assert.Null(without.Clearance);
        Assert.DoesNotContain("clearance", System.Text.Json.JsonSerializer.Serialize(without, DomainJson.Options), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Csv_GoodRow_IsNormalised()
    {
        var rows = await CsvAsync("Email,Name,Skills,GraduationDate,Phone\n  Ana.Lima@Uni.EXAMPLE ,  Ana   Lima ,torch; k8s;PyTorch,2026-06,+1 (617) 555-0100\n");

        var candidate = Assert.IsType<AcceptedRow>(Assert.Single(rows)).Candidate;
        Assert.Equal("ana.lima@uni.example", candidate.Email);
        Assert.Equal("Ana Lima", candidate.Name);
        Assert.Equal(["PyTorch", "Kubernetes"], candidate.Skills);
        Assert.Equal(new DateOnly(2026, 6, 1), candidate.GraduationDate);
        Assert.Equal("+16175550100", candidate.Phone);
    }

    [Theory]
    [InlineData("email,name\n,No Email\n", "email", "missing email")]
    [InlineData("email,name\nnot-an-email,X\n", "email", "not a valid email")]
    [InlineData("email,graduationDate\na@b.example,June 2026\n", "graduationDate", "is not a date")]
    [InlineData("email,phone\na@b.example,call me\n", "phone", "not a phone")]
    [InlineData("email,name\na@b.example,x,extra\n", "row", "3 fields; the header has 2")]
    public async Task Csv_BadRow_IsRejectedWithFieldAndReason(string text, string field, string reason)
    {
        var rejected = Assert.IsType<RejectedRow>(Assert.Single(await CsvAsync(text)));
        Assert.Equal(field, rejected.Field);
        Assert.Contains(reason, rejected.Reason);
        Assert.Equal(2, rejected.Position);
    }

    [Fact]
    public async Task Csv_DuplicateEmailInSameFile_SecondIsRejectedNamingTheFirst()
    {
        var rows = await CsvAsync("email\na@b.example\nA@B.example\n");

        Assert.IsType<AcceptedRow>(rows[0]);
        var duplicate = Assert.IsType<RejectedRow>(rows[1]);
        Assert.Contains("line 2", duplicate.Reason);
    }

    [Fact]
    public async Task Csv_BadRowsDoNotStopGoodOnes()
    {
        var rows = await CsvAsync("email\nbad\n\"unclosed@x.example\ngood@x.example\nok@x.example\n");
        Assert.Contains(rows, r => r is AcceptedRow { Candidate.Email: "ok@x.example" });
        Assert.Equal(2, rows.OfType<RejectedRow>().Count());
    }

    [Fact]
    public async Task Csv_MappedHeaders_AreUsedAndByteOrderMarkIgnored()
    {
        var feed = CsvFeed with { Mapping = new Dictionary<string, FieldMapping> { ["email"] = "Student Email", ["name"] = "Full Name" } };
        var rows = await CsvAsync("\uFEFFStudent Email,Full Name\nx@y.example,Xi Yu\n", feed);
        Assert.Equal("Xi Yu", Assert.IsType<AcceptedRow>(Assert.Single(rows)).Candidate.Name);
    }

    [Fact]
    public async Task Csv_HeaderWithoutMappedColumn_FailsTheFeedNamingTheExpectedColumnNotTheLine()
    {
        // The first line may be a data row (an export without a header): what it holds is never repeated.
        var e = await Assert.ThrowsAsync<FeedFormatException>(() => CsvAsync("E-mail,Name\nx@y.example,X\n"));
        Assert.Contains("no column 'email' for field 'email'", e.Message, StringComparison.Ordinal);
        Assert.Contains("2 fields", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("E-mail", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Csv_NoHeaderRow_FailsWithoutQuotingTheFirstRow()
    {
        var e = await Assert.ThrowsAsync<FeedFormatException>(() => CsvAsync("ada.lovelace@uni.example,Ada Lovelace,+44 20 7946 0958\n"));
        Assert.Contains("no header row", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("ada.lovelace", e.Message, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("Ada Lovelace", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("7946", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Csv_HtmlInName_IsKeptAsText()
    {
        // Encoding happens where text is rendered, not on the way in.
        var rows = await CsvAsync("email,name\nx@y.example,<script>alert(1)</script>\n");
        Assert.Equal("<script>alert(1)</script>", Assert.IsType<AcceptedRow>(Assert.Single(rows)).Candidate.Name);
    }

    [Fact]
    public async Task Resume_Array_MapsBasicsEducationSkillsAndCertificates()
    {
        const string json = """
            [{
              "basics": { "name": "Lea Roth", "email": "LEA@camp.example", "location": { "city": "Berlin", "countryCode": "DE" },
                          "url": "https://lea.example", "profiles": [ { "url": "https://github.com/lea" } ] },
              "education": [ { "institution": "Old Uni", "endDate": "2020-07" },
                             { "institution": "Camp", "studyType": "Certificate", "area": "ML", "endDate": "2026-09-30" } ],
              "skills": [ { "name": "Machine Learning", "keywords": [ "torch", "sklearn" ] } ],
              "certificates": [ { "name": "AWS Certified Machine Learning Engineer – Associate", "issuer": "AWS", "url": "https://www.credly.com/badges/abc", "date": "2026-09-01" } ]
            }]
            """;
        var candidate = Assert.IsType<AcceptedRow>(Assert.Single(await ResumesAsync(json))).Candidate;

        Assert.Equal("lea@camp.example", candidate.Email);
        Assert.Equal("Berlin, DE", candidate.Location);
        Assert.Equal("Camp", candidate.Institution);
        Assert.Equal("Certificate, ML", candidate.Program);
        Assert.Equal(new DateOnly(2026, 9, 30), candidate.GraduationDate);
        Assert.Equal(["Machine Learning", "PyTorch", "scikit-learn"], candidate.Skills);
        Assert.Equal("https://www.credly.com/badges/abc", Assert.Single(candidate.Certifications).Url);
        Assert.Equal(["https://lea.example/", "https://github.com/lea"], candidate.ProfileUrls);
    }

    [Fact]
    public async Task Resume_SingleObject_IsOneRow()
    {
        var rows = await ResumesAsync("""  { "basics": { "email": "one@camp.example" } }""");
        Assert.IsType<AcceptedRow>(Assert.Single(rows));
    }

    [Fact]
    public async Task Resume_DocumentCutOff_KeepsEarlierEntriesAndRejectsTheRest()
    {
        var rows = await ResumesAsync("""[ { "basics": { "email": "a@camp.example" } }, { "basics": { "email": "b@camp.exa""");

        Assert.IsType<AcceptedRow>(rows[0]);
        var rejected = Assert.IsType<RejectedRow>(rows[1]);
        Assert.Equal("document", rejected.Field);
        Assert.Contains("cut off", rejected.Reason);
    }

    [Fact]
    public async Task Resume_EntryWithoutEmail_IsRejected()
    {
        var rows = await ResumesAsync("""[ { "basics": { "name": "X" } }, 42 ]""");
        Assert.Equal("email", Assert.IsType<RejectedRow>(rows[0]).Field);
        Assert.Contains("Number", Assert.IsType<RejectedRow>(rows[1]).Reason);
    }

    [Fact]
    public async Task Resume_NotJson_FailsTheFeed()
    {
        await Assert.ThrowsAsync<FeedFormatException>(() => ResumesAsync("email,name\n"));
    }

    [Fact]
    public async Task Resume_CredentialExtensionBlock_GivesBadgeUrlCredentialIdAndBadgeEmail()
    {
        var rows = await ResumesAsync("""
            [{ "basics": { "email": "Kai@Camp.example" },
               "certificates": [
                 { "name": "AWS Certified Machine Learning – Specialty", "issuer": "Amazon Web Services", "url": "https://camp.example/certs/1",
                   "credential": { "badgeUrl": "https://www.credly.com/badges/abc", "credentialId": "abc", "badgeEmail": " KAI.personal@Mail.example " } },
                 { "name": "Plain claim" } ] },
             { "basics": { "email": "lee@camp.example" },
               "certificates": [ { "name": "X", "credential": { "badgeEmail": "not-an-address" } } ] }]
            """);

        var kai = Assert.IsType<AcceptedRow>(rows[0]).Candidate;
        var claimed = kai.Certifications[0];
        Assert.Equal("https://www.credly.com/badges/abc", claimed.Url);
        Assert.Equal("abc", claimed.CredentialId);
        Assert.Equal("kai.personal@mail.example", claimed.BadgeEmail);
        Assert.Null(kai.Certifications[1].BadgeEmail);

        var lee = Assert.IsType<RejectedRow>(rows[1]);
        Assert.Equal("certifications", lee.Field);
        Assert.Contains("badge email", lee.Reason, StringComparison.Ordinal);
    }
}
