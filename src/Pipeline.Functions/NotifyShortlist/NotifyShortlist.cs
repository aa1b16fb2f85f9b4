using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using Pipeline.Core.Configuration;
using Pipeline.Core.Delivery;
using Pipeline.Core.Effects;
using Pipeline.Core.Messages;
using Pipeline.Core.Shortlists;
using Pipeline.Domain.Delivery;
using Pipeline.Domain.Requisitions;
using Pipeline.Functions.Hosting;

namespace Pipeline.Functions.NotifyShortlist;

/// <summary>
/// Queue <c>notifications</c>: emails a shortlist version to its hiring manager and tells the recruiters in Teams,
/// each exactly once per version and recipient, however often the message is delivered.
/// </summary>
public sealed class NotifyShortlist(
    ShortlistStore shortlists,
    EffectLedger ledger,
    IDeliveryChannel channel,
    PipelineConfiguration configuration,
    IOptions<PipelineOptions> options,
    Pipeline.Core.Decisions.DecisionLinkFactory links,
    ILogger<NotifyShortlist> logger) : QueueFunction<ShortlistReady>
{
    protected override async Task<FunctionResult> RunAsync(ShortlistReady message, ServiceBusMessageInfo info, CancellationToken cancellationToken)
    {
        var result = new FunctionResult();
        var requisition = configuration.FindRequisition(message.RequisitionId);
        if (requisition is null || !requisition.IsOpen)
        {
            result.Logs.Add($"Requisition {message.RequisitionId} is closed or unknown; shortlist {message.Version} not sent.");
            return result;
        }

        var shortlist = await shortlists.GetAsync(message.RequisitionId, message.Version, cancellationToken)
            ?? throw new InvalidInvocationException($"Shortlist {message.RequisitionId} version {message.Version} does not exist.");

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
            result.Count("emails");
        }

        if (requisition.Recruiters.Count > 0)
        {
            const string teamsKey = "teams-recruiters";
            var activity = TeamsActivity.ForShortlist(requisition, shortlist, options.Value.TeamsAppId);
            if (await ledger.RunOnceAsync(scope, teamsKey, "teams", (retry, ct) => channel.SendActivityAsync($"{scope}-{teamsKey}", activity, retry, ct), cancellationToken))
            {
                result.Count("notifications");
            }
        }

        logger.LogInformation(
            "Shortlist {RequisitionId} version {Version} delivered: {Emails} emails, {Notifications} notifications",
            requisition.Id, shortlist.Version, result.Metrics.GetValueOrDefault("emails"), result.Metrics.GetValueOrDefault("notifications"));
        return result;
    }

    /// <summary>Keys and file names name recipients by hash, never by address.</summary>
    private static string RecipientHash(string email) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(email.Trim().ToLowerInvariant())))[..12];
}
