using System.Runtime.CompilerServices;
using System.Text;

namespace Pipeline.Domain.Feeds;

/// <summary>Parses a feed's bytes with the parser of its format. The one entry point for ingestion and for <c>pipeline feeds check</c>.</summary>
public static class FeedParser
{
    public static async IAsyncEnumerable<FeedRow> ParseAsync(Stream stream, FeedDefinition feed, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var rows = feed.Format switch
        {
            FeedFormat.Csv => CsvFeedParser.ParseAsync(new StreamReader(stream, TextEncoding(feed), detectEncodingFromByteOrderMarks: true), feed, cancellationToken),
            FeedFormat.JsonResume => JsonResumeFeedParser.ParseAsync(stream, feed, cancellationToken),
            FeedFormat.Json or FeedFormat.Ndjson => JsonRecordsFeedParser.ParseAsync(stream, feed, cancellationToken),
            _ => throw new FeedFormatException($"Feed '{feed.Id}': format {feed.Format} is not supported."),
        };
        await foreach (var row in rows.ConfigureAwait(false))
        {
            yield return row;
        }
    }

    /// <summary>
    /// UTF-8 by default, refusing invalid bytes (the feed fails with a clear reason instead of filling names with
    /// replacement characters); Windows-1252 where the feed declares it (older spreadsheet exports).
    /// </summary>
    public static Encoding TextEncoding(FeedDefinition feed) => feed.Encoding.ToLowerInvariant() switch
    {
        "utf-8" or "utf8" => new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true),
        "windows-1252" or "cp1252" => CodePagesEncodingProvider.Instance.GetEncoding(1252)!,
        var other => throw new FeedFormatException($"Feed '{feed.Id}': encoding '{other}' is not supported (utf-8 or windows-1252)."),
    };
}
