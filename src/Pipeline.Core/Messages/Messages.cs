using Pipeline.Domain.Candidates;
using Pipeline.Domain.Feeds;

namespace Pipeline.Core.Messages;

/// <summary>Queue names, as declared in the function.json files.</summary>
public static class Queues
{
    public const string FeedReads = "feedreads";
    public const string Candidates = "candidates";
    public const string Shortlists = "shortlists";
    public const string Notifications = "notifications";
    public const string Replies = "replies";
    public const string MailSync = "mailsync";
    public const string Verifications = "verifications";
}

/// <summary>Check these people's claimed credentials where they are due (queue <c>verifications</c>).</summary>
public sealed record VerificationRequest : ITracedMessage
{
    public IEnumerable<KeyValuePair<string, object?>> TraceTags() =>
    [
        new("pipeline.candidates", CandidateIds.Count),
        new("pipeline.reason", Reason),
    ];

    /// <summary>At most <see cref="MaxCandidates"/> candidate ids.</summary>
    public required IReadOnlyList<string> CandidateIds { get; init; }

    /// <summary><c>screened</c> (new or changed candidates) or <c>due</c> (the re-check timer).</summary>
    public string Reason { get; init; } = "screened";

    public const int MaxCandidates = 50;
}

/// <summary>Read a feed, or go on reading it from where the last part stopped (queue <c>feedreads</c>).</summary>
public sealed record FeedReadRequest : ITracedMessage
{
    public IEnumerable<KeyValuePair<string, object?>> TraceTags() =>
    [
        new("pipeline.feed", FeedId),
        new("pipeline.feed.part", Part),
    ];

    public required string FeedId { get; init; }

    /// <summary>When PollFeeds started the run; a request from an older run than the feed's current one is dropped.</summary>
    public required DateTimeOffset RunStarted { get; init; }

    /// <summary>1 for the run's first part.</summary>
    public int Part { get; init; } = 1;

    public Core.Feeds.FeedCursor Cursor { get; init; } = new();

    /// <summary>Totals of the run's earlier parts.</summary>
    public long Accepted { get; init; }

    public long Quarantined { get; init; }

    public int Pages { get; init; }

    /// <summary>
    /// The run's last pages were sent with this message: record the run and its watermark. Sent after the pages, so
    /// the watermark never advances past pages that were not handed on.
    /// </summary>
    public bool Complete { get; init; }
}

/// <summary>A page of normalised candidates from one feed run (queue <c>candidates</c>).</summary>
public sealed record CandidatePage : ITracedMessage
{
    public IEnumerable<KeyValuePair<string, object?>> TraceTags() =>
    [
        new("pipeline.feed", FeedId),
        new("pipeline.feed.page", PageNumber),
        new("pipeline.candidates", Candidates.Count),
    ];

    public required string FeedId { get; init; }

    public required FeedKind FeedKind { get; init; }

    public required string Source { get; init; }

    /// <summary>When the feed run started; identifies the run.</summary>
    public required DateTimeOffset RunStarted { get; init; }

    public required int PageNumber { get; init; }

    public required IReadOnlyList<CandidateRecord> Candidates { get; init; }

    /// <summary>Each candidate's position in the feed (line or entry), in the same order; lets duplicates that fall in different parts of a run be told apart.</summary>
    public IReadOnlyList<long>? Positions { get; init; }
}

/// <summary>Asks for a requisition's shortlist to be rebuilt (queue <c>shortlists</c>).</summary>
public sealed record ShortlistRequest : ITracedMessage
{
    public IEnumerable<KeyValuePair<string, object?>> TraceTags() =>
    [
        new("pipeline.requisition", RequisitionId),
    ];

    public required string RequisitionId { get; init; }
}

/// <summary>A new shortlist version is ready to be delivered (queue <c>notifications</c>).</summary>
public sealed record ShortlistReady : ITracedMessage
{
    public IEnumerable<KeyValuePair<string, object?>> TraceTags() =>
    [
        new("pipeline.requisition", RequisitionId),
        new("pipeline.shortlist.version", Version),
    ];

    public required string RequisitionId { get; init; }

    public required int Version { get; init; }
}

/// <summary>
/// An email that arrived in the shared mailbox, as read through Graph (queue <c>replies</c>). The same reply may
/// arrive twice (a change notification and the delta catch-up); <see cref="InternetMessageId"/> makes it one.
/// </summary>
public sealed record IncomingReply
{
    public required string InternetMessageId { get; init; }

    /// <summary>The message's id in the mailbox, to reply in its thread; null for a reply submitted by hand.</summary>
    public string? MessageId { get; init; }

    public string? ConversationId { get; init; }

    /// <summary>The In-Reply-To header: the Message-ID of the email answered, where the client kept it.</summary>
    public string? InReplyTo { get; init; }

    public required string From { get; init; }

    public required string Subject { get; init; }

    /// <summary>The body as sent, HTML or text; quoted history is removed when it is read.</summary>
    public required string Body { get; init; }

    public DateTimeOffset ReceivedAt { get; init; }
}

/// <summary>
/// Read the shared mailbox now (queue <c>mailsync</c>): a change notification said something arrived, or a lifecycle
/// event said notifications were missed or the subscription needs renewing (<see cref="Reason"/>).
/// </summary>
public sealed record MailSync : ITracedMessage
{
    public IEnumerable<KeyValuePair<string, object?>> TraceTags() =>
    [
        new("pipeline.reason", Reason),
    ];

    /// <summary><c>created</c> for a new message; <c>missed</c>, <c>subscriptionRemoved</c> or <c>reauthorizationRequired</c> from lifecycle events.</summary>
    public required string Reason { get; init; }
}

