using Pipeline.Core.Configuration;
using Pipeline.Core.Effects;
using Pipeline.Core.Shortlists;
using Pipeline.Domain.Replies;

namespace Pipeline.Core.Decisions;

/// <summary>What opening or confirming a decision link came to.</summary>
public enum LinkDecisionOutcome
{
    /// <summary>The link is forged, altered, expired or incomplete (<see cref="LinkDecision.Check"/> says which).</summary>
    Refused,

    /// <summary>The shortlist, its candidate or the requisition no longer exists.</summary>
    Gone,

    /// <summary>A decision already stands for the candidate (<see cref="LinkDecision.Standing"/>); the link changed nothing.</summary>
    Stands,

    /// <summary>Opened, not confirmed: the decision the link would record, to be confirmed.</summary>
    ToConfirm,

    /// <summary>The requisition is closed; nothing was recorded.</summary>
    Closed,

    /// <summary>Another decision for the candidate is being recorded right now.</summary>
    InProgress,

    /// <summary>The link's decision was recorded.</summary>
    Recorded,
}

/// <param name="Claims">The link's verified claims (all but <see cref="LinkDecisionOutcome.Refused"/>).</param>
/// <param name="RequisitionTitle">The requisition's title, where it is still configured.</param>
/// <param name="Standing">The decision that stands (<see cref="LinkDecisionOutcome.Stands"/>).</param>
public sealed record LinkDecision(
    LinkDecisionOutcome Outcome,
    LinkCheck Check,
    DecisionLinkClaims? Claims = null,
    string? RequisitionTitle = null,
    RecordedDecision? Standing = null)
{
    /// <summary>The standing decision was recorded by this very link: it was used before.</summary>
    public bool Reused => Standing is { Source: "link" } s && Claims is { } c && s.LinkNonce == c.Nonce;
}

/// <summary>
/// The one-click decision links of shortlist emails: opening a link says what it would record, confirming it records
/// it. The signed token is the only credential. Links make one decision per candidate and shortlist version: where one
/// stands (by this link, another or a reply) a link changes nothing; a reply to the email changes it.
/// </summary>
public sealed class LinkDecisions(
    DecisionLinkFactory links,
    DecisionStore decisions,
    ShortlistStore shortlists,
    EffectLedger ledger,
    PipelineConfiguration configuration,
    TimeProvider time,
    ILogger<LinkDecisions> logger)
{
    /// <param name="token">The link's signed token, as received.</param>
    /// <param name="confirm">False for opening the link (records nothing), true for confirming it.</param>
    public async Task<LinkDecision> DecideAsync(string? token, bool confirm, CancellationToken cancellationToken)
    {
        var (check, claims) = links.Verify(token);
        if (check != LinkCheck.Valid || claims is null)
        {
            logger.LogWarning("Decision link refused: {Check}", check);
            return new LinkDecision(LinkDecisionOutcome.Refused, check);
        }

        var requisition = configuration.FindRequisition(claims.RequisitionId);
        var shortlist = await shortlists.GetAsync(claims.RequisitionId, claims.Version, cancellationToken);
        var member = shortlist?.Members.FirstOrDefault(m => m.Rank == claims.Candidate);
        if (requisition is null || member is null)
        {
            return new LinkDecision(LinkDecisionOutcome.Gone, check, claims);
        }

        LinkDecision Result(LinkDecisionOutcome outcome, RecordedDecision? standing = null) => new(outcome, check, claims, requisition.Title, standing);

        // One decision per candidate and shortlist version through links: where one stands (by this link, another or
        // a reply), the link changes nothing and says what stands, before a confirmation is even offered.
        if (await decisions.GetAsync(claims.RequisitionId, claims.Version, claims.Candidate, cancellationToken) is { } standing)
        {
            return Result(LinkDecisionOutcome.Stands, standing);
        }

        if (!confirm)
        {
            return Result(LinkDecisionOutcome.ToConfirm);
        }

        if (!requisition.IsOpen)
        {
            return Result(LinkDecisionOutcome.Closed);
        }

        // The claim is the candidate's, not the link's, so of concurrent or different links exactly one records.
        var decision = new RecordedDecision(claims.RequisitionId, claims.Version, claims.Candidate, member.CandidateId, claims.Decision, "link",
            requisition.HiringManager.Email, time.GetUtcNow(), $"one-click link, shortlist {shortlist!.ReferenceToken}")
        {
            LinkNonce = claims.Nonce,
        };
        EffectOutcome outcome;
        try
        {
            outcome = await ledger.TryRunAsync(
                $"decision-{claims.RequisitionId}-v{claims.Version}", $"c{claims.Candidate}", "decision",
                (retry, ct) => decisions.RecordFromLinkAsync(decision, retry, ct), cancellationToken);
        }
        catch (DecisionStandsException e)
        {
            // A reply recorded a decision between the check above and the claim.
            return Result(LinkDecisionOutcome.Stands, e.Standing);
        }

        if (outcome != EffectOutcome.Ran)
        {
            return await decisions.GetAsync(claims.RequisitionId, claims.Version, claims.Candidate, cancellationToken) is { } now
                ? Result(LinkDecisionOutcome.Stands, now)
                : Result(LinkDecisionOutcome.InProgress);
        }

        logger.LogInformation("Decision recorded by link: requisition {RequisitionId} v{Version} candidate {Candidate} {Decision}", claims.RequisitionId, claims.Version, claims.Candidate, claims.Decision);
        return Result(LinkDecisionOutcome.Recorded);
    }
}
