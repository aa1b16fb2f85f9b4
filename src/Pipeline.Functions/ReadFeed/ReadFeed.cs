using Pipeline.Core.Feeds;
using Pipeline.Core.Messages;
using Pipeline.Functions.Hosting;

namespace Pipeline.Functions.ReadFeed;

/// <summary>
/// Queue <c>feedreads</c>: reads one part of a feed run (<see cref="FeedRunPart"/>), hands its pages of candidates to
/// ScreenCandidates on <c>candidates</c> and queues the follow-up on <c>feedreads</c>: the rest of the run, or at the
/// feed's end a completion, which records the run and its watermark once the last pages have been sent.
/// </summary>
public sealed class ReadFeed(FeedRunPart reading) : QueueFunction<FeedReadRequest>
{
    protected override async Task<FunctionResult> RunAsync(FeedReadRequest request, ServiceBusMessageInfo info, CancellationToken cancellationToken)
    {
        var result = new FunctionResult();
        var part = await reading.ReadAsync(request, cancellationToken);
        foreach (var (metric, amount) in part.Counts)
        {
            result.Count(metric, amount);
        }

        switch (part.Outcome)
        {
            case FeedPartOutcome.Dropped:
                result.Count("feedReadsDropped");
                break;
            case FeedPartOutcome.Completed:
                result.Logs.Add($"Feed {part.FeedId}: {part.Accepted} accepted, {part.Quarantined} quarantined");
                result.Count("feeds");
                break;
            case FeedPartOutcome.Failed:
                result.Logs.Add($"Feed {part.FeedId} failed: {part.Reason}");
                result.Count("feedsFailed");
                break;
            case FeedPartOutcome.NotModified:
                result.Logs.Add($"Feed {part.FeedId}: not modified since the last run");
                result.Count("feeds");
                result.Count("feedsNotModified");
                break;
            case FeedPartOutcome.Read:
                foreach (var page in part.Pages)
                {
                    result.Send(Queues.Candidates, page);
                }

                result.Count("rows", part.Accepted);
                result.Count("quarantined", part.Quarantined);
                result.Send(Queues.FeedReads, part.Next!);
                result.Count("feedParts");
                break;
        }

        return result;
    }
}
