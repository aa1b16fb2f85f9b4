using System.Runtime.CompilerServices;
using System.Text;

namespace Pipeline.Domain.Feeds;

/// <summary>Parses a feed's bytes with the parser of its format. The one entry point for ingestion and for <c>pipeline feeds check</c>.</summary>
public static class FeedParser
{
    public static IAsyncEnumerable<FeedRow> ParseAsync(Stream stream, FeedDefinition feed, CancellationToken cancellationToken = default) =>
        ParseAsync(stream, feed, null, null, cancellationToken);

    /// <summary>
    /// Parses a document, or the rest of one: with <paramref name="resume"/>, <paramref name="stream"/> starts at the
    /// resume offset and positions count on from there. <paramref name="info"/> receives the CSV header and the
    /// JSON next-page value as they are read.
    /// </summary>
    public static async IAsyncEnumerable<FeedRow> ParseAsync(
        Stream stream, FeedDefinition feed, FeedResume? resume, FeedDocumentInfo? info, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        info ??= new FeedDocumentInfo();
        var rows = feed.Format switch
        {
            FeedFormat.Csv => CsvFeedParser.ParseAsync(stream, feed, resume, info, cancellationToken),
            FeedFormat.JsonResume => JsonResumeFeedParser.ParseAsync(stream, feed, resume, info, cancellationToken),
            FeedFormat.Json or FeedFormat.Ndjson => JsonRecordsFeedParser.ParseAsync(stream, feed, resume, info, cancellationToken),
            _ => throw new FeedFormatException($"Feed '{feed.Id}': format {feed.Format} is not supported."),
        };
        await foreach (var row in rows.ConfigureAwait(false))
        {
            yield return row;
        }
    }

    /// <summary>
    /// UTF-8 by default, with bytes that are not valid UTF-8 kept as stand-ins so the row holding them is rejected
    /// with a clear reason and the rest of the file is read (<see cref="Utf8Escaping"/>); Windows-1252 where the feed
    /// declares it (older spreadsheet exports).
    /// </summary>
    public static Encoding TextEncoding(FeedDefinition feed) => feed.Encoding.ToLowerInvariant() switch
    {
        "utf-8" or "utf8" => Utf8Escaping.Encoding,
        "windows-1252" or "cp1252" => CodePagesEncodingProvider.Instance.GetEncoding(1252)!,
        var other => throw new FeedFormatException($"Feed '{feed.Id}': encoding '{other}' is not supported (utf-8 or windows-1252)."),
    };
}
