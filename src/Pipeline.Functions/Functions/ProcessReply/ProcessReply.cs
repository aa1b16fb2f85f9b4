using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using Pipeline.Domain.Delivery;
using Pipeline.Domain.Replies;
using Pipeline.Domain.Requisitions;
using Pipeline.Functions.Configuration;
using Pipeline.Functions.Delivery;
using Pipeline.Functions.Hosting;
using Pipeline.Functions.Messages;
using Pipeline.Functions.Stores;

namespace Pipeline.Functions.Functions.ProcessReply;

/// <summary>
/// Queue <c>replies</c>: turns a hiring manager's reply into decisions. The reply is matched to its shortlist by the
/// reference in its subject; only the requisition's hiring manager may decide (anyone else is ignored and logged by a
/// hash of their address). A clear reply is recorded (with the sentence behind each decision), confirmed to the
/// manager and announced to the recruiters in Teams; an unclear one records nothing and gets a clarification. Each
/// of those effects happens once per reply, however often and by whichever path the reply arrives.
/// </summary>
public sealed class ProcessReply(
    ShortlistStore shortlists,
    DecisionStore decisions,
    EffectLedger ledger,
    IDeliveryChannel channel,
    PipelineConfiguration configuration,
    IOptions<PipelineOptions> options,
    TimeProvider time,
    ILogger<ProcessReply> logger) : QueueFunction<IncomingReply>
{
    protected override async Task<FunctionResult> RunAsync(IncomingReply reply, ServiceBusMessageInfo info, CancellationToken cancellationToken)
    {
        var result = new FunctionResult();
        var scope = "reply-" + Hash(reply.InternetMessageId);
        if (ReplyAnswers.ReferenceIn(reply.Subject) is not { } reference || await shortlists.FindByReferenceAsync(reference, cancellationToken) is not { } delivery)
        {
            logger.LogWarning("Reply {Reply} names no shortlist Pipeline sent; ignored", scope);
            result.Count("repliesUncorrelated");
            return result;
        }

        var requisition = configuration.FindRequisition(delivery.RequisitionId);
        var shortlist = await shortlists.GetAsync(delivery.RequisitionId, delivery.Version, cancellationToken);
        if (requisition is null || shortlist is null)
        {
            logger.LogWarning("Reply {Reply} is about requisition {RequisitionId}, which is no longer configured; ignored", scope, delivery.RequisitionId);
            result.Count("repliesUncorrelated");
            return result;
        }

        if (!string.Equals(reply.From.Trim(), requisition.HiringManager.Email, StringComparison.OrdinalIgnoreCase))
        {
            // Audited without the address: personal data stays out of logs.
            logger.LogWarning("Reply {Reply} to {RequisitionId} came from sender {SenderHash}, not its hiring manager; ignored", scope, requisition.Id, Hash(reply.From.Trim().ToLowerInvariant()));
            result.Count("repliesIgnored");
            return result;
        }

        var manager = new[] { requisition.HiringManager };
        var from = new Contact(options.Value.SenderAddress, options.Value.SenderName);
        var subject = ReplyAnswers.Subject(reply.Subject);
        Task AnswerAsync(string key, string html) =>
            ledger.RunOnceAsync(scope, key, "email", async (retry, ct) => await channel.SendEmailAsync(new OutgoingEmail($"{scope}-{key}", reference, from, manager, subject, html), retry, ct), cancellationToken);

        if (!requisition.IsOpen)
        {
            await AnswerAsync("closed", ReplyAnswers.Closed(requisition));
            result.Count("repliesToClosed");
            return result;
        }

        // Names can be used in the reply only where the email showed them.
        var names = requisition.BlindMode ? null : shortlist.Members.Where(m => m.Card.Name is not null).ToDictionary(m => m.Rank, m => m.Card.Name!);
        var parsed = ReplyParser.Parse(reply.Body, shortlist.Members.Count, names);
        if (!parsed.IsClear)
        {
            await AnswerAsync("clarification", ReplyAnswers.Clarification(requisition, shortlist, parsed));
            logger.LogInformation("Reply {Reply} to {RequisitionId} v{Version} was unclear ({Unclear} parts); asked for clarification", scope, requisition.Id, shortlist.Version, parsed.Unclear.Count);
            result.Count("clarifications");
            return result;
        }

        var recordedAt = reply.ReceivedAt == default ? time.GetUtcNow() : reply.ReceivedAt;
        var recorded = await ledger.RunOnceAsync(scope, "decisions", "decisions", async (_, ct) =>
        {
            foreach (var decision in parsed.Decisions)
            {
                var member = shortlist.Members.Single(m => m.Rank == decision.Candidate);
                await decisions.RecordAsync(
                    new RecordedDecision(requisition.Id, shortlist.Version, decision.Candidate, member.CandidateId, decision.Decision, "reply", requisition.HiringManager.Email, recordedAt, decision.Sentence)
                    {
                        MessageId = reply.InternetMessageId,
                    },
                    ct);
            }
        }, cancellationToken);
        await AnswerAsync("confirmation", ReplyAnswers.Confirmation(requisition, shortlist, parsed));
        if (requisition.Recruiters.Count > 0)
        {
            var activity = ReplyAnswers.DecisionsRecorded(requisition, shortlist, parsed, options.Value.TeamsAppId);
            await ledger.RunOnceAsync(scope, "teams", "teams", (retry, ct) => channel.SendActivityAsync($"{scope}-teams", activity, retry, ct), cancellationToken);
        }

        logger.LogInformation("Reply {Reply} to {RequisitionId} v{Version}: {Decisions} decisions recorded", scope, requisition.Id, shortlist.Version, parsed.Decisions.Count);
        result.Count("decisions", recorded ? parsed.Decisions.Count : 0);
        return result;
    }

    private static string Hash(string value) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(value)))[..16];
}
