using Pipeline.Domain.Candidates;
using Pipeline.Functions.Configuration;
using Pipeline.Functions.Hosting;
using Pipeline.Functions.Messages;
using Pipeline.Functions.Stores;

namespace Pipeline.Functions.Functions.ScreenCandidates;

/// <summary>
/// Queue <c>candidates</c>: stores each candidate of a page, de-duplicated by normalised email and skipped when its
/// content is unchanged; when anyone is new or changed, marks the open requisitions' shortlists as out of date
/// (ScheduleShortlists rebuilds them once the feed has gone quiet).
/// </summary>
public sealed class ScreenCandidates(
    CandidateStore candidates,
    ShortlistStore shortlists,
    PipelineConfiguration configuration,
    TimeProvider time,
    ILogger<ScreenCandidates> logger) : QueueFunction<CandidatePage>
{
    protected override async Task<FunctionResult> RunAsync(CandidatePage page, ServiceBusMessageInfo info, CancellationToken cancellationToken)
    {
        var result = new FunctionResult();
        foreach (var candidate in page.Candidates)
        {
            // The page may have been replayed or written by hand: check what identifies the person again.
            string email;
            try
            {
                email = Normalizer.Email(candidate.Email);
            }
            catch (FieldException e)
            {
                throw new InvalidInvocationException($"Page {page.PageNumber} of feed {page.FeedId} holds a candidate with an invalid email: {e.Reason}.");
            }

            var outcome = await candidates.UpsertAsync(page.FeedId, page.FeedKind, page.Source, candidate with { Email = email }, cancellationToken);
            result.Count(outcome switch
            {
                ScreenOutcome.New => "new",
                ScreenOutcome.Updated => "updated",
                _ => "unchanged",
            });
        }

        var changed = result.Metrics.GetValueOrDefault("new") + result.Metrics.GetValueOrDefault("updated");
        if (changed > 0)
        {
            var now = time.GetUtcNow();
            foreach (var requisition in configuration.Requisitions.Where(r => r.IsOpen))
            {
                await shortlists.MarkDirtyAsync(requisition.Id, now, cancellationToken);
            }
        }

        logger.LogInformation(
            "Feed {FeedId} page {PageNumber}: {New} new, {Updated} updated, {Unchanged} unchanged (delivery {DeliveryCount})",
            page.FeedId, page.PageNumber, result.Metrics.GetValueOrDefault("new"), result.Metrics.GetValueOrDefault("updated"),
            result.Metrics.GetValueOrDefault("unchanged"), info.DeliveryCount);
        return result;
    }
}
