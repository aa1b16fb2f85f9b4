using Pipeline.Core.Candidates;
using Pipeline.Core.Messages;
using Pipeline.Domain.Candidates;
using Pipeline.Functions.Hosting;

namespace Pipeline.Functions.ScreenCandidates;

/// <summary>
/// Queue <c>candidates</c>: screens a page of a feed's candidates (<see cref="CandidateScreening"/>: stored,
/// de-duplicated, scored against the open requisitions, whose shortlists ScheduleShortlists rebuilds once the feed has
/// gone quiet). New or changed people who claim a certification with a credential link are handed to
/// VerifyCertifications on <c>verifications</c>.
/// </summary>
public sealed class ScreenCandidates(CandidateScreening screening, ILogger<ScreenCandidates> logger) : QueueFunction<CandidatePage>
{
    protected override async Task<FunctionResult> RunAsync(CandidatePage page, ServiceBusMessageInfo info, CancellationToken cancellationToken)
    {
        var result = new FunctionResult();
        var writes = new List<CandidateWrite>(page.Candidates.Count);
        for (var i = 0; i < page.Candidates.Count; i++)
        {
            // The page may have been replayed or written by hand: check what identifies the person again.
            var candidate = page.Candidates[i];
            string email;
            try
            {
                email = Normalizer.Email(candidate.Email);
            }
            catch (FieldException e)
            {
                throw new InvalidInvocationException($"Page {page.PageNumber} of feed {page.FeedId} holds a candidate with an invalid email: {e.Reason}.");
            }

            var position = page.Positions is { } positions && positions.Count == page.Candidates.Count ? positions[i] : (long?)null;
            writes.Add(new CandidateWrite(page.FeedId, page.FeedKind, page.Source, candidate with { Email = email }, page.RunStarted, position));
        }

        var screened = await screening.ScreenAsync(page, writes, cancellationToken);
        foreach (var (metric, amount) in screened.Counts)
        {
            result.Count(metric, amount);
        }

        foreach (var ids in screened.ToVerify.Chunk(VerificationRequest.MaxCandidates))
        {
            result.Send(Queues.Verifications, new VerificationRequest { CandidateIds = ids, Reason = "screened" });
        }

        if (screened.Counts.ContainsKey("requisitionsAffected"))
        {
            PipelineTelemetry.TagRequisitionsMarked(screened.RequisitionsAffected);
        }

        logger.LogInformation(
            "Feed {FeedId} page {PageNumber}: {New} new, {Updated} updated, {Unchanged} unchanged (delivery {DeliveryCount})",
            page.FeedId, page.PageNumber, result.Metrics.GetValueOrDefault("new"), result.Metrics.GetValueOrDefault("updated"),
            result.Metrics.GetValueOrDefault("unchanged"), info.DeliveryCount);
        return result;
    }
}
