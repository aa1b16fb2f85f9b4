using Pipeline.Core.Certifications;
using Pipeline.Core.Messages;
using Pipeline.Functions.Hosting;

namespace Pipeline.Functions.ReverifyCertifications;

/// <summary>
/// Timer, hourly: asks for a new check of every credential that is due (its result older than the TTL, a verified
/// credential a day before it expires, an unreachable issuer after the retry interval), in requests of
/// <see cref="VerificationRequest.MaxCandidates"/> people.
/// </summary>
public sealed class ReverifyCertifications(VerificationStore verifications, TimeProvider time) : TimerFunction
{
    /// <summary>People asked for per run, so one run's output stays bounded; the rest are due again next hour.</summary>
    public const int MaxCandidatesPerRun = 5_000;

    protected override async Task<FunctionResult> RunAsync(TimerInfo timer, CancellationToken cancellationToken)
    {
        var result = new FunctionResult();
        var batch = new List<string>(VerificationRequest.MaxCandidates);
        var total = 0;
        await foreach (var id in verifications.DueAsync(time.GetUtcNow(), cancellationToken))
        {
            batch.Add(id);
            if (++total >= MaxCandidatesPerRun)
            {
                result.Logs.Add($"More than {MaxCandidatesPerRun} people are due; the rest are asked for on the next run.");
                break;
            }

            if (batch.Count == VerificationRequest.MaxCandidates)
            {
                result.Send(Queues.Verifications, new VerificationRequest { CandidateIds = batch.ToList(), Reason = "due" });
                batch.Clear();
            }
        }

        if (batch.Count > 0)
        {
            result.Send(Queues.Verifications, new VerificationRequest { CandidateIds = batch.ToList(), Reason = "due" });
        }

        result.Count("due", total);
        return result;
    }
}
