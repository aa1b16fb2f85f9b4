using Pipeline.Domain.Candidates;
using Pipeline.Domain.Feeds;

namespace Pipeline.Core.Candidates;

/// <summary>What screening a feed's record did to the person it belongs to.</summary>
public enum ScreenOutcome
{
    New,
    Updated,
    Unchanged,

    /// <summary>The same feed run already listed this person at another position: a duplicate within the file.</summary>
    Duplicate,
}

/// <summary>One feed's record of one person, to store; <see cref="Run"/> and <see cref="Position"/> say where in which run it was read.</summary>
public sealed record CandidateWrite(string FeedId, FeedKind Kind, string Source, CandidateRecord Record, DateTimeOffset? Run = null, long? Position = null);

/// <summary>
/// What storing a candidate did; for a duplicate, the position of the row that came first; the person the record
/// belongs to; and for a new or updated person their profile before (null when new) and after.
/// </summary>
public readonly record struct ScreenResult(ScreenOutcome Outcome, long? FirstPosition = null, string? Person = null)
{
    public CandidateProfile? Before { get; init; }

    public CandidateProfile? After { get; init; }
}
