using Pipeline.Domain.Delivery;
using Pipeline.Functions.Hosting;
using Pipeline.Functions.Mail;
using Pipeline.Functions.Messages;
using Pipeline.Functions.Stores;

namespace Pipeline.Functions.Functions.CatchUpReplies;

/// <summary>
/// Timer: reads what arrived in the shared mailbox's Inbox since the last round (a Graph delta query, from its stored
/// delta link) and queues each reply that names a shortlist. ProcessReply makes a reply that arrives twice count
/// once. Without Graph configured there is no mailbox to read, and it does nothing.
/// </summary>
public sealed class CatchUpReplies(IInbox inbox, MailboxStateStore state, TimeProvider time, ILogger<CatchUpReplies> logger) : TimerFunction
{
    /// <summary>How far back the very first round looks.</summary>
    public static readonly TimeSpan FirstLookBack = TimeSpan.FromDays(14);

    /// <summary>Pages read per invocation; the rest is read from the stored next link on the next round.</summary>
    private const int MaxPages = 20;

    protected override async Task<FunctionResult> RunAsync(TimerInfo timer, CancellationToken cancellationToken)
    {
        var result = new FunctionResult();
        if (!inbox.IsConfigured)
        {
            return result;
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
        return result;
    }
}
