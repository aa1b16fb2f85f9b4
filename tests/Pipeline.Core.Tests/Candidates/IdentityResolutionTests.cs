using Pipeline.Core;
using Pipeline.Core.Candidates;
using Pipeline.Domain.Candidates;
using Pipeline.Domain.Feeds;
using Pipeline.Storage;
using Pipeline.Storage.Sqlite;

namespace Pipeline.Core.Tests.Candidates;

/// <summary>Candidates from different feeds found to be one person by a strong key, the reason kept, and merges undone.</summary>
public sealed class IdentityResolutionTests : IAsyncLifetime
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "pipeline-tests", Guid.NewGuid().ToString("N"));
    private ITableStore _store = null!;
    private CandidateStore _candidates = null!;

    public async ValueTask InitializeAsync()
    {
        Directory.CreateDirectory(_folder);
        _store = new SqliteTableStore(Path.Combine(_folder, "pipeline.db"), TimeProvider.System);
        foreach (var table in Tables.All)
        {
            await _store.GetTable(table).CreateIfNotExistsAsync();
        }

        _candidates = new CandidateStore(_store, TimeProvider.System);
    }

    public async ValueTask DisposeAsync()
    {
        await ((IAsyncDisposable)_store).DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }

    private static CandidateWrite From(string feed, string email, string? phone = null, string? url = null, string? badgeEmail = null, string? name = null, params string[] skills) =>
        new(feed, feed.StartsWith("uni", StringComparison.Ordinal) ? FeedKind.University : FeedKind.Bootcamp, feed, new CandidateRecord
        {
            Email = email,
            Name = name,
            Phone = phone,
            ProfileUrls = url is null ? [] : [url],
            Skills = skills,
            Certifications = badgeEmail is null ? [] : [new ClaimedCertification("AWS Certified Machine Learning – Specialty") { BadgeEmail = badgeEmail }],
        });

    private async Task<CandidateProfile[]> PeopleAsync()
    {
        var people = new List<CandidateProfile>();
        await foreach (var profile in _candidates.ProfilesAsync(default))
        {
            people.Add(profile);
        }

        return [.. people];
    }

    [Fact]
    public async Task SameEmail_InTwoFeeds_IsOnePerson()
    {
        await _candidates.UpsertAsync(From("uni-a", "ana@uni.example", skills: "PyTorch"), default);
        var second = await _candidates.UpsertAsync(From("camp-b", "ana@uni.example", skills: "Kubeflow"), default);

        Assert.Equal(ScreenOutcome.Updated, second.Outcome);
        var ana = Assert.Single(await PeopleAsync());
        Assert.Equal(["Kubeflow", "PyTorch"], ana.Skills.Order());
        Assert.All(ana.Links, l => Assert.Equal(MatchReasons.Email, l.MatchedBy));
    }

    [Fact]
    public async Task SamePhone_InTwoFeedsScreenedAtTheSameTime_IsStillOnePerson()
    {
        // Two invocations (one page of each feed) read the keys before either writes: one takes the phone, the other
        // must then find it taken and join that person rather than keep a person of its own.
        for (var i = 0; i < 10; i++)
        {
            var phone = $"+1617555{i:D4}";
            var pages = new[]
            {
                [From("uni-a", $"ana{i}@uni.example", phone: phone), From("uni-a", $"other{i}@uni.example")],
                new[] { From("camp-b", $"ana.lima{i}@mail.example", phone: phone), From("camp-b", $"else{i}@mail.example") },
            };

            await Task.WhenAll(pages.Select(p => Task.Run(() => _candidates.UpsertManyAsync(p, default))));
        }

        var people = await PeopleAsync();
        Assert.Equal(30, people.Length);
        var merged = people.Where(p => p.Links.Count == 2).ToList();
        Assert.Equal(10, merged.Count);
        Assert.All(merged, p => Assert.Equal([MatchReasons.Email, MatchReasons.Phone], p.Links.Select(l => l.MatchedBy).Order()));
    }

    [Fact]
    public async Task MergeByPhone_CutShortAfterItsKeys_KeepsPhoneAsTheReasonWhenRedelivered()
    {
        await _candidates.UpsertAsync(From("uni-a", "ana@uni.example", phone: "+16175550101"), default);

        // The process dies after the camp-b record's keys are written and before its records are.
        var dying = new CandidateStore(new DiesBeforeRecords(_store), TimeProvider.System);
        await Assert.ThrowsAsync<IOException>(() => dying.UpsertAsync(From("camp-b", "ana.lima@mail.example", phone: "+16175550101"), default));

        var redelivered = await _candidates.UpsertAsync(From("camp-b", "ana.lima@mail.example", phone: "+16175550101"), default);

        Assert.Equal(ScreenOutcome.Updated, redelivered.Outcome);
        var ana = Assert.Single(await PeopleAsync());
        Assert.Equal([MatchReasons.Email, MatchReasons.Phone], ana.Links.Select(l => l.MatchedBy).Order());

        // A third feed listing the same email joins by that email, not by the phone the key was first written for.
        await _candidates.UpsertAsync(From("camp-c", "ana.lima@mail.example"), default);
        ana = Assert.Single(await PeopleAsync());
        Assert.Equal([MatchReasons.Email, MatchReasons.Email, MatchReasons.Phone], ana.Links.Select(l => l.MatchedBy).Order());
    }

    /// <summary>The store as it is, except that writing candidates' records fails as if the process had died.</summary>
    private sealed class DiesBeforeRecords(ITableStore inner) : ITableStore
    {
        public ITable GetTable(string name) => name == Tables.Candidates ? new Table(inner.GetTable(name)) : inner.GetTable(name);

        private sealed class Table(ITable inner) : ITable
        {
            public string Name => inner.Name;

            public Task CreateIfNotExistsAsync(CancellationToken cancellationToken = default) => inner.CreateIfNotExistsAsync(cancellationToken);

            public Task<TableEntity?> GetAsync(string partitionKey, string rowKey, CancellationToken cancellationToken = default) => inner.GetAsync(partitionKey, rowKey, cancellationToken);

            public Task<Azure.ETag> AddAsync(TableEntity entity, CancellationToken cancellationToken = default) => throw Died();

            public Task<Azure.ETag> UpsertAsync(TableEntity entity, TableUpdateMode mode = TableUpdateMode.Replace, CancellationToken cancellationToken = default) => throw Died();

            public Task<Azure.ETag> UpdateAsync(TableEntity entity, Azure.ETag ifMatch, TableUpdateMode mode = TableUpdateMode.Replace, CancellationToken cancellationToken = default) => throw Died();

            public Task DeleteAsync(string partitionKey, string rowKey, Azure.ETag ifMatch, CancellationToken cancellationToken = default) => throw Died();

            public IAsyncEnumerable<TableEntity> QueryAsync(TableQuery? query = null, CancellationToken cancellationToken = default) => inner.QueryAsync(query, cancellationToken);

            public Task SubmitTransactionAsync(IReadOnlyList<TableTransactionAction> actions, CancellationToken cancellationToken = default) => throw Died();

            public IAsyncEnumerable<TableEntity> QueryPartitionsAsync(IReadOnlyCollection<string> partitionKeys, CancellationToken cancellationToken = default) => inner.QueryPartitionsAsync(partitionKeys, cancellationToken);

            public Task<IReadOnlyList<Azure.RequestFailedException?>> SubmitTransactionsAsync(IReadOnlyList<IReadOnlyList<TableTransactionAction>> transactions, CancellationToken cancellationToken = default) => throw Died();

            private static IOException Died() => new("the process died");
        }
    }

    [Fact]
    public async Task SamePhone_InAnotherFeed_MergesByPhone_AndTheFirstRecordLeads()
    {
        await _candidates.UpsertAsync(From("uni-a", "ana@uni.example", phone: "+16175550101", name: "Ana Lima"), default);
        var merged = await _candidates.UpsertAsync(From("camp-b", "ana.lima@mail.example", phone: "+16175550101", name: "Ana L."), default);

        Assert.Equal(ScreenOutcome.Updated, merged.Outcome);
        var ana = Assert.Single(await PeopleAsync());
        Assert.Equal("ana@uni.example", ana.Email);
        Assert.Equal("Ana Lima", ana.Name);
        Assert.Equal([("camp-b", MatchReasons.Phone), ("uni-a", MatchReasons.Email)], ana.Links.Select(l => (l.FeedId, l.MatchedBy)).Order());

        // The merged address now finds the person directly.
        Assert.Equal(ana.CandidateId, await _candidates.ResolveEmailAsync("ana.lima@mail.example", default));
    }

    [Fact]
    public async Task SharedPhone_WithinOneFeed_IsTwoPeople()
    {
        // A careers office number on every row of one export is not a person.
        await _candidates.UpsertManyAsync(
        [
            From("uni-a", "ana@uni.example", phone: "+16175550000"),
            From("uni-a", "bo@uni.example", phone: "+16175550000"),
        ], default);
        await _candidates.UpsertAsync(From("uni-a", "cy@uni.example", phone: "+16175550000"), default);

        Assert.Equal(3, (await PeopleAsync()).Length);
    }

    /// <summary>A feed's rows as the feed parser makes them, to be stored as ScreenCandidates stores them.</summary>
    private static async Task<List<CandidateWrite>> ReadAsync(string feedId, string csv, string? defaultRegion = null)
    {
        var feed = new FeedDefinition { Id = feedId, Source = feedId, Location = feedId + ".csv", DefaultRegion = defaultRegion };
        var writes = new List<CandidateWrite>();
        await foreach (var row in FeedParser.ParseAsync(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(csv)), feed))
        {
            writes.Add(new CandidateWrite(feedId, FeedKind.University, feedId, Assert.IsType<AcceptedRow>(row).Candidate));
        }

        return writes;
    }

    [Fact]
    public async Task SharedSwitchboard_WrittenDifferentlyOnEachRow_IsStillNotOnePerson()
    {
        // One number in four spellings is now one key; the rule against merging rows of one feed keeps them apart.
        await _candidates.UpsertManyAsync(await ReadAsync("uni-a", "email,phone\nana@uni.example,+44 20 7946 0000\nbo@uni.example,+44 (0)20 7946 0000 ext. 12\n"), default);
        await _candidates.UpsertManyAsync(await ReadAsync("uni-a", "email,phone\ncy@uni.example,0044 20 7946 0000\ndee@uni.example,020 7946 0000\n", defaultRegion: "GB"), default);

        var people = await PeopleAsync();
        Assert.Equal(4, people.Length);
        Assert.All(people, p => Assert.Equal(MatchReasons.Email, Assert.Single(p.Links).MatchedBy));
    }

    [Fact]
    public async Task SamePhone_WithATrunkPrefixInOneFeed_AndNationalInAnother_MergesByPhone()
    {
        // Before: +4402079460000 in one feed and 02079460000 (no key) in the other: one person stored as two.
        await _candidates.UpsertManyAsync(await ReadAsync("uni-a", "email,phone\nana@uni.example,+44 (0)20 7946 0000\n"), default);
        await _candidates.UpsertManyAsync(await ReadAsync("camp-b", "email,phone\nana.lima@mail.example,020 7946 0000\n", defaultRegion: "GB"), default);

        var ana = Assert.Single(await PeopleAsync());
        Assert.Equal([("camp-b", MatchReasons.Phone), ("uni-a", MatchReasons.Email)], ana.Links.Select(l => (l.FeedId, l.MatchedBy)).Order());
        Assert.Equal("+442079460000", ana.Phone);
    }

    [Fact]
    public async Task SameInvalidPhone_InTwoFeeds_IsKeptButMergesNobody()
    {
        // Before: any "+" and digits was a key, so one mistyped number (a digit short) merged two people.
        await _candidates.UpsertManyAsync(await ReadAsync("uni-a", "email,phone\nana@uni.example,+44 20 7946 000\n"), default);
        await _candidates.UpsertManyAsync(await ReadAsync("camp-b", "email,phone\nbo@mail.example,+44 20 7946 000\n"), default);

        var people = await PeopleAsync();
        Assert.Equal(2, people.Length);
        Assert.All(people, p => Assert.Equal("+44 20 7946 000", p.Phone));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task BadgeEmail_MatchesTheAddressAnotherFeedUses_WhicheverArrivesFirst(bool badgeFirst)
    {
        var withBadge = From("uni-a", "kai@uni.example", badgeEmail: "kai.personal@mail.example");
        var personal = From("camp-b", "kai.personal@mail.example");
        foreach (var write in badgeFirst ? new[] { withBadge, personal } : [personal, withBadge])
        {
            await _candidates.UpsertAsync(write, default);
        }

        var kai = Assert.Single(await PeopleAsync());
        Assert.Contains(kai.Links, l => l.MatchedBy == MatchReasons.BadgeEmail);
    }

    [Fact]
    public async Task ProfileUrl_WrittenDifferently_StillMatches()
    {
        await _candidates.UpsertAsync(From("uni-a", "li@uni.example", url: "https://www.linkedin.com/in/li-wei/"), default);
        await _candidates.UpsertAsync(From("camp-b", "wei@mail.example", url: "http://linkedin.com/in/Li-Wei"), default);

        var li = Assert.Single(await PeopleAsync());
        Assert.Contains(li.Links, l => l is { FeedId: "camp-b", MatchedBy: MatchReasons.ProfileUrl });
    }

    [Fact]
    public async Task UnchangedMergedRecord_WritesNothing()
    {
        await _candidates.UpsertAsync(From("uni-a", "ana@uni.example", phone: "+16175550101"), default);
        await _candidates.UpsertAsync(From("camp-b", "ana.lima@mail.example", phone: "+16175550101"), default);
        var before = (await PeopleAsync())[0];
        var stamp = (await _store.GetTable(Tables.Candidates).GetAsync(before.CandidateId, "profile"))!.ETag;

        var again = await _candidates.UpsertManyAsync([From("camp-b", "ana.lima@mail.example", phone: "+16175550101"), From("uni-a", "ana@uni.example", phone: "+16175550101")], default);

        Assert.All(again, r => Assert.Equal(ScreenOutcome.Unchanged, r.Outcome));
        Assert.Equal(stamp, (await _store.GetTable(Tables.Candidates).GetAsync(before.CandidateId, "profile"))!.ETag);
    }

    [Fact]
    public async Task Split_UndoesAMerge_AndTheRecordStaysApartWhenItComesAgain()
    {
        await _candidates.UpsertAsync(From("uni-a", "ana@uni.example", phone: "+16175550101", skills: "PyTorch"), default);
        await _candidates.UpsertAsync(From("camp-b", "someone.else@mail.example", phone: "+16175550101", skills: "Excel"), default);
        var merged = Assert.Single(await PeopleAsync());

        var moved = await _candidates.SplitAsync(merged.CandidateId, "camp-b", default);

        var own = Assert.Single(moved);
        Assert.Equal(CandidateId.FromEmail("someone.else@mail.example"), own);
        var people = await PeopleAsync();
        Assert.Equal(2, people.Length);
        Assert.Equal(["PyTorch"], people.Single(p => p.CandidateId == merged.CandidateId).Skills);
        Assert.Equal(["Excel"], people.Single(p => p.CandidateId == own).Skills);

        // The next export lists them again, changed, with the same phone: they stay apart.
        var again = await _candidates.UpsertAsync(From("camp-b", "someone.else@mail.example", "+16175550101", null, null, null, "Excel", "SQL"), default);
        Assert.Equal(ScreenOutcome.Updated, again.Outcome);
        Assert.Equal(2, (await PeopleAsync()).Length);
        Assert.Equal(["Excel", "SQL"], (await PeopleAsync()).Single(p => p.CandidateId == own).Skills.Order());

        // The first record of a person is not split away from them.
        Assert.Empty(await _candidates.SplitAsync(merged.CandidateId, "uni-a", default));
    }
}
