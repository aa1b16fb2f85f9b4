using Microsoft.Extensions.Options;
using Microsoft.Graph;
using Microsoft.Graph.Models;
using Microsoft.Graph.Teamwork.SendActivityNotificationToRecipients;
using Microsoft.Graph.Users.Item.SendMail;
using Pipeline.Core.Configuration;
using Pipeline.Domain.Delivery;

namespace Pipeline.Core.Delivery;

/// <summary>
/// Sends through Microsoft Graph: mail with <c>sendMail</c> from the shared mailbox (saved to Sent Items), Teams
/// activity-feed notifications with <c>sendActivityNotificationToRecipients</c>. Throttling (429/503 with
/// Retry-After) is handled by the SDK's retry handler; what still fails throws, so the message is redelivered.
/// </summary>
public sealed class GraphDeliveryChannel(
    GraphServiceClient graph, IOptions<GraphOptions> options, TimeProvider time, ILogger<GraphDeliveryChannel> logger, TeamsAppInstaller? installer = null) : IDeliveryChannel
{
    /// <summary>sendMail answers before the message reaches Sent Items; look for it this many times, a second apart.</summary>
    private const int SentItemLookups = 5;

    // Outlook allows 4 concurrent requests per mailbox; keep this instance within that (host.json's maxConcurrentCalls
    // bounds invocations; across scaled-out instances Graph's 429 + Retry-After is the backstop).
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, SemaphoreSlim> MailboxGates = new(StringComparer.OrdinalIgnoreCase);

    private SemaphoreSlim Gate => MailboxGates.GetOrAdd(Mailbox, _ => new SemaphoreSlim(4, 4));

    /// <summary>Identifies our sent message, so a retry after a crash can find it in Sent Items.</summary>
    public const string EffectHeader = "x-pipeline-effect";
    public const string ReferenceHeader = "x-pipeline-reference";

    private string Mailbox => options.Value.Mailbox!;

    public async Task<SentEmail> SendEmailAsync(OutgoingEmail email, bool mayHaveBeenSent, CancellationToken cancellationToken)
    {
        await Gate.WaitAsync(cancellationToken);
        try
        {
            return await SendEmailCoreAsync(email, mayHaveBeenSent, cancellationToken);
        }
        finally
        {
            Gate.Release();
        }
    }

    private async Task<SentEmail> SendEmailCoreAsync(OutgoingEmail email, bool mayHaveBeenSent, CancellationToken cancellationToken)
    {
        if (mayHaveBeenSent && await FindSentAsync(email, cancellationToken) is { } earlier)
        {
            logger.LogInformation("Email {EffectKey} was already sent before an interruption; not sending it again", email.EffectKey);
            return Identify(earlier);
        }

        if (email.InReplyTo is { MessageId: { } receivedId } && await ReplyInThreadAsync(email, receivedId, cancellationToken))
        {
            return SentEmail.Unknown;
        }

        var message = new Message
        {
            Subject = email.Subject,
            Body = new ItemBody { ContentType = BodyType.Html, Content = email.Html },
            ToRecipients = email.To.Select(c => new Recipient { EmailAddress = new EmailAddress { Address = c.Email, Name = c.Name } }).ToList(),
            CcRecipients = email.Cc.Select(c => new Recipient { EmailAddress = new EmailAddress { Address = c.Email, Name = c.Name } }).ToList(),
            InternetMessageHeaders =
            [
                new InternetMessageHeader { Name = EffectHeader, Value = email.EffectKey },
                new InternetMessageHeader { Name = ReferenceHeader, Value = email.ReferenceToken },
            ],
        };
        await graph.Users[Mailbox].SendMail.PostAsync(new SendMailPostRequestBody { Message = message, SaveToSentItems = true }, cancellationToken: cancellationToken);

        // Graph does not return the new message; its Sent Items copy carries the ids replies are correlated by.
        for (var attempt = 1; attempt <= SentItemLookups; attempt++)
        {
            if (await FindSentAsync(email, cancellationToken) is { } sent)
            {
                return Identify(sent);
            }

            await Task.Delay(TimeSpan.FromSeconds(1), time, cancellationToken);
        }

        // The mail is out; replies can still be matched by the reference token in the subject.
        logger.LogWarning("Email {EffectKey} was sent but did not appear in Sent Items; replies will be matched by reference token only", email.EffectKey);
        return SentEmail.Unknown;
    }

    private static SentEmail Identify(Message message) => new(message.ConversationId, message.InternetMessageId);

    /// <summary>
    /// Answers a received message in its thread: a reply draft (createReply) carrying our body and effect header,
    /// then sent. False when the message is gone from the mailbox, so the caller sends a new one instead.
    /// </summary>
    private async Task<bool> ReplyInThreadAsync(OutgoingEmail email, string receivedId, CancellationToken cancellationToken)
    {
        Message? draft;
        try
        {
            draft = await graph.Users[Mailbox].Messages[receivedId].CreateReply.PostAsync(new Microsoft.Graph.Users.Item.Messages.Item.CreateReply.CreateReplyPostRequestBody
            {
                Message = new Message
                {
                    Subject = email.Subject,
                    Body = new ItemBody { ContentType = BodyType.Html, Content = email.Html },
                    InternetMessageHeaders =
                    [
                        new InternetMessageHeader { Name = EffectHeader, Value = email.EffectKey },
                        new InternetMessageHeader { Name = ReferenceHeader, Value = email.ReferenceToken },
                    ],
                },
            }, cancellationToken: cancellationToken);
        }
        catch (Microsoft.Graph.Models.ODataErrors.ODataError e) when (e.ResponseStatusCode == 404)
        {
            logger.LogWarning("The message {EffectKey} answers is no longer in the mailbox; sending a new message instead", email.EffectKey);
            return false;
        }

        await graph.Users[Mailbox].Messages[draft!.Id].Send.PostAsync(cancellationToken: cancellationToken);
        return true;
    }

    public async Task SendActivityAsync(string effectKey, TeamsActivity activity, bool mayHaveBeenSent, CancellationToken cancellationToken)
    {
        var recipients = installer is null ? activity.Recipients : await installer.PrepareAsync(activity.Recipients, cancellationToken);

        // Graph keeps no record of sent activity notifications to check against; after a crash between sending and
        // recording, a recruiter may see the same notification twice (never an email twice).
        await graph.Teamwork.SendActivityNotificationToRecipients.PostAsync(
            new SendActivityNotificationToRecipientsPostRequestBody
            {
                Topic = new TeamworkActivityTopic { Source = TeamworkActivityTopicSource.Text, Value = activity.TopicText, WebUrl = activity.TopicWebUrl },
                ActivityType = activity.ActivityType,
                PreviewText = new ItemBody { Content = activity.PreviewText },
                TemplateParameters = activity.TemplateParameters.Select(p => new Microsoft.Graph.Models.KeyValuePair { Name = p.Key, Value = p.Value }).ToList(),
                Recipients = recipients.Select(r => (TeamworkNotificationRecipient)new AadUserNotificationRecipient { UserId = r }).ToList(),
            },
            cancellationToken: cancellationToken);
    }

    /// <summary>Looks in Sent Items for a message with our effect header (Graph cannot filter on headers, so by subject).</summary>
    private async Task<Message?> FindSentAsync(OutgoingEmail email, CancellationToken cancellationToken)
    {
        var page = await graph.Users[Mailbox].MailFolders["SentItems"].Messages.GetAsync(request =>
        {
            request.QueryParameters.Filter = $"subject eq '{email.Subject.Replace("'", "''", StringComparison.Ordinal)}'";
            request.QueryParameters.Select = ["id", "internetMessageHeaders", "conversationId", "internetMessageId"];
            request.QueryParameters.Top = 25;
        }, cancellationToken);
        return page?.Value?.FirstOrDefault(m => m.InternetMessageHeaders?.Any(h =>
            string.Equals(h.Name, EffectHeader, StringComparison.OrdinalIgnoreCase) && h.Value == email.EffectKey) == true);
    }
}
