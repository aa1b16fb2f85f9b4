using Azure;

namespace Pipeline.Storage.Tests;

/// <summary>
/// What every <see cref="ITableStore"/> must do, with Azure Table storage's semantics. Each implementation runs the
/// whole suite through a subclass; each test gets a fresh table.
/// </summary>
public abstract class TableContractTests : IAsyncLifetime
{
    private ITable? _table;

    protected ITable Table => _table ?? throw new InvalidOperationException("Not initialised.");

    protected abstract Task<ITableStore> CreateStoreAsync();

    public virtual async ValueTask InitializeAsync()
    {
        var store = await CreateStoreAsync();
        _table = store.GetTable("t" + Guid.NewGuid().ToString("N")[..20]);
        await _table.CreateIfNotExistsAsync();
    }

    public virtual ValueTask DisposeAsync() => ValueTask.CompletedTask;

    [Fact]
    public async Task Upsert_EveryPropertyType_RoundTripsExactly()
    {
        var when = new DateTimeOffset(2026, 11, 22, 10, 30, 15, 123, TimeSpan.FromHours(2)).AddTicks(4567);
        var entity = new TableEntity("pk", "rk")
        {
            ["S"] = "text ✓ 中文",
            ["I"] = int.MinValue,
            ["L"] = long.MaxValue,
            ["D"] = 2.0,
            ["DFraction"] = 0.1 + 0.2,
            ["B"] = true,
            ["T"] = when,
            ["G"] = Guid.Parse("0f8fad5b-d9cb-469f-a165-70867728950e"),
            ["Bin"] = new byte[] { 0, 1, 2, 254, 255 },
            ["Empty"] = "",
        };

        await Table.UpsertAsync(entity);
        var read = await Table.GetAsync("pk", "rk");

        Assert.NotNull(read);
        Assert.Equal("text ✓ 中文", read.GetString("S"));
        Assert.Equal(int.MinValue, read["I"]);
        Assert.Equal(long.MaxValue, read["L"]);
        Assert.Equal(2.0, read["D"]);
        Assert.Equal(0.1 + 0.2, read["DFraction"]);
        Assert.Equal(true, read["B"]);
        Assert.Equal(when.ToUniversalTime(), read["T"]);
        Assert.Equal(TimeSpan.Zero, read.GetDateTimeOffset("T")!.Value.Offset);
        Assert.Equal(Guid.Parse("0f8fad5b-d9cb-469f-a165-70867728950e"), read["G"]);
        Assert.Equal(new byte[] { 0, 1, 2, 254, 255 }, read.GetBinary("Bin"));
        Assert.Equal("", read["Empty"]);
        Assert.NotEqual(default, read.ETag);
        Assert.NotNull(read.Timestamp);
    }

    /// <summary>A candidate's profile row is keys alone (#20): it is added, replaced over a row with properties by its ETag, and read back, bare.</summary>
    [Fact]
    public async Task EntityWithNoProperties_IsAddedUpdatedByETagInATransactionAndReadBack()
    {
        await Table.AddAsync(new TableEntity("pk", "bare") { ["Stored"] = "a copy this row no longer keeps" });
        var stored = (await Table.GetAsync("pk", "bare"))!;

        await Table.SubmitTransactionAsync([TableTransactionAction.Update(new TableEntity("pk", "bare"), stored.ETag), TableTransactionAction.Add(new TableEntity("pk", "other"))]);

        var read = await Table.GetAsync("pk", "bare");
        Assert.NotNull(read);
        Assert.Empty(read.Properties);
        Assert.NotEqual(stored.ETag, read.ETag);
        var all = new List<TableEntity>();
        await foreach (var entity in Table.QueryAsync())
        {
            all.Add(entity);
        }

        Assert.Equal(["bare", "other"], all.Select(e => e.RowKey));
        Assert.All(all, e => Assert.Empty(e.Properties));
    }

    [Fact]
    public async Task Get_Missing_ReturnsNull() => Assert.Null(await Table.GetAsync("nope", "nope"));

    [Fact]
    public async Task Add_ExistingKeys_Throws409EntityAlreadyExists()
    {
        await Table.AddAsync(new TableEntity("pk", "rk"));
        var e = await Assert.ThrowsAsync<RequestFailedException>(() => Table.AddAsync(new TableEntity("pk", "rk")));
        Assert.Equal(409, e.Status);
        Assert.Equal(TableErrorCodes.EntityAlreadyExists, e.ErrorCode);
        Assert.True(e.IsConflict());
    }

