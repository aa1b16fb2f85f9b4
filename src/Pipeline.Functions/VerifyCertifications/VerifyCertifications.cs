using Pipeline.Core.Certifications;
using Pipeline.Core.Messages;
using Pipeline.Functions.Hosting;

namespace Pipeline.Functions.VerifyCertifications;

/// <summary>
/// Queue <c>verifications</c>: checks the named people's claimed credentials at their source where they are due
/// (<see cref="CertificationVerification"/>: Open Badges assertions, Microsoft Learn transcripts) and stores each
/// result with its evidence. When a standing changes, the requisitions whose pool of qualifying candidates that moves
/// are marked out of date and scored again.
/// </summary>
/// <remarks>
/// An issuer that cannot be reached is not a failed invocation: the result is stored and the credential is tried
/// again by ReverifyCertifications after the retry interval. A redelivered message finds its checks fresh and fetches
/// nothing again.
/// </remarks>
public sealed class VerifyCertifications(CertificationVerification verification, ILogger<VerifyCertifications> logger) : QueueFunction<VerificationRequest>
{
    protected override async Task<FunctionResult> RunAsync(VerificationRequest request, ServiceBusMessageInfo info, CancellationToken cancellationToken)
    {
        if (request.CandidateIds.Count > VerificationRequest.MaxCandidates)
        {
            throw new InvalidInvocationException($"A verification request names {request.CandidateIds.Count} candidates; at most {VerificationRequest.MaxCandidates}.");
        }

        var result = new FunctionResult();
        var run = await verification.VerifyAsync(request.CandidateIds, cancellationToken);
        foreach (var (metric, amount) in run.Counts)
        {
            result.Count(metric, amount);
        }

        if (run.Counts.ContainsKey("requisitionsAffected"))
        {
            PipelineTelemetry.TagRequisitionsMarked(run.RequisitionsAffected);
        }

        logger.LogInformation(
            "Verification of {Candidates} candidates ({Reason}): {Checked} credentials checked, {Fresh} still fresh, {Changed} standings changed (delivery {DeliveryCount})",
            request.CandidateIds.Count, request.Reason, result.Metrics.GetValueOrDefault("checked"), result.Metrics.GetValueOrDefault("fresh"),
            result.Metrics.GetValueOrDefault("changed"), info.DeliveryCount);
        return result;
    }
}
