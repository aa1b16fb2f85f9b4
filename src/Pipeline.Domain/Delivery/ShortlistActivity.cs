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

    /// <summary>Every activity type Pipeline sends; each must be declared in <c>appPackage/manifest.json</c>.</summary>
    public static IReadOnlyList<string> Types { get; } = [ShortlistSentType, DecisionsRecordedType, ShortlistWaitingType];

    /// <summary>Graph shows at most 150 characters of preview text.</summary>
    public const int MaxPreviewLength = 150;

    public static TeamsActivity ShortlistSent(Requisition requisition, Shortlist shortlist, string teamsAppId)
    {
        var count = shortlist.Members.Count.ToString(CultureInfo.InvariantCulture);
        var manager = requisition.HiringManager.Name ?? "the hiring manager";
        var preview = $"{count} candidates shortlisted for {requisition.Title} — sent to {manager}";
        var context = Uri.EscapeDataString($"{{\"subEntityId\":\"{requisition.Id}/{shortlist.Version}\"}}");
        return new TeamsActivity(
            ShortlistSentType,
            $"{requisition.Title} shortlist",
            $"https://teams.microsoft.com/l/entity/{teamsAppId}/shortlists?context={context}",
            preview.Length <= MaxPreviewLength ? preview : preview[..(MaxPreviewLength - 1)] + "…",
            [
                new("requisitionTitle", requisition.Title),
                new("candidateCount", count),
                new("hiringManager", manager),
                new("reference", shortlist.ReferenceToken),
            ],
            requisition.Recruiters);
    }
}