    [Fact]
    public async Task Update_TwoWritersWithTheSameETag_OneWinsTheOtherGets412()
    {
        var etag = await Table.AddAsync(new TableEntity("pk", "rk") { ["N"] = 0 });

        await Table.UpdateAsync(new TableEntity("pk", "rk") { ["N"] = 1 }, etag);
        var e = await Assert.ThrowsAsync<RequestFailedException>(() => Table.UpdateAsync(new TableEntity("pk", "rk") { ["N"] = 2 }, etag));

        Assert.True(e.IsPreconditionFailed());
        Assert.Equal(1, (await Table.GetAsync("pk", "rk"))!["N"]);
    }

    [Fact]
    public async Task Update_Missing_Throws404()
    {
        var e = await Assert.ThrowsAsync<RequestFailedException>(() => Table.UpdateAsync(new TableEntity("pk", "gone"), ETag.All));
        Assert.True(e.IsNotFound());
    }

    [Fact]
    public async Task Update_Merge_KeepsOtherProperties_ReplaceDropsThem()
    {
        var etag = await Table.AddAsync(new TableEntity("pk", "rk") { ["A"] = "a", ["B"] = "b" });

        etag = await Table.UpdateAsync(new TableEntity("pk", "rk") { ["B"] = "b2" }, etag, TableUpdateMode.Merge);
        var merged = (await Table.GetAsync("pk", "rk"))!;
        Assert.Equal("a", merged["A"]);
        Assert.Equal("b2", merged["B"]);

        await Table.UpdateAsync(new TableEntity("pk", "rk") { ["C"] = "c" }, etag, TableUpdateMode.Replace);
        var replaced = (await Table.GetAsync("pk", "rk"))!;
        Assert.Null(replaced["A"]);
        Assert.Equal("c", replaced["C"]);
    }

    [Fact]
    public async Task UpsertMerge_CreatesWhenMissing_MergesWhenPresent()
    {
        await Table.UpsertAsync(new TableEntity("pk", "rk") { ["A"] = 1 }, TableUpdateMode.Merge);
        await Table.UpsertAsync(new TableEntity("pk", "rk") { ["B"] = 2 }, TableUpdateMode.Merge);
        var read = (await Table.GetAsync("pk", "rk"))!;
        Assert.Equal(1, read["A"]);
        Assert.Equal(2, read["B"]);
    }

    [Fact]
    public async Task Delete_Missing_Succeeds_StaleETag_Throws412()
    {
        await Table.DeleteAsync("pk", "never-was", ETag.All);

        var etag = await Table.AddAsync(new TableEntity("pk", "rk"));
        await Table.UpsertAsync(new TableEntity("pk", "rk") { ["X"] = 1 });
        var e = await Assert.ThrowsAsync<RequestFailedException>(() => Table.DeleteAsync("pk", "rk", etag));
        Assert.True(e.IsPreconditionFailed());

        await Table.DeleteAsync("pk", "rk", ETag.All);
        Assert.Null(await Table.GetAsync("pk", "rk"));
    }

    [Fact]
    public async Task Query_AcrossManyPages_ReturnsEverythingInKeyOrder()
    {
        const int count = 2_345;
        var actions = Enumerable.Range(0, count).Select(i => TableTransactionAction.Add(new TableEntity($"p{i % 3}", $"r{i:D5}") { ["N"] = i }));
        foreach (var batch in TableTransaction.Chunk(actions))
        {
            await Table.SubmitTransactionAsync(batch);
        }

        var all = new List<TableEntity>();
        await foreach (var e in Table.QueryAsync(new TableQuery { PageSize = 1000 }))
        {
            all.Add(e);
        }

        Assert.Equal(count, all.Count);
        var keys = all.Select(e => (e.PartitionKey, e.RowKey)).ToList();
        Assert.Equal(keys.OrderBy(k => k.PartitionKey, StringComparer.Ordinal).ThenBy(k => k.RowKey, StringComparer.Ordinal), keys);
    }

    [Fact]
    public async Task Query_FilterAndSelect_ReturnOnlyWhatWasAsked()
    {
        for (var i = 0; i < 10; i++)
        {
            await Table.UpsertAsync(new TableEntity(i < 5 ? "a" : "b", $"r{i}") { ["N"] = i, ["Big"] = i % 2 == 0, ["Other"] = "x" });
        }

        var query = new TableQuery
        {
            Filter = TableFilter.Equal("PartitionKey", "a") & TableFilter.GreaterThanOrEqual("N", 2) & TableFilter.Equal("Big", true),
            Select = ["N"],
        };
        var results = new List<TableEntity>();
        await foreach (var e in Table.QueryAsync(query))
        {
            results.Add(e);
        }

        Assert.Equal([2, 4], results.Select(e => e["N"]));
        Assert.All(results, e => Assert.Null(e["Other"]));
    }

