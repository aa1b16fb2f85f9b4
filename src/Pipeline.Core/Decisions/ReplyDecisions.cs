using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using Pipeline.Core.Candidates;
using Pipeline.Core.Configuration;
using Pipeline.Core.Delivery;
using Pipeline.Core.Effects;
using Pipeline.Core.Messages;
using Pipeline.Core.Shortlists;
using Pipeline.Domain.Delivery;
using Pipeline.Domain.Replies;
using Pipeline.Domain.Requisitions;

namespace Pipeline.Core.Decisions;

/// <summary>What a reply came to, as the count the function reports: its name and how much (the decisions recorded, or 1).</summary>
public sealed record ReplyOutcome(string Metric, long Amount = 1);

/// <summary>
/// Turns a hiring manager's reply into decisions. The reply is matched to its shortlist by the reference in its
/// subject, or failing that by its conversation; only the requisition's hiring manager or a delegate may decide (anyone
/// else is ignored, kept in the audit table and logged by a hash of their address). A clear reply is recorded (with
/// the sentence behind each decision), confirmed to the manager and announced to the recruiters in Teams; an unclear
/// one records nothing and gets a clarification. Each of those effects happens once per reply, however often and by
/// whichever path the reply arrives.
/// </summary>
public sealed class ReplyDecisions(
    ShortlistStore shortlists,
    CandidateStore candidates,
    DecisionStore decisions,
    AuditStore audit,
    EffectLedger ledger,
    IDeliveryChannel channel,
    PipelineConfiguration configuration,
    IOptions<PipelineOptions> options,
    TimeProvider time,
    ILogger<ReplyDecisions> logger)
{
    public async Task<ReplyOutcome> ProcessAsync(IncomingReply reply, CancellationToken cancellationToken)
    {
        var scope = "reply-" + Hash(reply.InternetMessageId);
        // By the reference in the subject; failing that, by the conversation the shortlist email started, or by the
        // Message-ID the reply says it answers.
        var delivery = ReplyAnswers.ReferenceIn(reply.Subject) is { } token ? await shortlists.FindByReferenceAsync(token, cancellationToken) : null;
        if (delivery is null && reply.ConversationId is { } conversation)
        {
            delivery = await shortlists.FindByConversationAsync(conversation, cancellationToken);
        }

        if (delivery is null && reply.InReplyTo is { } answered)
        {
            delivery = await shortlists.FindByMessageIdAsync(answered.Trim(), cancellationToken);
        }

        if (delivery is null)
        {
            logger.LogWarning("Reply {Reply} names no shortlist Pipeline sent; ignored", scope);
            await audit.RecordAsync("unmatched", "reply-unmatched", reply.From, reply.InternetMessageId, cancellationToken);
            return new ReplyOutcome("repliesUncorrelated");
        }

        var reference = delivery.ReferenceToken;

        var requisition = configuration.FindRequisition(delivery.RequisitionId);
        var shortlist = await shortlists.GetAsync(delivery.RequisitionId, delivery.Version, cancellationToken);
        if (requisition is null || shortlist is null)
        {
            logger.LogWarning("Reply {Reply} is about requisition {RequisitionId}, which is no longer configured; ignored", scope, delivery.RequisitionId);
            return new ReplyOutcome("repliesUncorrelated");
        }

        if (!requisition.MayDecide(reply.From))
        {
            // The audit table keeps who it was; the log only a hash: personal data stays out of logs.
            logger.LogWarning("Reply {Reply} to {RequisitionId} came from sender {SenderHash}, neither its hiring manager nor a delegate; ignored", scope, requisition.Id, Hash(reply.From.Trim().ToLowerInvariant()));
            await audit.RecordAsync(requisition.Id, "reply-from-someone-else", reply.From, reply.InternetMessageId, cancellationToken);
            return new ReplyOutcome("repliesIgnored");
        }

        var decider = requisition.Delegates.FirstOrDefault(d => string.Equals(d.Email, reply.From.Trim(), StringComparison.OrdinalIgnoreCase)) ?? requisition.HiringManager;

        var manager = new[] { decider };
        var from = new Contact(options.Value.SenderAddress, options.Value.SenderName);
        var subject = ReplyAnswers.Subject(reply.Subject);
        Task AnswerAsync(string key, MailBody body) =>
            ledger.RunOnceAsync(scope, key, "email", async (retry, ct) => await channel.SendEmailAsync(
                new OutgoingEmail($"{scope}-{key}", reference, from, manager, subject, body.Html, body.Text) { InReplyTo = (reply.MessageId, reply.InternetMessageId) }, retry, ct), cancellationToken);

        if (!requisition.IsOpen)
        {
            await AnswerAsync("closed", ReplyAnswers.Closed(requisition));
            return new ReplyOutcome("repliesToClosed");
        }

        // Names can be used in the reply only where the email showed them.
        var names = requisition.BlindMode ? null : shortlist.Members.Where(m => m.Card.Name is not null).ToDictionary(m => m.Rank, m => m.Card.Name!);
        var parsed = ReplyParser.Parse(reply.Body, shortlist.Members.Count, names);
        if (parsed.Kind != ReplyKind.Answer)
        {
            // An out-of-office or a "let me think": nothing to record, and a question back would only start a loop of
            // automatic answers.
            logger.LogInformation("Reply {Reply} to {RequisitionId} v{Version} is a {Kind}; nothing recorded or asked", scope, requisition.Id, shortlist.Version, parsed.Kind);
            return new ReplyOutcome(parsed.Kind == ReplyKind.AutoReply ? "autoReplies" : "deferrals");
        }

        if (parsed.NeedsClarification)
        {
            await AnswerAsync("clarification", ReplyAnswers.Clarification(requisition, shortlist, parsed));
            logger.LogInformation("Reply {Reply} to {RequisitionId} v{Version} was unclear ({Unclear} parts); asked for clarification", scope, requisition.Id, shortlist.Version, parsed.Unclear.Count);
            return new ReplyOutcome("clarifications");
        }

        var recordedAt = reply.ReceivedAt == default ? time.GetUtcNow() : reply.ReceivedAt;
        var replaced = new Dictionary<int, Domain.Replies.Decision>();
        var recorded = await ledger.RunOnceAsync(scope, "decisions", "decisions", async (_, ct) =>
        {
            foreach (var decision in parsed.Decisions)
            {
                var member = shortlist.Members.Single(m => m.Rank == decision.Candidate);

                // A later reply changes what stands ("correction: 2 is a reject"): kept in the audit table with what
                // it replaced, said in the confirmation, and the recruiters are told with the decisions.
                if (await decisions.GetAsync(requisition.Id, shortlist.Version, decision.Candidate, ct) is { } standing && standing.Decision != decision.Decision)
                {
                    replaced[decision.Candidate] = standing.Decision;
                    await audit.RecordAsync(requisition.Id, "decision-changed", decider.Email, reply.InternetMessageId, ct,
                        $"shortlist v{shortlist.Version} candidate {decision.Candidate}: {standing.Decision} (by {standing.Source}, {standing.At:u}) -> {decision.Decision}");
                }

                await decisions.RecordAsync(
                    new RecordedDecision(requisition.Id, shortlist.Version, decision.Candidate, member.CandidateId, decision.Decision, "reply", decider.Email, recordedAt, decision.Sentence)
                    {
                        MessageId = reply.InternetMessageId,
                    },
                    ct);
            }
        }, cancellationToken);
        // A blind shortlist promised names once the manager decides: those chosen for interview are named now.
        var revealed = new Dictionary<int, string>();
        if (requisition.BlindMode)
        {
            foreach (var decision in parsed.Decisions.Where(d => d.Decision == Domain.Replies.Decision.Interview))
            {
                var member = shortlist.Members.Single(m => m.Rank == decision.Candidate);
                if ((await candidates.GetAsync(member.CandidateId, cancellationToken)).Profile?.Name is { } name)
                {
                    revealed[decision.Candidate] = name;
                }
            }
        }

        await AnswerAsync("confirmation", ReplyAnswers.Confirmation(requisition, shortlist, parsed, revealed, replaced));
        if (requisition.Recruiters.Count > 0)
        {
            var activity = ReplyAnswers.DecisionsRecorded(requisition, shortlist, parsed, options.Value.TeamsAppId);
            await ledger.RunOnceAsync(scope, "teams", "teams", (retry, ct) => channel.SendActivityAsync($"{scope}-teams", activity, retry, ct), cancellationToken);
        }

        logger.LogInformation("Reply {Reply} to {RequisitionId} v{Version}: {Decisions} decisions recorded", scope, requisition.Id, shortlist.Version, parsed.Decisions.Count);
        return new ReplyOutcome("decisions", recorded ? parsed.Decisions.Count : 0);
    }

    private static string Hash(string value) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(value)))[..16];
}
