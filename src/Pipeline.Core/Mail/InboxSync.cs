using Pipeline.Core.Messages;
using Pipeline.Domain.Delivery;

namespace Pipeline.Core.Mail;

/// <summary>
/// Reads what arrived in the shared mailbox since the last read (Graph delta, from the stored link) and queues each
/// reply that names a shortlist. Shared by the timer that catches up and the queue the webhook wakes; two reads at
/// once may queue a reply twice, which ProcessReply makes count once.
/// </summary>
public sealed class InboxSync(IInbox inbox, MailboxStateStore state, TimeProvider time, ILogger<InboxSync> logger)
{
    /// <summary>How far back the very first read looks.</summary>
    public static readonly TimeSpan FirstLookBack = TimeSpan.FromDays(14);

    /// <summary>Pages read per invocation; the rest is read from the stored next link the next time.</summary>
    private const int MaxPages = 20;

    /// <summary>The replies to queue (on <see cref="Queues.Replies"/>) and how many other messages were skipped; nothing without a mailbox.</summary>
    public async Task<InboxSyncResult> SyncAsync(CancellationToken cancellationToken)
    {
        var replies = new List<IncomingReply>();
        var skipped = 0;
        if (!inbox.IsConfigured)
        {
            return new InboxSyncResult(replies, skipped, Read: false);
        }

        var (link, _) = await state.GetAsync(cancellationToken);
        var since = time.GetUtcNow() - FirstLookBack;
        for (var pages = 0; pages < MaxPages; pages++)
        {
            var page = await inbox.ReadAsync(link, since, cancellationToken);
            foreach (var message in page.Messages)
            {
                if (ReplyAnswers.ReferenceIn(message.Subject) is null)
                {
                    skipped++;
                    continue;
                }

                replies.Add(message);
            }

            link = page.NextLink ?? page.DeltaLink;
            if (link is not null)
            {
                await state.SaveAsync(link, time.GetUtcNow(), cancellationToken);
            }

            if (page.NextLink is null)
            {
                break;
            }
        }

        logger.LogInformation("Inbox read: {Queued} replies queued, {Skipped} other messages", replies.Count, skipped);
        return new InboxSyncResult(replies, skipped, Read: true);
    }
}

/// <summary>What one read of the Inbox found: the replies that name a shortlist, and how many other messages it passed over.</summary>
public sealed record InboxSyncResult(IReadOnlyList<IncomingReply> Replies, int Skipped, bool Read);
