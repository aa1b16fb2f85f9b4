using System.Runtime.CompilerServices;
using System.Text;
using Pipeline.Domain.Candidates;

namespace Pipeline.Domain.Feeds;

/// <summary>
/// Reads JSON feeds of flat or nested records: a JSON array (streamed) or NDJSON (one record per line). The feed's
/// mapping gives each of our fields a dotted path into the record (<c>contact.email</c>, <c>emails.0</c>); a field
/// without one is read from the property of its own name.
/// </summary>
public static class JsonRecordsFeedParser
{
    /// <summary>An NDJSON line longer than this is rejected without being parsed.</summary>
    public const int MaxLineLength = 1024 * 1024;

    public static async IAsyncEnumerable<FeedRow> ParseAsync(
        Stream stream, FeedDefinition feed, FeedResume? resume, FeedDocumentInfo info, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var seen = new DuplicateTracker();
        var records = new JsonRecordReader(feed);
        if (feed.Format != FeedFormat.Ndjson)
        {
            // An array's items are mapped by the same reader as NDJSON lines, so both formats read a mapping alike.
            await foreach (var item in JsonItems.ReadAsync(stream, feed, resume, info, cancellationToken).ConfigureAwait(false))
            {
                yield return item.Failure is null
                    ? ToRow(records, Encoding.UTF8.GetBytes(item.Element.GetRawText()), item.Position, item.Next, feed.DefaultRegion, seen)
                    : new RejectedRow(item.Position, item.Fatal ? "document" : "row", item.Failure, null) { Next = item.Next };
            }

            yield break;
        }

        await foreach (var line in NdjsonLines.ReadAsync(stream, resume?.At, MaxLineLength, cancellationToken).ConfigureAwait(false))
        {
            var next = new FeedCheckpoint(line.End, line.Number + 1);
            if (line.Problem is { } problem)
            {
                yield return new RejectedRow(line.Number, "row", problem, RejectedRow.Cut(line.Excerpt)) with { Next = next };
                continue;
            }

            yield return ToRow(records, line.Bytes, line.Number, next, feed.DefaultRegion, seen);
        }
    }

    // The checkpoint is set as each row is made, not copied in afterwards: one row object per line, not two.
    private static FeedRow ToRow(JsonRecordReader records, ReadOnlyMemory<byte> record, long position, FeedCheckpoint next, string? defaultRegion, DuplicateTracker seen)
    {
        if (records.Read(record) is { } problem)
        {
            return new RejectedRow(position, "row", problem, RejectedRow.Cut(records.Excerpt())) { Next = next };
        }

        if (CandidateBuilder.TryBuild(records, out var e, defaultRegion) is not { } candidate)
        {
            return new RejectedRow(position, e!.Field, e.Reason, RejectedRow.Cut(records.Excerpt())) { Next = next };
        }

        return seen.IsDuplicate(candidate.Email, position) is { } first
            ? new RejectedRow(position, CandidateFields.Email, $"duplicate of record {first} in the same feed", RejectedRow.Cut(records.Excerpt())) { Next = next }
            : new AcceptedRow(position, candidate) { Next = next };
    }
}
