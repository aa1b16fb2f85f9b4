using Pipeline.Domain.Delivery;
using Pipeline.Functions.Hosting;
using Pipeline.Functions.Messages;
using Pipeline.Functions.Stores;

namespace Pipeline.Functions.Mail;

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

    public async Task SyncAsync(FunctionResult result, CancellationToken cancellationToken)
    {
        if (!inbox.IsConfigured)
        {
            return;
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
                    result.Count("inboxSkipped");
                    continue;
                }

                result.Send(Queues.Replies, message);
                result.Count("repliesQueued");
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

        logger.LogInformation("Inbox read: {Queued} replies queued, {Skipped} other messages", result.Metrics.GetValueOrDefault("repliesQueued"), result.Metrics.GetValueOrDefault("inboxSkipped"));
    }
}
