using Pipeline.Domain.Feeds;

namespace Pipeline.Functions.Feeds;

/// <summary>Opens a feed's file and hands it to the parser of the feed's format.</summary>
public static class FeedReader
{
    public static async IAsyncEnumerable<FeedRow> ReadAsync(FeedDefinition feed, string path, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 64 * 1024, useAsync: true);
        await foreach (var row in FeedParser.ParseAsync(stream, feed, cancellationToken))
        {
            yield return row;
        }
    }
}
