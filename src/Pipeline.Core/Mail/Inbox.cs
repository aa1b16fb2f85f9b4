using Microsoft.Extensions.Options;
using Microsoft.Graph;
using Pipeline.Core.Configuration;
using Pipeline.Core.Messages;

namespace Pipeline.Core.Mail;

/// <summary>One page of what arrived in the shared mailbox's Inbox, and where to go on: the next page, or the link for next time.</summary>
public sealed record InboxPage(IReadOnlyList<IncomingReply> Messages, string? NextLink, string? DeltaLink);

/// <summary>Reads the shared mailbox's Inbox incrementally.</summary>
public interface IInbox
{
    /// <summary>False when there is no mailbox to read (Graph not configured: replies come in by <c>pipeline replies submit</c>).</summary>
    bool IsConfigured { get; }

    /// <summary>The first page since <paramref name="since"/> (no link yet), or the page a next or delta link points to.</summary>
    Task<InboxPage> ReadAsync(string? link, DateTimeOffset since, CancellationToken cancellationToken);
}

/// <summary>No mailbox: nothing to read.</summary>
public sealed class NoInbox : IInbox
{
    public bool IsConfigured => false;

    public Task<InboxPage> ReadAsync(string? link, DateTimeOffset since, CancellationToken cancellationToken) => Task.FromResult(new InboxPage([], null, null));
}

/// <summary>The Inbox through a Graph delta query (messages created since the last delta link).</summary>
public sealed class GraphInbox(GraphServiceClient graph, IOptions<GraphOptions> options) : IInbox
{
    private static readonly string[] Fields = ["id", "internetMessageId", "conversationId", "from", "subject", "body", "receivedDateTime", "internetMessageHeaders"];

    public bool IsConfigured => true;

    public async Task<InboxPage> ReadAsync(string? link, DateTimeOffset since, CancellationToken cancellationToken)
    {
        var delta = graph.Users[options.Value.Mailbox].MailFolders["inbox"].Messages.Delta;
        var page = link is null
            ? await delta.GetAsDeltaGetResponseAsync(request =>
            {
                request.QueryParameters.Select = Fields;
                request.QueryParameters.Filter = $"receivedDateTime ge {since.UtcDateTime:yyyy-MM-dd'T'HH:mm:ss'Z'}";
                request.Headers.Add("Prefer", "odata.maxpagesize=50");
            }, cancellationToken)
            : await delta.WithUrl(link).GetAsDeltaGetResponseAsync(request => request.Headers.Add("Prefer", "odata.maxpagesize=50"), cancellationToken);

        var messages = (page?.Value ?? [])
            .Where(m => m.InternetMessageId is not null && m.From?.EmailAddress?.Address is not null)
            .Select(m => new IncomingReply
            {
                InternetMessageId = m.InternetMessageId!,
                MessageId = m.Id,
                ConversationId = m.ConversationId,
                InReplyTo = m.InternetMessageHeaders?.FirstOrDefault(h => string.Equals(h.Name, "In-Reply-To", StringComparison.OrdinalIgnoreCase))?.Value,
                From = m.From!.EmailAddress!.Address!,
                Subject = m.Subject ?? string.Empty,
                Body = m.Body?.Content ?? string.Empty,
                ReceivedAt = m.ReceivedDateTime ?? default,
            })
            .ToList();
        return new InboxPage(messages, page?.OdataNextLink, page?.OdataDeltaLink);
    }
}
