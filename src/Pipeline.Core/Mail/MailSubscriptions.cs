using Microsoft.Extensions.Options;
using Microsoft.Graph;
using Microsoft.Graph.Models;
using Microsoft.Graph.Models.ODataErrors;
using Pipeline.Core.Configuration;
using Pipeline.Core.Delivery;

namespace Pipeline.Core.Mail;

/// <summary>
/// Keeps one Graph subscription to the shared mailbox's Inbox (created messages) alive: creates it when there is
/// none, renews it well before it lapses (Outlook message subscriptions last at most 10,080 minutes), and creates it
/// again when Graph removed it.
/// </summary>
public sealed class MailSubscriptions(
    GraphClientProvider graphClient, IOptions<GraphOptions> graphOptions, IOptions<PipelineOptions> options, MailboxStateStore state, TimeProvider time, ILogger<MailSubscriptions> logger)
{
    /// <summary>How long each subscription or renewal asks for, and how much must be left before it is renewed.</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromDays(3);

    public static readonly TimeSpan RenewWhenLeft = TimeSpan.FromDays(1);

    public bool IsEnabled =>
        graphOptions.Value.IsConfigured && !string.IsNullOrWhiteSpace(graphOptions.Value.NotificationClientState) && !string.IsNullOrWhiteSpace(options.Value.PublicBaseUrl);

    /// <summary>Creates or renews the subscription as needed; <paramref name="force"/> renews (or recreates) whatever is stored.</summary>
    /// <returns>What was done: <c>created</c>, <c>renewed</c> or <c>kept</c>; null when subscriptions are not configured.</returns>
    public async Task<string?> EnsureAsync(bool force, CancellationToken cancellationToken)
    {
        if (!IsEnabled)
        {
            return null;
        }

        var graph = graphClient.Client;
        var stored = await state.GetSubscriptionAsync(cancellationToken);
        var now = time.GetUtcNow();
        if (stored is { } subscription)
        {
            var id = subscription.Id;
            if (!force && subscription.Expires is { } expires && expires - now > RenewWhenLeft)
            {
                return "kept";
            }

            try
            {
                var renewed = await graph.Subscriptions[id].PatchAsync(new Subscription { ExpirationDateTime = now + Lifetime }, cancellationToken: cancellationToken);
                await state.SaveSubscriptionAsync(id, renewed?.ExpirationDateTime ?? now + Lifetime, cancellationToken);
                logger.LogInformation("Inbox subscription renewed until {Expires:o}", renewed?.ExpirationDateTime);
                return "renewed";
            }
            catch (ODataError e) when (e.ResponseStatusCode == 404)
            {
                logger.LogWarning("The Inbox subscription was gone; creating it again");
            }
        }

        var baseUrl = options.Value.PublicBaseUrl!.TrimEnd('/');
        var created = await graph.Subscriptions.PostAsync(new Subscription
        {
            ChangeType = "created",
            Resource = $"/users/{graphOptions.Value.Mailbox}/mailFolders('inbox')/messages",
            NotificationUrl = $"{baseUrl}/api/graph/notify",
            LifecycleNotificationUrl = $"{baseUrl}/api/graph/lifecycle",
            ExpirationDateTime = now + Lifetime,
            ClientState = graphOptions.Value.NotificationClientState,
        }, cancellationToken: cancellationToken);
        await state.SaveSubscriptionAsync(created!.Id!, created.ExpirationDateTime ?? now + Lifetime, cancellationToken);
        logger.LogInformation("Inbox subscription created until {Expires:o}", created.ExpirationDateTime);
        return "created";
    }

    /// <summary>When the stored Inbox subscription expires; null when there is none.</summary>
    public async Task<DateTimeOffset?> ExpiresAsync(CancellationToken cancellationToken) =>
        (await state.GetSubscriptionAsync(cancellationToken))?.Expires;

    /// <summary>Whether a notification's clientState is ours, compared in constant time.</summary>
    public bool IsOurs(string? clientState) =>
        clientState is not null && graphOptions.Value.NotificationClientState is { } expected &&
        System.Security.Cryptography.CryptographicOperations.FixedTimeEquals(System.Text.Encoding.UTF8.GetBytes(clientState), System.Text.Encoding.UTF8.GetBytes(expected));
}
