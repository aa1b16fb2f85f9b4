using System.Globalization;
using Pipeline.Domain.Requisitions;
using Pipeline.Domain.Shortlists;

namespace Pipeline.Domain.Delivery;

/// <summary>A Teams activity-feed notification: the fields of Graph's sendActivityNotificationToRecipients.</summary>
public sealed record TeamsActivity(
    string ActivityType,
    string TopicText,
    string TopicWebUrl,
    string PreviewText,
    IReadOnlyList<KeyValuePair<string, string>> TemplateParameters,
    IReadOnlyList<string> Recipients)
{
    public const string ShortlistSentType = "shortlistSent";

    public const string DecisionsRecordedType = "decisionsRecorded";

    public const string ShortlistWaitingType = "shortlistWaiting";

    public const string ShortlistWithdrawnType = "shortlistWithdrawn";

    /// <summary>Every activity type Pipeline sends; each must be declared in <c>appPackage/manifest.json</c>.</summary>
    public static IReadOnlyList<string> Types { get; } = [ShortlistSentType, DecisionsRecordedType, ShortlistWaitingType, ShortlistWithdrawnType];

    /// <summary>Graph shows at most 150 characters of preview text.</summary>
    public const int MaxPreviewLength = 150;

    /// <summary>The preview as Graph takes it: cut to <see cref="MaxPreviewLength"/> with an ellipsis.</summary>
    public static string Preview(string text) => text.Length <= MaxPreviewLength ? text : text[..(MaxPreviewLength - 1)] + "…";

    /// <summary>What recruiters are told when a shortlist version goes out: sent, or (when everyone dropped out) withdrawn.</summary>
    public static TeamsActivity ForShortlist(Requisition requisition, Shortlist shortlist, string teamsAppId) =>
        shortlist.Members.Count == 0 ? ShortlistWithdrawn(requisition, shortlist, teamsAppId) : ShortlistSent(requisition, shortlist, teamsAppId);

    public static TeamsActivity ShortlistSent(Requisition requisition, Shortlist shortlist, string teamsAppId)
    {
        var count = shortlist.Members.Count.ToString(CultureInfo.InvariantCulture);
        var manager = requisition.HiringManager.Name ?? "the hiring manager";
        var preview = $"{count} candidate{(shortlist.Members.Count == 1 ? "" : "s")} shortlisted for {requisition.Title} — sent to {manager}";
        return Create(ShortlistSentType, requisition, shortlist, teamsAppId, preview,
        [
            new("requisitionTitle", requisition.Title),
            new("candidateCount", count),
            new("hiringManager", manager),
            new("reference", shortlist.ReferenceToken),
        ]);
    }

    /// <summary>Everyone on the last version dropped out (a credential revoked, a feed that no longer lists them): that shortlist no longer stands.</summary>
    public static TeamsActivity ShortlistWithdrawn(Requisition requisition, Shortlist shortlist, string teamsAppId)
    {
        var manager = requisition.HiringManager.Name ?? "the hiring manager";
        var preview = $"Nobody qualifies for {requisition.Title} any more: the last shortlist no longer stands ({manager} was told)";
        return Create(ShortlistWithdrawnType, requisition, shortlist, teamsAppId, preview,
        [
            new("requisitionTitle", requisition.Title),
            new("hiringManager", manager),
            new("reference", shortlist.ReferenceToken),
        ]);
    }

    private static TeamsActivity Create(
        string type, Requisition requisition, Shortlist shortlist, string teamsAppId, string preview, IReadOnlyList<KeyValuePair<string, string>> parameters)
    {
        var context = Uri.EscapeDataString($"{{\"subEntityId\":\"{requisition.Id}/{shortlist.Version}\"}}");
        return new TeamsActivity(
            type,
            $"{requisition.Title} shortlist",
            $"https://teams.microsoft.com/l/entity/{teamsAppId}/shortlists?context={context}",
            Preview(preview),
            parameters,
            requisition.Recruiters);
    }
}
