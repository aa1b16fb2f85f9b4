using Pipeline.Domain.Candidates;

namespace Pipeline.Domain.Feeds;

/// <summary>What a parser made of one row: an accepted candidate or a rejection with its reason.</summary>
public abstract record FeedRow(long Position)
{
    /// <summary>Where reading can continue after this row, in a later invocation.</summary>
    public FeedCheckpoint Next { get; init; }
}

/// <summary>
/// A point between two rows: the byte offset where the next row starts and the position the next row will have at
/// the earliest (its line for CSV and NDJSON, its 1-based index for JSON). Offset 0 is the start of a document, whose
/// positions then count on from <see cref="Position"/> (the next page of a paginated feed).
/// </summary>
public readonly record struct FeedCheckpoint(long Offset, long Position);

/// <summary>Where to continue reading a document that an earlier invocation read part of.</summary>
public sealed record FeedResume
{
    /// <summary>The checkpoint after the last row handed on; the stream given to the parser starts at its offset.</summary>
    public required FeedCheckpoint At { get; init; }

    /// <summary>CSV: the header row read at the start of the document.</summary>
    public IReadOnlyList<string>? Header { get; init; }

    /// <summary>JSON: the next-page link or cursor seen before the entries, if the document carries one.</summary>
    public string? NextPage { get; init; }
}

/// <summary>What a parser learns about a document besides its rows: its CSV header, its next-page link.</summary>
public sealed class FeedDocumentInfo
{
    public IReadOnlyList<string>? Header { get; set; }

    /// <summary>The value at the feed's <c>pagination.nextPath</c>: the next page's URL or cursor.</summary>
    public string? NextPage { get; set; }
}

public sealed record AcceptedRow(long Position, CandidateRecord Candidate) : FeedRow(Position);

/// <summary>A rejected row. <paramref name="Excerpt"/> is the start of the raw row, kept for whoever fixes the feed.</summary>
public sealed record RejectedRow(long Position, string Field, string Reason, string? Excerpt) : FeedRow(Position)
{
    public const int MaxExcerpt = 500;

    public static string? Cut(string? raw) => raw is null || raw.Length <= MaxExcerpt ? raw : raw[..MaxExcerpt] + "…";
}

/// <summary>The feed as a whole cannot be read (wrong header, not the declared format).</summary>
public sealed class FeedFormatException(string message, Exception? inner = null) : Exception(message, inner);
