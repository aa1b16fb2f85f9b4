using System.Globalization;
using Pipeline.Domain.Feeds;

namespace Pipeline.Core.Feeds;

/// <summary>
/// Where a feed run is: which document (page URL), where in it, and what the run must remember from earlier parts.
/// Carried from one invocation to the next in <c>feedreads</c> messages, so a feed of any size is read in parts.
/// </summary>
public sealed record FeedCursor
{
    /// <summary>The document being read; null: the feed's own location (with its incremental parameter).</summary>
    public string? Url { get; init; }

    /// <summary>The byte offset in the document where the next row starts; 0 at the start of a document.</summary>
    public long Offset { get; init; }

    /// <summary>The position the next row gets (line, or entry index); positions count on across pages. 0 at the very start.</summary>
    public long Position { get; init; }

    /// <summary>CSV: the header of the document being read, needed to continue in its middle.</summary>
    public IReadOnlyList<string>? Header { get; init; }

    /// <summary>JSON: the next-page value met before the point reached in the document.</summary>
    public string? NextPage { get; init; }

    /// <summary>The watermark the document had when the run began reading it; a continuation refuses a changed document.</summary>
    public FeedWatermark? MustMatch { get; init; }

    /// <summary>First request only: the last run's watermark, sent as a conditional request.</summary>
    public FeedWatermark? IfChanged { get; init; }

    /// <summary>First request only: the incremental parameter's value (when the last successful run started reading).</summary>
    public DateTimeOffset? UpdatedSince { get; init; }

    /// <summary>Documents (pages) finished so far in this run.</summary>
    public int Responses { get; init; }

    /// <summary>The first document's watermark and date, saved when the run ends.</summary>
    public FeedWatermark? RunWatermark { get; init; }

    public DateTimeOffset? RunDate { get; init; }
}

public enum FeedReadEnd
{
    /// <summary>The feed was read to its end.</summary>
    Finished,

    /// <summary>The caller's budget was reached; <see cref="FeedReadResult.Cursor"/> says where to go on.</summary>
    Stopped,

    /// <summary>The source answered that nothing changed since the last run.</summary>
    NotModified,
}

public sealed record FeedReadResult(FeedReadEnd End, FeedCursor Cursor);

/// <summary>
/// Reads a feed from a cursor: opens each document (following Link headers, next-page URLs and cursors within the
/// feed's origin), parses its rows from the cursor's offset on, and stops at the first row boundary after the
/// caller's budget is spent, returning the cursor to continue from.
/// </summary>
public sealed class FeedReader(FeedOpener opener)
{
    /// <summary>A run that follows more pages than this is stopped: the source's pagination is taken to be looping.</summary>
    public const int MaxDocumentsPerRun = 10_000;

    public async Task<FeedReadResult> ReadAsync(
        FeedDefinition feed, FeedCursor cursor, Func<FeedRow, ValueTask> onRow, Func<bool> budgetSpent, CancellationToken cancellationToken)
    {
        while (true)
        {
            var url = !feed.IsHttp ? null : cursor.Url is { } u ? new Uri(u) : FirstUrl(feed, cursor.UpdatedSince);
            var first = cursor is { Responses: 0, Offset: 0 };
            var request = new FeedRequest(url, first ? cursor.IfChanged : null, cursor.Offset > 0 ? cursor.MustMatch : null, cursor.Offset);
            await using var opened = await opener.OpenAsync(feed, request, cancellationToken);
            if (opened.NotModified)
            {
                return new FeedReadResult(FeedReadEnd.NotModified, cursor);
            }

            if (first)
            {
                cursor = cursor with { RunWatermark = opened.Watermark, RunDate = opened.Date };
            }

            var resume = cursor.Offset > 0 || cursor.Position > 0
                ? new FeedResume { At = new FeedCheckpoint(cursor.Offset, cursor.Position), Header = cursor.Header, NextPage = cursor.NextPage }
                : null;
            var info = new FeedDocumentInfo();
            var position = cursor.Position;
            await foreach (var row in FeedParser.ParseAsync(opened.Body, feed, resume, info, cancellationToken))
            {
                await onRow(row);
                position = row.Next.Position;
                if (budgetSpent())
                {
                    return new FeedReadResult(FeedReadEnd.Stopped, cursor with
                    {
                        Url = opened.Url?.ToString(),
                        Offset = row.Next.Offset,
                        Position = row.Next.Position,
                        Header = info.Header,
                        NextPage = info.NextPage,
                        MustMatch = opened.Watermark,
                    });
                }
            }

            var next = opened.NextLink ?? (info.NextPage is { Length: > 0 } value && opened.Url is { } current ? NextPage(feed, current, value) : null);
            if (next is null)
            {
                return new FeedReadResult(FeedReadEnd.Finished, cursor);
            }

            if (next == opened.Url)
            {
                throw new FeedUnavailableException($"Feed '{feed.Id}': the next page is the page just read ({next}); the pagination does not advance.");
            }

            if (cursor.Responses + 1 >= MaxDocumentsPerRun)
            {
                throw new FeedUnavailableException($"Feed '{feed.Id}': more than {MaxDocumentsPerRun:N0} pages in one run; is the pagination looping?");
            }

            cursor = cursor with
            {
                Url = next.ToString(), Offset = 0, Position = position, Header = null, NextPage = null, MustMatch = null, Responses = cursor.Responses + 1,
            };
            if (budgetSpent())
            {
                return new FeedReadResult(FeedReadEnd.Stopped, cursor);
            }
        }
    }

    /// <summary>The feed's location, with its incremental parameter when there is a last successful run to count from.</summary>
    public static Uri FirstUrl(FeedDefinition feed, DateTimeOffset? updatedSince) =>
        feed.Incremental is { } incremental && updatedSince is { } since
            ? WithQuery(new Uri(feed.Location), incremental.Parameter, since.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture))
            : new Uri(feed.Location);

    private static Uri NextPage(FeedDefinition feed, Uri current, string value) =>
        feed.Pagination?.CursorParameter is { } parameter
            ? WithQuery(current, parameter, value)
            : FeedOpener.SameOrigin(feed, current, value);

    /// <summary>The URL with <paramref name="name"/> set to <paramref name="value"/>, replacing any earlier value.</summary>
    public static Uri WithQuery(Uri url, string name, string value)
    {
        var pairs = url.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries)
            .Where(p => !string.Equals(Uri.UnescapeDataString(p.Split('=')[0]), name, StringComparison.Ordinal))
            .Append($"{Uri.EscapeDataString(name)}={Uri.EscapeDataString(value)}");
        return new UriBuilder(url) { Query = string.Join('&', pairs) }.Uri;
    }
}
