using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Pipeline.Core;
using Pipeline.Core.Decisions;
using Pipeline.Core.Privacy;

namespace Pipeline.Functions.Tests.Flows;

/// <summary>Export and erasure of a person, and suppression, over the real handler and its SQLite store.</summary>
public sealed class PersonalDataTests
{
    // Known only by rows that were rejected (a date that is not one) and by an audit entry: never a candidate.
    private const string Email = "zeno.quarantined@students.northfield.example";
    private const string BadRow = "zeno.quarantined@students.northfield.example,Zeno Quarantined,+1 617 555 1999,\"Boston, MA, US\",Northfield University,\"MSc, Computer Science\",not-a-date,PyTorch; Kubeflow,,\r\n";

    private static Task<RunningHandler> StartAsync() =>
        RunningHandler.StartAsync(prepareConfig: config => File.AppendAllText(Path.Combine(config, "feeds", "northfield-university.csv"), BadRow));

    private static async Task<List<Storage.TableEntity>> RowsAsync(RunningHandler handler, string table)
    {
        var rows = new List<Storage.TableEntity>();
        await foreach (var entity in handler.Services.GetRequiredService<Storage.ITableStore>().GetTable(table).QueryAsync())
        {
            rows.Add(entity);
        }

        return rows;
    }

    private static bool Holds(Storage.TableEntity entity, string text) =>
        entity.Properties.Values.OfType<string>().Append(entity.PartitionKey).Append(entity.RowKey).Any(v => v.Contains(text, StringComparison.OrdinalIgnoreCase));

    [Fact]
    public async Task ExportAndErase_PersonKnownOnlyByAQuarantinedRowAndAnAuditEntry_ExportShowsThem_ErasureLeavesNeither()
    {
        await using var handler = await StartAsync();
        await handler.PollFeedsAsync();
        await handler.Services.GetRequiredService<AuditStore>().RecordAsync("ml-engineer-platform", "reply-from-someone-else", Email, "<reply-1@mail.example>", default);
        Assert.Contains(await RowsAsync(handler, Tables.Quarantine), r => Holds(r, Email));
        var data = handler.Services.GetRequiredService<PersonalData>();

        using (var export = await data.ExportAsync(Email.ToUpperInvariant(), default))
        {
            Assert.NotNull(export);
            Assert.Single(export.RootElement.GetProperty(Tables.Quarantine).EnumerateArray());
            Assert.Single(export.RootElement.GetProperty(Tables.Audit).EnumerateArray());
        }

        var report = await data.EraseAsync(Email, default);

        Assert.True(report.Found);
        Assert.DoesNotContain(await RowsAsync(handler, Tables.Quarantine), r => Holds(r, Email));
        Assert.DoesNotContain(await RowsAsync(handler, Tables.Audit), r => Holds(r, Email));
        Assert.Contains(await RowsAsync(handler, Tables.Audit), r => r.GetString("Kind") == "reply-from-someone-else"); // the event stays, anonymous
    }

    [Fact]
    public async Task ReadFeed_SuppressedEmailInARowThatWouldBeQuarantined_IsNotWrittenToQuarantine()
    {
        await using var handler = await StartAsync();
        await handler.Services.GetRequiredService<PersonalData>().EraseAsync(Email, default);

        var runs = await handler.PollFeedsAsync();

        Assert.DoesNotContain(await RowsAsync(handler, Tables.Quarantine), r => Holds(r, Email));
        Assert.Contains(await RowsAsync(handler, Tables.Quarantine), r => r.PartitionKey == "northfield-university"); // the feed's other bad rows still are
        Assert.Equal(1, runs.Metric("suppressed"));
    }
}