    /// <summary>A source row's SeenAt is written only when a later read marks it (#20): selecting it where it is absent reads as null.</summary>
    [Fact]
    public async Task Query_SelectingAPropertySomeEntitiesLack_ReadsItAsAbsentThere()
    {
        var when = new DateTimeOffset(2026, 12, 2, 8, 0, 0, TimeSpan.Zero);
        await Table.UpsertAsync(new TableEntity("p", "marked") { ["UpdatedAt"] = when, ["SeenAt"] = when.AddDays(8), ["Other"] = "x" });
        await Table.UpsertAsync(new TableEntity("p", "unmarked") { ["UpdatedAt"] = when, ["Other"] = "x" });

        var results = new List<TableEntity>();
        await foreach (var e in Table.QueryAsync(new TableQuery { Select = ["SeenAt", "UpdatedAt"] }))
        {
            results.Add(e);
        }

        Assert.Equal(["marked", "unmarked"], results.Select(e => e.RowKey));
        Assert.Equal(when.AddDays(8), results[0].GetDateTimeOffset("SeenAt"));
        Assert.Null(results[1].GetDateTimeOffset("SeenAt"));
        Assert.Equal(when, results[1].GetDateTimeOffset("UpdatedAt"));
        Assert.All(results, e => Assert.Null(e["Other"]));
    }

    [Theory]
    [InlineData("' or PartitionKey ne '")]
    [InlineData("a' or 'a' eq 'a")]
    [InlineData("') or (PartitionKey ne '")]
    public async Task Query_InjectionAttemptInAValue_ReturnsNoExtraRows(string hostile)
    {
        await Table.UpsertAsync(new TableEntity("secret", "r1"));
        await Table.UpsertAsync(new TableEntity("other", "r2"));

        var results = new List<TableEntity>();
        await foreach (var e in Table.QueryAsync(TableQuery.InPartition(hostile)))
        {
            results.Add(e);
        }

        Assert.Empty(results);
    }

