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
    /// <remarks>The format's own parser is handed back as it is: one more async iterator around it cost a tenth of an NDJSON parse.</remarks>
    public static IAsyncEnumerable<FeedRow> ParseAsync(
        Stream stream, FeedDefinition feed, FeedResume? resume, FeedDocumentInfo? info, CancellationToken cancellationToken = default)
    {
        info ??= new FeedDocumentInfo();
        return feed.Format switch
        {
            FeedFormat.Csv => CsvFeedParser.ParseAsync(stream, feed, resume, info, cancellationToken),
            FeedFormat.JsonResume => JsonResumeFeedParser.ParseAsync(stream, feed, resume, info, cancellationToken),
            FeedFormat.Json or FeedFormat.Ndjson => JsonRecordsFeedParser.ParseAsync(stream, feed, resume, info, cancellationToken),
            _ => Unsupported(feed),
        };
    }

    // Thrown when the rows are read, as before, not when the parser is asked for.
    private static async IAsyncEnumerable<FeedRow> Unsupported(FeedDefinition feed)
    {
        await Task.CompletedTask.ConfigureAwait(false);
        throw new FeedFormatException($"Feed '{feed.Id}': format {feed.Format} is not supported.");
#pragma warning disable CS0162 // an iterator needs a yield
        yield break;
#pragma warning restore CS0162
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
