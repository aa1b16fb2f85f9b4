using System.Runtime.CompilerServices;
using System.Text;
using Pipeline.Domain.Feeds;

namespace Pipeline.Functions.Feeds;

/// <summary>Opens a feed's file and hands its rows to the parser of the feed's format.</summary>
public static class FeedReader
{
    public static async IAsyncEnumerable<FeedRow> ReadAsync(FeedDefinition feed, string path, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 64 * 1024, useAsync: true);
        IAsyncEnumerable<FeedRow> rows = feed.Format switch
        {
            // Invalid UTF-8 stops the feed with a clear reason rather than turning into replacement characters.
            FeedFormat.Csv => CsvFeedParser.ParseAsync(
                new StreamReader(stream, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true), detectEncodingFromByteOrderMarks: true),
                feed,
                cancellationToken),
            FeedFormat.JsonResume => JsonResumeFeedParser.ParseAsync(stream, feed, cancellationToken),
            _ => throw new FeedFormatException($"Feed '{feed.Id}': format {feed.Format} is not supported."),
        };
        await foreach (var row in rows.WithCancellation(cancellationToken))
        {
            yield return row;
        }
    }
}