    [Fact]
    public void Filter_ToOData_QuotesAndTypesLiterals()
    {
        var filter = TableFilter.Equal("PartitionKey", "O'Brien") & TableFilter.GreaterThan("N", 5L) & TableFilter.LessThan("When", new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        Assert.Equal("((PartitionKey eq 'O''Brien') and (N gt 5L)) and (When lt datetime'2026-01-01T00:00:00.0000000Z')", filter.ToOData());
    }

    [Fact]
    public async Task Transaction_OneFailingAction_AppliesNothing()
    {
        await Table.AddAsync(new TableEntity("pk", "taken"));

        var e = await Assert.ThrowsAsync<TableTransactionFailedException>(() => Table.SubmitTransactionAsync(
        [
            TableTransactionAction.Add(new TableEntity("pk", "fresh")),
            TableTransactionAction.Add(new TableEntity("pk", "taken")),
        ]));

        Assert.Equal(1, e.FailedIndex);
        Assert.Equal(409, e.Status);
        Assert.Null(await Table.GetAsync("pk", "fresh"));
    }

    [Fact]
    public async Task Transaction_ExactlyOneHundred_IsAccepted_OneHundredAndOne_IsRefusedAndChunkSplitsIt()
    {
        var hundred = Enumerable.Range(0, 100).Select(i => TableTransactionAction.Add(new TableEntity("pk", $"r{i:D3}"))).ToList();
        await Table.SubmitTransactionAsync(hundred);

        var more = Enumerable.Range(0, 101).Select(i => TableTransactionAction.Upsert(new TableEntity("pk2", $"r{i:D3}"))).ToList();
        await Assert.ThrowsAsync<ArgumentException>(() => Table.SubmitTransactionAsync(more));

        var batches = TableTransaction.Chunk(more).ToList();
        Assert.Equal([100, 1], batches.Select(b => b.Count));
        foreach (var batch in batches)
        {
            await Table.SubmitTransactionAsync(batch);
        }

        var count = 0;
        await foreach (var _ in Table.QueryAsync(TableQuery.InPartition("pk2")))
        {
            count++;
        }

        Assert.Equal(101, count);
    }

    [Fact]
    public async Task Chunk_LargeEntities_StayUnderTheFourMebibytePayload()
    {
        // 100 entities of about 60 KB of JSON each are some 6 MB: too much for one transaction, though only 100.
        var actions = Enumerable.Range(0, 100)
            .Select(i => TableTransactionAction.Upsert(new TableEntity("big", $"r{i:D3}") { ["A"] = new string('a', 30_000), ["B"] = new string('b', 30_000) }))
            .ToList();

        var batches = TableTransaction.Chunk(actions).ToList();

        Assert.True(batches.Count >= 2, $"{batches.Count} batches");
        Assert.Equal(100, batches.Sum(b => b.Count));
        Assert.All(batches, b => Assert.True(b.Sum(a => EntityJson.Serialize(a.Entity, includeKeys: true).Length) <= TableTransaction.MaxPayloadBytes));
        foreach (var batch in batches)
        {
            await Table.SubmitTransactionAsync(batch);
        }

        var count = 0;
        await foreach (var _ in Table.QueryAsync(TableQuery.InPartition("big") with { Select = ["A"] }))
        {
            count++;
        }

        Assert.Equal(100, count);
    }

    [Fact]
    public async Task QueryPartitions_ReturnsEveryEntityOfThoseAndNoOtherPartitions()
    {
        for (var p = 0; p < 12; p++)
        {
            await Table.SubmitTransactionAsync([.. Enumerable.Range(0, 3).Select(r => TableTransactionAction.Add(new TableEntity($"p{p:D2}", $"r{r}") { ["N"] = p * 10 + r }))]);
        }

        var wanted = new[] { "p07", "p00", "p11", "missing", "p07" };
        var read = new List<TableEntity>();
        await foreach (var entity in Table.QueryPartitionsAsync(wanted))
        {
            read.Add(entity);
        }

        Assert.Equal(
            ["p00/r0", "p00/r1", "p00/r2", "p07/r0", "p07/r1", "p07/r2", "p11/r0", "p11/r1", "p11/r2"],
            read.Select(e => $"{e.PartitionKey}/{e.RowKey}").Order(StringComparer.Ordinal));
        Assert.All(read, e => Assert.NotEqual(default, e.ETag));
    }

    [Fact]
    public async Task SubmitTransactions_OneFails_ItAloneIsRolledBackAndReported()
    {
        var taken = await Table.AddAsync(new TableEntity("b", "taken") { ["V"] = "old" });

        var results = await Table.SubmitTransactionsAsync(
        [
            [TableTransactionAction.Add(new TableEntity("a", "1")), TableTransactionAction.Add(new TableEntity("a", "2"))],
            [TableTransactionAction.Add(new TableEntity("b", "new")), TableTransactionAction.Add(new TableEntity("b", "taken"))],
            [TableTransactionAction.Update(new TableEntity("b", "taken") { ["V"] = "new" }, taken)],
            [TableTransactionAction.Add(new TableEntity("c", "1"))],
        ]);

        Assert.Null(results[0]);
        Assert.True(results[1]!.IsConflict());
        Assert.Null(results[2]);
        Assert.Null(results[3]);
        Assert.NotNull(await Table.GetAsync("a", "2"));
        Assert.Null(await Table.GetAsync("b", "new")); // its transaction failed as a whole
        Assert.Equal("new", (await Table.GetAsync("b", "taken"))!["V"]);
        Assert.NotNull(await Table.GetAsync("c", "1"));
    }

    [Fact]
    public async Task Transaction_TwoPartitions_IsRefused()
    {
        var e = await Assert.ThrowsAsync<ArgumentException>(() => Table.SubmitTransactionAsync(
            [TableTransactionAction.Add(new TableEntity("a", "1")), TableTransactionAction.Add(new TableEntity("b", "1"))]));
        Assert.Contains("one partition key", e.Message);
    }

    [Theory]
    [InlineData("Zoë")]
    [InlineData("日本語キー")]
    [InlineData("emoji 🚀 key")]
    [InlineData("O'Brien")]
    [InlineData("50% & more+plus")]
    public async Task Keys_Unicode_AndUrlUnfriendlyCharacters_RoundTrip(string key)
    {
        await Table.UpsertAsync(new TableEntity(key, key) { ["V"] = key });
        Assert.Equal(key, (await Table.GetAsync(key, key))!["V"]);
    }

    [Theory]
    [InlineData("a/b")]
    [InlineData("a\\b")]
    [InlineData("a#b")]
    [InlineData("a?b")]
    [InlineData("tab\there")]
    public void Keys_ForbiddenCharacters_AreRefusedWithAClearError(string key)
    {
        var e = Assert.Throws<ArgumentException>(() => new TableEntity(key, "rk"));
        Assert.Contains("may not hold", e.Message);
    }

    [Fact]
    public async Task Entity_OverOneMebibyte_IsRefusedWithAClearError()
    {
        var entity = new TableEntity("pk", "rk");
        for (var i = 0; i < 20; i++)
        {
            entity[$"P{i}"] = new string('x', 30_000);
        }

        var e = await Assert.ThrowsAsync<ArgumentException>(() => Table.UpsertAsync(entity));
        Assert.Contains("1 MiB", e.Message);
    }

    [Fact]
    public async Task Operations_OnATableNeverCreated_Throw404TableNotFound()
    {
        var store = await CreateStoreAsync();
        var missing = store.GetTable("missing" + Guid.NewGuid().ToString("N")[..12]);
        var e = await Assert.ThrowsAsync<RequestFailedException>(() => missing.UpsertAsync(new TableEntity("a", "b")));
        Assert.Equal(404, e.Status);
        Assert.Equal(TableErrorCodes.TableNotFound, e.ErrorCode);
    }
}
