using Pipeline.Core.Candidates;
using Pipeline.Core.Certifications;
using Pipeline.Core.Messages;
using Pipeline.Core.Shortlists;
using Pipeline.Functions.Hosting;

namespace Pipeline.Functions.VerifyCertifications;

/// <summary>
/// Queue <c>verifications</c>: checks the named people's claimed credentials at their source where they are due
/// (Open Badges assertions, Microsoft Learn transcripts) and stores each result with its evidence. When a standing
/// changes, the requisitions whose pool of qualifying candidates that moves are marked out of date and scored again.
/// </summary>
/// <remarks>
/// An issuer that cannot be reached is not a failed invocation: the result is stored and the credential is tried
/// again by ReverifyCertifications after the retry interval. A redelivered message finds its checks fresh and fetches
/// nothing again.
/// </remarks>
public sealed class VerifyCertifications(
    CandidateStore candidates,
    VerificationStore verifications,
    CertificationChecker checker,
    ShortlistPools pools,
    ILogger<VerifyCertifications> logger) : QueueFunction<VerificationRequest>
{
    private const int Parallelism = 4;

    protected override async Task<FunctionResult> RunAsync(VerificationRequest request, ServiceBusMessageInfo info, CancellationToken cancellationToken)
    {
        if (request.CandidateIds.Count > VerificationRequest.MaxCandidates)
        {
            throw new InvalidInvocationException($"A verification request names {request.CandidateIds.Count} candidates; at most {VerificationRequest.MaxCandidates}.");
        }

        var result = new FunctionResult();
        var changed = 0;
        var changes = new List<PoolChange>();
        await Parallel.ForEachAsync(request.CandidateIds.Distinct(StringComparer.Ordinal), new ParallelOptions { MaxDegreeOfParallelism = Parallelism, CancellationToken = cancellationToken }, async (id, ct) =>
        {
            var (profile, sources) = await candidates.GetAsync(id, ct);
            if (profile is null)
            {
                // Split or erased since: their checks go with them.
                foreach (var check in await verifications.GetAsync(id, ct))
                {
                    await verifications.DeleteAsync(id, check.Url, ct);
                }

                return;
            }

            var summary = await checker.CheckAsync(profile, CertificationChecker.Emails(profile, sources), ct);
            lock (result)
            {
                result.Count("checked", summary.Checked);
                result.Count("fresh", summary.Fresh);
                changed += summary.Changed;
                if (summary.Changed > 0)
                {
                    changes.Add(new PoolChange(profile, profile, VerificationStore.Results(summary.Before), VerificationStore.Results(summary.After)));
                }
            }
        });

        // Only the requisitions whose pool the new standings move are scored again.
        if (changes.Count > 0)
        {
            var affected = await pools.ApplyAsync(changes, cancellationToken);
            result.Count("requisitionsAffected", affected.Count);
            PipelineTelemetry.TagRequisitionsMarked(affected);
        }

        result.Count("changed", changed);
        logger.LogInformation(
            "Verification of {Candidates} candidates ({Reason}): {Checked} credentials checked, {Fresh} still fresh, {Changed} standings changed (delivery {DeliveryCount})",
            request.CandidateIds.Count, request.Reason, result.Metrics.GetValueOrDefault("checked"), result.Metrics.GetValueOrDefault("fresh"), changed, info.DeliveryCount);
        return result;
    }
}
