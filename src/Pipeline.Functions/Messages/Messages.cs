using Pipeline.Domain.Candidates;
using Pipeline.Domain.Feeds;

namespace Pipeline.Functions.Messages;

/// <summary>Queue names, as declared in the function.json files.</summary>
public static class Queues
{
    public const string Candidates = "candidates";
    public const string Shortlists = "shortlists";
    public const string Notifications = "notifications";
}

/// <summary>A page of normalised candidates from one feed run (queue <c>candidates</c>).</summary>
public sealed record CandidatePage
{
    public required string FeedId { get; init; }

    public required FeedKind FeedKind { get; init; }

    public required string Source { get; init; }

    /// <summary>When the feed run started; identifies the run.</summary>
    public required DateTimeOffset RunStarted { get; init; }

    public required int PageNumber { get; init; }

    public required IReadOnlyList<CandidateRecord> Candidates { get; init; }
}

/// <summary>Asks for a requisition's shortlist to be rebuilt (queue <c>shortlists</c>).</summary>
public sealed record ShortlistRequest
{
    public required string RequisitionId { get; init; }
}

/// <summary>A new shortlist version is ready to be delivered (queue <c>notifications</c>).</summary>
public sealed record ShortlistReady
{
    public required string RequisitionId { get; init; }

    public required int Version { get; init; }
}
