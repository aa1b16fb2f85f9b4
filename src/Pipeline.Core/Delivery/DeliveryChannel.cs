using Pipeline.Domain.Delivery;
using Pipeline.Domain.Requisitions;

namespace Pipeline.Core.Delivery;

/// <summary>How a sent email is known in the mailbox, for correlating replies; null where the channel cannot tell.</summary>
public sealed record SentEmail(string? ConversationId, string? InternetMessageId)
{
    public static SentEmail Unknown { get; } = new(null, null);
}

/// <summary>An email to send. <paramref name="EffectKey"/> identifies it across retries.</summary>
/// <param name="Text">The plain-text form of <paramref name="Html"/>: the same facts, for clients that show no HTML.</param>
public sealed record OutgoingEmail(string EffectKey, string ReferenceToken, Contact From, IReadOnlyList<Contact> To, string Subject, string Html, string Text)
{
    /// <summary>A reply to this received message: its id in the mailbox (Graph answers in its thread) and its Message-ID.</summary>
    public (string? MessageId, string InternetMessageId)? InReplyTo { get; init; }

    /// <summary>Copied: the hiring manager's delegates on a shortlist.</summary>
    public IReadOnlyList<Contact> Cc { get; init; } = [];
}

/// <summary>
/// Where shortlists go: the outbox folder locally, Microsoft Graph in production. <c>mayHaveBeenSent</c> is true when
/// an earlier attempt for the same key did not record completion; the channel must not send twice then.
/// </summary>
public interface IDeliveryChannel
{
    /// <summary>Sends (or finds already sent) the email; returns what identifies it in the mailbox, as far as known.</summary>
    Task<SentEmail> SendEmailAsync(OutgoingEmail email, bool mayHaveBeenSent, CancellationToken cancellationToken);

    Task SendActivityAsync(string effectKey, TeamsActivity activity, bool mayHaveBeenSent, CancellationToken cancellationToken);
}
