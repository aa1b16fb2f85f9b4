using Pipeline.Domain.Feeds;

namespace Pipeline.Domain.Tests;

public class CsvTokenizerTests
{
    private static async Task<List<CsvRecord>> ReadAsync(string text, char delimiter = ',', int maxField = CsvTokenizer.DefaultMaxFieldLength)
    {
        var records = new List<CsvRecord>();
        await foreach (var r in new CsvTokenizer(new StringReader(text), delimiter, maxField).ReadAllAsync())
        {
            records.Add(r);
        }

        return records;
    }

    [Fact]
    public async Task ReadAll_QuotedFieldsWithDelimitersQuotesAndNewlines_AreOneField()
    {
        var records = await ReadAsync("a,\"b, \"\"quoted\"\"\nsecond line\",c\r\nd,e,f\n");

        Assert.Equal(2, records.Count);
        Assert.Equal(["a", "b, \"quoted\"\nsecond line", "c"], records[0].Fields);
        Assert.Null(records[0].Error);
        Assert.Equal(1, records[0].Line);
        Assert.Equal(3, records[1].Line);
        Assert.Equal(["d", "e", "f"], records[1].Fields);
    }

    [Theory]
    [InlineData("a,b\n\n\nc,d", 2)]
    [InlineData("a,b\r\n\r\nc,d\r\n", 2)]
    [InlineData("", 0)]
    [InlineData("\n\n", 0)]
    public async Task ReadAll_BlankLines_AreSkipped(string text, int expected)
    {
        Assert.Equal(expected, (await ReadAsync(text)).Count);
    }

    [Fact]
    public async Task ReadAll_EmptyTrailingField_IsKept()
    {
        var records = await ReadAsync("a,b,\n");
        Assert.Equal(["a", "b", ""], records[0].Fields);
    }

    [Fact]
    public async Task ReadAll_UnclosedQuote_IsReportedWithItsLine()
    {
        var records = await ReadAsync("ok,1\n\"never closed,2\nmore\n");

        Assert.Equal(3, records.Count);
        Assert.Null(records[0].Error);
        Assert.Contains("line 2", records[1].Error);
        Assert.Contains("never closed", records[1].Error);
        Assert.Equal(["more"], records[2].Fields);
    }

    [Fact]
    public async Task ReadAll_UnclosedQuoteMidFile_OnlyItsLineIsLost()
    {
        var records = await ReadAsync("a,1\n\"b,2\nc,3\nd,4\n");

        Assert.Equal(4, records.Count);
        Assert.NotNull(records[1].Error);
        Assert.Equal("\"b,2", records[1].Excerpt);
        Assert.Equal(["c", "3"], records[2].Fields);
        Assert.Equal(3, records[2].Line);
        Assert.Equal(["d", "4"], records[3].Fields);
        Assert.Equal(4, records[3].Line);
    }

    [Fact]
    public async Task ReadAll_TextAfterClosingQuote_IsAnErrorButTheNextRowSurvives()
    {
        var records = await ReadAsync("\"a\"x,b\nc,d\n");

        Assert.Contains("after a closing quote", records[0].Error);
        Assert.Equal(["c", "d"], records[1].Fields);
        Assert.Null(records[1].Error);
    }

    [Fact]
    public async Task ReadAll_OversizedField_IsAnErrorAndMemoryStaysBounded()
    {
        var records = await ReadAsync("x," + new string('a', 10_000) + "\ny,z\n", maxField: 100);

        Assert.Contains("longer than 100", records[0].Error);
        Assert.Equal(100, records[0].Fields[1].Length);
        Assert.Equal(["y", "z"], records[1].Fields);
    }

    [Fact]
    public async Task ReadAll_SemicolonDelimiter_Splits()
    {
        var records = await ReadAsync("a;b,c;d\n", delimiter: ';');
        Assert.Equal(["a", "b,c", "d"], records[0].Fields);
    }

    [Fact]
    public async Task ReadAll_RecordLongerThanBuffer_IsReadWhole()
    {
        var big = new string('q', 50_000);
        var records = await ReadAsync($"\"{big}\",2\n3,4\n", maxField: 100_000);
        Assert.Equal(big, records[0].Fields[0]);
        Assert.Equal(["3", "4"], records[1].Fields);
    }
}
