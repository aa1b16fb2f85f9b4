using Pipeline.Core.Decisions;
using Pipeline.Functions.Hosting;

namespace Pipeline.Functions.RemindHiringManagers;

/// <summary>
/// Timer (hourly): reminds hiring managers of shortlists waiting for a decision, and escalates to the delegates and
/// the recruiters after longer (<see cref="DecisionReminders"/>). Each happens once per shortlist version.
/// </summary>
public sealed class RemindHiringManagers(DecisionReminders reminders) : TimerFunction
{
    protected override async Task<FunctionResult> RunAsync(TimerInfo timer, CancellationToken cancellationToken)
    {
        var result = new FunctionResult();
        foreach (var (metric, amount) in await reminders.RemindAsync(cancellationToken))
        {
            result.Count(metric, amount);
        }

        return result;
    }
}
