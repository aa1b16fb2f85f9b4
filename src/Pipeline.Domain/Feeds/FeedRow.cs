using Pipeline.Domain.Candidates;

namespace Pipeline.Domain.Feeds;

/// <summary>What a parser made of one row: an accepted candidate or a rejection with its reason.</summary>
public abstract record FeedRow(long Position);

public sealed record AcceptedRow(long Position, CandidateRecord Candidate) : FeedRow(Position);

/// <summary>A rejected row. <paramref name="Excerpt"/> is the start of the raw row, kept for whoever fixes the feed.</summary>
public sealed record RejectedRow(long Position, string Field, string Reason, string? Excerpt) : FeedRow(Position)
{
    public const int MaxExcerpt = 500;

    public static string? Cut(string? raw) => raw is null || raw.Length <= MaxExcerpt ? raw : raw[..MaxExcerpt] + "…";
}

/// <summary>The feed as a whole cannot be read (wrong header, not the declared format).</summary>
public sealed class FeedFormatException(string message, Exception? inner = null) : Exception(message, inner);
