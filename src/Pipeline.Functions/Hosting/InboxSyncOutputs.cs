using Pipeline.Core.Mail;
using Pipeline.Core.Messages;


namespace Pipeline.Functions.Hosting;

/// <summary>What the two inbox-reading functions (CatchUpReplies, SyncInbox) make of a read: the replies queued, with counts.</summary>
public static class InboxSyncOutputs
{
    public static void Add(FunctionResult result, InboxSyncResult read)
    {
        if (!read.Read)
        {
            return;
        }

        foreach (var reply in read.Replies)
        {
            result.Send(Queues.Replies, reply);
            result.Count("repliesQueued");
        }

        if (read.Skipped > 0)
        {
            result.Count("inboxSkipped", read.Skipped);
        }
    }
}
