using System.Text;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Pipeline.Core;
using Pipeline.Core.Candidates;
using Pipeline.Domain;
using Pipeline.Domain.Candidates;
using Pipeline.Domain.Feeds;
using Pipeline.Storage;
using Pipeline.Storage.Sqlite;

namespace Pipeline.Core.Tests.Candidates;

/// <summary>
/// What a person's rows hold in the embedded store's file: each record's content once (the profile is merged from the
/// source rows, not stored beside them, #20), and rows written by earlier versions, with a stored profile, still read
/// as they were written.
/// </summary>
public sealed class CandidateRowsTests : IAsyncLifetime
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "pipeline-tests", Guid.NewGuid().ToString("N"));
    private string Database => Path.Combine(_folder, "pipeline.db");
    private SqliteTableStore _store = null!;
    private CandidateStore _candidates = null!;

    public async ValueTask InitializeAsync()
    {
        Directory.CreateDirectory(_folder);
        _store = new SqliteTableStore(Database, TimeProvider.System);
        foreach (var table in Tables.All)
        {
            await _store.GetTable(table).CreateIfNotExistsAsync();
        }

        _candidates = new CandidateStore(_store, TimeProvider.System);
    }

    public async ValueTask DisposeAsync()
    {
        await _store.DisposeAsync();
        SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }

    private static CandidateRecord Record(string email, string name, params string[] skills) => new()
    {
        Email = email,
        Name = name,
        Phone = "+16175550142",
        Location = "Quillfield, MA",
        Institution = "Northfield Institute of Marbling",
        Program = "MSc Computational Marbling",
        GraduationDate = new DateOnly(2026, 6, 1),
        Skills = skills,
        Certifications = [new ClaimedCertification("Azure AI Engineer Associate", "Microsoft", "https://learn.microsoft.example/credentials/zq81")],
        ProfileUrls = ["https://github.example/zephyrine-q"],
    };

    private static CandidateWrite Write(string feed, CandidateRecord record) =>
        new(feed, FeedKind.University, $"{feed} careers office", record, new DateTimeOffset(2026, 12, 2, 7, 0, 0, TimeSpan.Zero), 1);

    /// <summary>Each of the person's rows in the database file, as the bytes the store keeps for it.</summary>
    private async Task<Dictionary<string, string>> StoredRowsAsync(string person)
    {
        await using var connection = new SqliteConnection($"Data Source={Database};Mode=ReadOnly;Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT rk, CAST(props AS BLOB) FROM entities WHERE tbl = $tbl AND pk = $pk";
        command.Parameters.AddWithValue("$tbl", Tables.Candidates);
        command.Parameters.AddWithValue("$pk", person);
        var rows = new Dictionary<string, string>(StringComparer.Ordinal);
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            rows[reader.GetString(0)] = Encoding.UTF8.GetString((byte[])reader.GetValue(1));
        }

        return rows;
    }

    private static int Occurrences(string text, string value)
    {
        var count = 0;
        for (var at = text.IndexOf(value, StringComparison.Ordinal); at >= 0; at = text.IndexOf(value, at + value.Length, StringComparison.Ordinal))
        {
            count++;
        }

        return count;
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public async Task PersonsRows_HoldEachRecordsContentOnce_AndTheProfileIsStillReadWhole(int feeds)
    {
        // The same person in one or in two feeds (a merge by email); each feed says something the other does not.
        var records = Enumerable.Range(0, feeds).Select(i => Record("zephyrine.quill@uni.example", "Zephyrine Quill", $"Marbling{i}", "PyTorch")).ToList();
        for (var i = 0; i < feeds; i++)
        {
            await _candidates.UpsertAsync(Write($"feed-{i}", records[i]), default);
        }

        var person = CandidateId.FromEmail("zephyrine.quill@uni.example");
        var rows = await StoredRowsAsync(person);

        // One profile row and one row per source; the record's values appear once per source row and never in the profile row.
        Assert.Equal(feeds + 1, rows.Count);
        var profileRow = rows["profile"];
        foreach (var value in new[] { "Zephyrine Quill", "Northfield Institute of Marbling", "MSc Computational Marbling", "Quillfield", "+16175550142", "zephyrine.quill", "Azure AI Engineer", "PyTorch", "careers office" })
        {
            Assert.DoesNotContain(value, profileRow, StringComparison.Ordinal);
            Assert.Equal(feeds, rows.Values.Sum(r => Occurrences(r, value)));
        }

        // The profile row is a fraction of a source row: it holds nothing a source row gives.
        Assert.True(profileRow.Length * 10 < rows.Where(r => r.Key != "profile").Min(r => r.Value.Length), $"profile row {profileRow.Length} bytes");

        // Every way of reading the person gives the profile merged from their records.
        var expected = CandidateProfile.Merge(person, records.Select((r, i) => new SourceRecord($"feed-{i}", FeedKind.University, $"feed-{i} careers office", r)));
        var (profile, sources) = await _candidates.GetAsync(person, default);
        Assert.Equal(Json(expected), Json(profile!));
        Assert.Equal(feeds, sources.Count);
        Assert.Equal(Json(expected), Json((await _candidates.GetManyAsync([person], default))[person].Profile));
        Assert.Equal(Json(expected), Json(Assert.Single(await ProfilesAsync())));
    }

    [Fact]
    public async Task SourceRow_DoesNotStoreWhatItsRecordAndItsWriteTimeGive_NorAbsentValues()
    {
        var record = Record("zephyrine.quill@uni.example", "Zephyrine Quill", "PyTorch");
        await _candidates.UpsertAsync(Write("feed-0", record), default);

        var source = (await StoredRowsAsync(CandidateId.FromEmail(record.Email))).Single(r => r.Key != "profile").Value;
        using var properties = JsonDocument.Parse(source);

        // The record's hash is the hash of the record it stores; when it was last listed is when it was written, until a later read marks it again.
        Assert.DoesNotContain(record.ContentHash(), source, StringComparison.Ordinal);
        Assert.False(properties.RootElement.TryGetProperty("SeenAt", out _), source);

        // Nor does the stored record spell out the values it does not have.
        Assert.DoesNotContain(":null", properties.RootElement.GetProperty("Record").GetString()!, StringComparison.Ordinal);

        // Read back, the record is still known to be unchanged: writing it again writes nothing.
        var stamp = (await _store.GetTable(Tables.Candidates).GetAsync(CandidateId.FromEmail(record.Email), "profile"))!.ETag;
        Assert.Equal(ScreenOutcome.Unchanged, (await _candidates.UpsertAsync(Write("feed-0", record) with { Run = null }, default)).Outcome);
        Assert.Equal(stamp, (await _store.GetTable(Tables.Candidates).GetAsync(CandidateId.FromEmail(record.Email), "profile"))!.ETag);
    }

    [Fact]
    public async Task RowsWrittenWithAStoredProfile_ReadAsWritten_UntilTheRecordChanges()
    {
        // Rows as versions before #20 wrote them: the profile stored whole beside its source, the source with its hash
        // and its SeenAt. The stored profile is what was merged then (here with skills as an older catalogue named them),
        // so it reads back as stored, not as merged today.
        var record = Record("zephyrine.quill@uni.example", "Zephyrine Quill", "PyTorch");
        var person = CandidateId.FromEmail(record.Email);
        var written = new DateTimeOffset(2026, 11, 30, 9, 0, 0, TimeSpan.Zero);
        var stored = CandidateProfile.Merge(person, [new SourceRecord("feed-0", FeedKind.University, "feed-0 careers office", record)]) with { Skills = ["pytorch (legacy)"] };
        await _store.GetTable(Tables.Candidates).SubmitTransactionAsync(
        [
            TableTransactionAction.Add(new TableEntity(person, $"source-feed-0-{person}")
            {
                ["FeedId"] = "feed-0", ["FeedKind"] = nameof(FeedKind.University), ["Source"] = "feed-0 careers office", ["Hash"] = record.ContentHash(),
                ["Record"] = JsonSerializer.Serialize(record, DomainJson.Options), ["MatchedBy"] = MatchReasons.Email,
                ["UpdatedAt"] = written, ["SeenAt"] = written, ["Run"] = written, ["Position"] = 7L,
            }),
            TableTransactionAction.Add(new TableEntity(person, "profile") { ["Profile"] = JsonSerializer.Serialize(stored, DomainJson.Options), ["UpdatedAt"] = written }),
        ]);

        Assert.Equal(Json(stored), Json((await _candidates.GetAsync(person, default)).Profile!));
        Assert.Equal(Json(stored), Json((await _candidates.GetManyAsync([person], default))[person].Profile));
        Assert.Equal(Json(stored), Json(Assert.Single(await ProfilesAsync())));

        // The same record again is unchanged (its stored hash still counts) and writes nothing.
        var stamp = (await _store.GetTable(Tables.Candidates).GetAsync(person, "profile"))!.ETag;
        Assert.Equal(ScreenOutcome.Unchanged, (await _candidates.UpsertAsync(Write("feed-0", record) with { Run = null }, default)).Outcome);
        Assert.Equal(stamp, (await _store.GetTable(Tables.Candidates).GetAsync(person, "profile"))!.ETag);

        // A changed record is merged as today; what was stored is what it changed from.
        var changed = record with { Skills = ["PyTorch", "Rust"] };
        var result = await _candidates.UpsertAsync(Write("feed-0", changed) with { Run = null }, default);
        Assert.Equal(ScreenOutcome.Updated, result.Outcome);
        Assert.Equal(Json(stored), Json(result.Before!));
        var merged = CandidateProfile.Merge(person, [new SourceRecord("feed-0", FeedKind.University, "feed-0 careers office", changed)]);
        Assert.Equal(Json(merged), Json((await _candidates.GetAsync(person, default)).Profile!));
        Assert.DoesNotContain("Zephyrine", (await StoredRowsAsync(person))["profile"], StringComparison.Ordinal);
    }

    private async Task<List<CandidateProfile>> ProfilesAsync()
    {
        var profiles = new List<CandidateProfile>();
        await foreach (var profile in _candidates.ProfilesAsync(default))
        {
            profiles.Add(profile);
        }

        return profiles;
    }

    private static string Json(CandidateProfile profile) => JsonSerializer.Serialize(profile, DomainJson.Options);
}
