using System.Text;
using Pipeline.Domain.Feeds;

namespace Pipeline.Domain.Tests;

/// <summary>
/// Reading a document in parts gives what reading it whole gives: for every row, continuing from that row's
/// checkpoint (the bytes from its offset, the header and next-page value learned before it) yields exactly the rows
/// after it, with the same positions.
/// </summary>
public class FeedResumeTests
{
    private static FeedDefinition Feed(FeedFormat format, string? recordsPath = null, string? nextPath = null, string encoding = "utf-8") => new()
    {
        Id = "f", Source = "S", Location = "x", Format = format, RecordsPath = recordsPath, Encoding = encoding,
        Pagination = nextPath is null ? null : new FeedPagination { NextPath = nextPath },
    };

    public static TheoryData<string, byte[], FeedDefinition> Documents() => new()
    {
        {
            "csv: BOM, CRLF, quoted line breaks, unclosed quote, wide characters, blank lines",
            [0xEF, 0xBB, 0xBF, .. Encoding.UTF8.GetBytes(
                "email,name,skills\r\na@x.example,Ana Łukasz,\"python,\r\ntorch\"\r\n\r\nb@x.example,\"Bo \"\"B\"\"\",k8s\r\n" +
                "c@x.example,\"never closed,x\r\nd@x.example,Dee 😀,tf\r\nnot-an-email,Eve,\r\ne@x.example,Eli,sql")],
            Feed(FeedFormat.Csv)
        },
        {
            "csv: bytes that are not UTF-8 in the middle",
            [.. Encoding.UTF8.GetBytes("email,name\na@x.example,Ana\nb@x.example,B"), 0xC3, 0x28, 0xFF, .. Encoding.UTF8.GetBytes("\nc@x.example,Çe\n")],
            Feed(FeedFormat.Csv)
        },
        {
            "csv: windows-1252",
            Encoding.Latin1.GetBytes("email;name\na@x.example;Zoë\nb@x.example;José\nc@x.example;Ångström\n"),
            Feed(FeedFormat.Csv, encoding: "windows-1252") with { Delimiter = ';' }
        },
        {
            "ndjson: CRLF, blank lines, a bad line, no final newline",
            Encoding.UTF8.GetBytes("{\"email\":\"a@x.example\",\"name\":\"Åsa\"}\r\n\r\n{\"email\":\"b@x.example\"}\n{not json}\n{\"email\":\"c@x.example\"}"),
            Feed(FeedFormat.Ndjson)
        },
        {
            "json array with white space between entries",
            Encoding.UTF8.GetBytes("[ {\"email\":\"a@x.example\"} ,\n {\"email\":\"b@x.example\",\"name\":\"Bø\"},{\"email\":\"bad\"} ,{\"email\":\"c@x.example\"}\n]\n"),
            Feed(FeedFormat.Json)
        },
        {
            "json wrapped, next link before and after the records",
            Encoding.UTF8.GetBytes("{\"meta\":{\"next\":\"https://feed.example/p2\"},\"result\":{\"items\":[{\"email\":\"a@x.example\"},{\"email\":\"b@x.example\"},{\"email\":\"c@x.example\"}],\"total\":3},\"after\":[1,2]}"),
            Feed(FeedFormat.Json, "result.items", "meta.next")
        },
        {
            "json resume array",
            Encoding.UTF8.GetBytes("[{\"basics\":{\"email\":\"a@x.example\",\"name\":\"A\"}},{\"basics\":{\"name\":\"no email\"}},{\"basics\":{\"email\":\"c@x.example\"},\"skills\":[{\"name\":\"ML\",\"keywords\":[\"torch\"]}]}]"),
            Feed(FeedFormat.JsonResume)
        },
    };

    [Theory]
    [MemberData(nameof(Documents))]
    public async Task ContinuingFromAnyRow_YieldsTheRowsAfterIt(string description, byte[] document, FeedDefinition feed)
    {
        var (whole, info) = await ParseAsync(document, feed, null);
        Assert.True(whole.Count >= 3, description);

        for (var i = 0; i < whole.Count; i++)
        {
            var at = whole[i].Next;
            Assert.InRange(at.Offset, 1, document.Length);
            var resume = new FeedResume { At = at, Header = info[i].Header, NextPage = info[i].NextPage };
            var (rest, _) = await ParseAsync(document[(int)at.Offset..], feed, resume);

            Assert.Equal(whole.Skip(i + 1).Select(Describe), rest.Select(Describe));
        }
    }

    [Fact]
    public async Task WrappedJson_NextPageIsFound_WhetherBeforeOrAfterTheRecords()
    {
        var feed = Feed(FeedFormat.Json, "data", "paging.next");
        foreach (var text in new[]
                 {
                     "{\"paging\":{\"next\":\"/p2\"},\"data\":[{\"email\":\"a@x.example\"}]}",
                     "{\"data\":[{\"email\":\"a@x.example\"}],\"paging\":{\"next\":\"/p2\"}}",
                 })
        {
            var info = new FeedDocumentInfo();
            var rows = new List<FeedRow>();
            await foreach (var row in FeedParser.ParseAsync(new MemoryStream(Encoding.UTF8.GetBytes(text)), feed, null, info))
            {
                rows.Add(row);
            }

            Assert.Single(rows);
            Assert.Equal("/p2", info.NextPage);
        }
    }

    [Fact]
    public async Task WrappedJson_WithoutTheRecordsArray_FailsTheFeedNamingThePath()
    {
        var e = await Assert.ThrowsAsync<FeedFormatException>(() => ParseAsync("{\"results\":[]}"u8.ToArray(), Feed(FeedFormat.Json, "data"), null));
        Assert.Contains("'data'", e.Message);
    }

    [Fact]
    public async Task NextPage_ContinuesPositionsFromTheCheckpoint()
    {
        // A second page starts a new document (offset 0); its positions count on from the first page's.
        var feed = Feed(FeedFormat.Csv);
        var (rows, _) = await ParseAsync("email\nd@x.example\ne@x.example\n"u8.ToArray(), feed, new FeedResume { At = new FeedCheckpoint(0, 7) });
        Assert.Equal([8L, 9L], rows.Select(r => r.Position));
    }

    private static string Describe(FeedRow row) => row switch
    {
        AcceptedRow a => $"{a.Position} ok {a.Candidate.Email} {a.Candidate.Name} {string.Join('|', a.Candidate.Skills)} -> {a.Next}",
        RejectedRow r => $"{r.Position} rejected {r.Field}: {r.Reason} -> {r.Next}",
        _ => throw new InvalidOperationException(),
    };

    /// <summary>The rows, and after each row what the parser had learned by then (header, next page).</summary>
    private static async Task<(List<FeedRow> Rows, List<(IReadOnlyList<string>? Header, string? NextPage)> Info)> ParseAsync(
        byte[] bytes, FeedDefinition feed, FeedResume? resume)
    {
        var rows = new List<FeedRow>();
        var learned = new List<(IReadOnlyList<string>?, string?)>();
        var info = new FeedDocumentInfo();

        // One byte at a time, so every buffer boundary is crossed somewhere.
        await foreach (var row in FeedParser.ParseAsync(new TrickleStream(bytes), feed, resume, info))
        {
            rows.Add(row);
            learned.Add((info.Header, info.NextPage));
        }

        return (rows, learned);
    }

    private sealed class TrickleStream(byte[] bytes) : MemoryStream(bytes)
    {
        public override int Read(byte[] buffer, int offset, int count) => base.Read(buffer, offset, Math.Min(count, 3));

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            base.ReadAsync(buffer[..Math.Min(buffer.Length, 3)], cancellationToken);
    }
}
