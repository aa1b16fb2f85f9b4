using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using Pipeline.Core.Configuration;
using Pipeline.Core.Decisions;
using Pipeline.Core.Effects;
using Pipeline.Core.Shortlists;
using Pipeline.Domain.Delivery;
using Pipeline.Domain.Requisitions;

namespace Pipeline.Core.Delivery;

/// <summary>What delivering a shortlist version came to.</summary>
public enum ShortlistNoticeOutcome
{
    /// <summary>The requisition is closed or no longer configured: nothing was sent.</summary>
    Closed,

    /// <summary>No such shortlist version is stored.</summary>
    Missing,

    /// <summary>Every effect has run, now or before.</summary>
    Delivered,
}

/// <param name="Counts">What was sent now: <c>emails</c>, <c>notifications</c> (Teams), each where it happened.</param>
public sealed record ShortlistNotice(ShortlistNoticeOutcome Outcome, IReadOnlyDictionary<string, long> Counts);

/// <summary>
/// Delivers a shortlist version: emails it to the hiring manager (the delegates in copy, with one-click decision
/// links) and records where it went, and tells the recruiters in Teams, each exactly once per version and recipient
/// through the <see cref="EffectLedger"/>, however often it is asked.
/// </summary>
public sealed class ShortlistNotifier(
    ShortlistStore shortlists,
    EffectLedger ledger,
    IDeliveryChannel channel,
    PipelineConfiguration configuration,
    IOptions<PipelineOptions> options,
    DecisionLinkFactory links,
    ILogger<ShortlistNotifier> logger)
{
    public async Task<ShortlistNotice> DeliverAsync(string requisitionId, int version, CancellationToken cancellationToken)
    {
        var counts = new Dictionary<string, long>(StringComparer.Ordinal);
        var requisition = configuration.FindRequisition(requisitionId);
        if (requisition is null || !requisition.IsOpen)
        {
            return new ShortlistNotice(ShortlistNoticeOutcome.Closed, counts);
        }

        if (await shortlists.GetAsync(requisitionId, version, cancellationToken) is not { } shortlist)
        {
            return new ShortlistNotice(ShortlistNoticeOutcome.Missing, counts);
        }

        var scope = $"shortlist-{requisition.Id}-v{shortlist.Version}";
        var email = ShortlistEmail.Compose(requisition, shortlist, links.For(shortlist));
        var from = new Contact(options.Value.SenderAddress, options.Value.SenderName);
        var emailKey = "email-" + RecipientHash(requisition.HiringManager.Email);
        var outgoing = new OutgoingEmail($"{scope}-{emailKey}", shortlist.ReferenceToken, from, [requisition.HiringManager], email.Subject, email.Html, email.Text)
        {
            Cc = requisition.Delegates, // they may decide too, so they see what they would decide on
        };
        async Task SendAndRecordAsync(bool retry, CancellationToken ct)
        {
            var sent = await channel.SendEmailAsync(outgoing, retry, ct);
            await shortlists.RecordDeliveryAsync(shortlist, sent.ConversationId, sent.InternetMessageId, ct);
        }

        if (await ledger.RunOnceAsync(scope, emailKey, "email", SendAndRecordAsync, cancellationToken))
        {
            counts["emails"] = 1;
        }

        if (requisition.Recruiters.Count > 0)
        {
            const string teamsKey = "teams-recruiters";
            var activity = TeamsActivity.ForShortlist(requisition, shortlist, options.Value.TeamsAppId);
            if (await ledger.RunOnceAsync(scope, teamsKey, "teams", (retry, ct) => channel.SendActivityAsync($"{scope}-{teamsKey}", activity, retry, ct), cancellationToken))
            {
                counts["notifications"] = 1;
            }
        }

        logger.LogInformation(
            "Shortlist {RequisitionId} version {Version} delivered: {Emails} emails, {Notifications} notifications",
            requisition.Id, shortlist.Version, counts.GetValueOrDefault("emails"), counts.GetValueOrDefault("notifications"));
        return new ShortlistNotice(ShortlistNoticeOutcome.Delivered, counts);
    }

    /// <summary>Keys and file names name recipients by hash, never by address.</summary>
    private static string RecipientHash(string email) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(email.Trim().ToLowerInvariant())))[..12];
}
