using Microsoft.Extensions.Options;
using Pipeline.Core.Configuration;
using Pipeline.Core.Delivery;
using Pipeline.Core.Effects;
using Pipeline.Core.Shortlists;
using Pipeline.Domain.Delivery;
using Pipeline.Domain.Requisitions;
using Pipeline.Domain.Shortlists;

namespace Pipeline.Core.Decisions;

/// <summary>
/// Chases the decisions shortlists wait for: for each open requisition whose latest shortlist was sent and has no
/// decision yet, reminds the hiring manager after the requisition's <c>reminderDays</c>, and after its
/// <c>escalationDays</c> writes to the delegates and tells the recruiters in Teams. Each happens once per shortlist
/// version, through the <see cref="EffectLedger"/>.
/// </summary>
public sealed class DecisionReminders(
    ShortlistStore shortlists,
    DecisionStore decisions,
    EffectLedger ledger,
    IDeliveryChannel channel,
    PipelineConfiguration configuration,
    IOptions<PipelineOptions> options,
    TimeProvider time,
    ILogger<DecisionReminders> logger)
{
    /// <returns>What was sent now: <c>reminders</c>, <c>escalations</c> (emails) and <c>notifications</c> (Teams), each where it happened.</returns>
    public async Task<IReadOnlyDictionary<string, long>> RemindAsync(CancellationToken cancellationToken)
    {
        var counts = new Dictionary<string, long>(StringComparer.Ordinal);
        void Count(string metric) => counts[metric] = counts.GetValueOrDefault(metric) + 1;
        var now = time.GetUtcNow();
        foreach (var requisition in configuration.Requisitions.Where(r => r.IsOpen && (r.ReminderDays > 0 || r.EscalationDays > 0)))
        {
            if (await shortlists.GetLatestVersionAsync(requisition.Id, cancellationToken) is not { } version ||
                await shortlists.FindByReferenceAsync(new Shortlist(requisition.Id, version, []).ReferenceToken, cancellationToken) is not { SentAt: { } sentAt } ||
                await shortlists.GetAsync(requisition.Id, version, cancellationToken) is not { } shortlist)
            {
                continue;
            }

            var decided = false;
            await foreach (var decision in decisions.ListAsync(requisition.Id, cancellationToken))
            {
                decided |= decision.Version == version;
            }

            var waited = (int)(now - sentAt).TotalDays;
            if (decided)
            {
                continue;
            }

            var scope = $"shortlist-{requisition.Id}-v{version}";
            if (requisition.ReminderDays > 0 && waited >= requisition.ReminderDays &&
                await SendAsync(scope, "reminder", requisition, shortlist, [requisition.HiringManager], ReplyAnswers.Reminder(requisition, shortlist, waited), cancellationToken))
            {
                Count("reminders");
            }

            if (requisition.EscalationDays > 0 && waited >= requisition.EscalationDays)
            {
                if (requisition.Delegates.Count > 0 &&
                    await SendAsync(scope, "escalation", requisition, shortlist, requisition.Delegates, ReplyAnswers.Escalation(requisition, shortlist, waited), cancellationToken))
                {
                    Count("escalations");
                }

                if (requisition.Recruiters.Count > 0)
                {
                    var activity = ReplyAnswers.Escalated(requisition, shortlist, waited, options.Value.TeamsAppId);
                    if (await ledger.TryRunAsync(scope, "escalation-teams", "teams", (retry, ct) => channel.SendActivityAsync($"{scope}-escalation-teams", activity, retry, ct), cancellationToken) == EffectOutcome.Ran)
                    {
                        Count("notifications");
                    }
                }
            }
        }

        logger.LogInformation("Reminders: {Reminders} sent, {Escalations} escalations", counts.GetValueOrDefault("reminders"), counts.GetValueOrDefault("escalations"));
        return counts;
    }

    /// <summary>Whether it was sent now; one in progress elsewhere is left to that run (a timer is not redelivered; the next run looks again).</summary>
    private async Task<bool> SendAsync(string scope, string key, Requisition requisition, Shortlist shortlist, IReadOnlyList<Contact> to, MailBody body, CancellationToken cancellationToken)
    {
        var from = new Contact(options.Value.SenderAddress, options.Value.SenderName);
        var subject = $"Waiting for your decision: {requisition.Title} [{shortlist.ReferenceToken}]";
        return await ledger.TryRunAsync(scope, key, "email", async (retry, ct) => await channel.SendEmailAsync(new OutgoingEmail($"{scope}-{key}", shortlist.ReferenceToken, from, to, subject, body.Html, body.Text), retry, ct), cancellationToken)
            == EffectOutcome.Ran;
    }
}
