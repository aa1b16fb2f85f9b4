using Pipeline.Core.Configuration;
using Pipeline.Core.Decisions;
using Pipeline.Core.Shortlists;
using Pipeline.Domain.Delivery;
using Pipeline.Domain.Requisitions;

namespace Pipeline.Core.Teams;

/// <summary>What the Teams tab may show a signed-in user for a requisition.</summary>
public enum TabShortlistOutcome
{
    /// <summary>The user is not one of the requisition's people, or it does not exist: the two look the same.</summary>
    Refused,

    /// <summary>No shortlist version has been sent (or the version asked for does not exist).</summary>
    NoShortlist,

    /// <summary>The shortlist, composed.</summary>
    Shortlist,
}

/// <param name="Requisition">The requisition (all but <see cref="TabShortlistOutcome.Refused"/>).</param>
/// <param name="Versions">The versions there are, latest first.</param>
/// <param name="Version">The version shown (<see cref="TabShortlistOutcome.Shortlist"/>).</param>
/// <param name="Html">The shortlist composed as the email composes it, with the decisions so far (<see cref="TabShortlistOutcome.Shortlist"/>).</param>
public sealed record TabShortlist(TabShortlistOutcome Outcome, Requisition? Requisition, IReadOnlyList<int> Versions, int? Version, string? Html);

/// <summary>
/// What the Teams tab shows a signed-in user: the requisitions they are one of the people of (hiring manager, delegate
/// or recruiter), and a requisition's shortlist with the decisions so far; recruiters looking at the latest version of
/// an open requisition also see the near misses, scored as <c>pipeline shortlist preview</c> scores them.
/// </summary>
public sealed class TeamsTabShortlists(
    PipelineConfiguration configuration,
    ShortlistStore shortlists,
    DecisionStore decisions,
    ShortlistPreview preview,
    TimeProvider time,
    ILogger<TeamsTabShortlists> logger)
{
    /// <summary>The requisitions the user is one of the people of, in configuration order.</summary>
    public IReadOnlyList<Requisition> RequisitionsOf(TeamsUser user) => configuration.Requisitions.Where(r => IsOnePeopleOf(r, user)).ToList();

    /// <param name="version">The version asked for; null for the latest.</param>
    public async Task<TabShortlist> ShowAsync(TeamsUser user, string requisitionId, int? version, CancellationToken cancellationToken)
    {
        // An unknown requisition answers as one the user is not part of: the tab does not reveal which exist.
        var requisition = configuration.FindRequisition(requisitionId);
        if (requisition is null || !IsOnePeopleOf(requisition, user))
        {
            logger.LogWarning("Teams tab refused a signed-in user who is not one of the people of the requisition asked for");
            return new TabShortlist(TabShortlistOutcome.Refused, null, [], null, null);
        }

        var latest = await shortlists.GetLatestVersionAsync(requisition.Id, cancellationToken);
        var versions = latest is { } last ? Enumerable.Range(1, last).Reverse().ToList() : [];
        var asked = version ?? latest;
        var shortlist = asked is { } v ? await shortlists.GetAsync(requisition.Id, v, cancellationToken) : null;
        if (shortlist is null)
        {
            return new TabShortlist(TabShortlistOutcome.NoShortlist, requisition, versions, null, null);
        }

        var recorded = new List<DecisionEntry>();
        await foreach (var d in decisions.ListAsync(requisition.Id, cancellationToken))
        {
            recorded.Add(new DecisionEntry(d.Version, d.Candidate, d.Decision, d.By, d.At));
        }

        var html = ShortlistTabView.Compose(requisition, shortlist, recorded,
            IsRecruiter(requisition, user) && shortlist.Version == latest && requisition.IsOpen ? await NearMissesAsync(requisition, cancellationToken) : null);
        return new TabShortlist(TabShortlistOutcome.Shortlist, requisition, versions, shortlist.Version, html);
    }

    /// <summary>Scored as <c>pipeline shortlist preview</c> scores, by the same <see cref="ShortlistPreview"/>.</summary>
    private async Task<IReadOnlyList<Domain.Shortlists.ShortlistMember>> NearMissesAsync(Requisition requisition, CancellationToken cancellationToken)
    {
        var scored = await preview.ScoreEveryoneAsync(requisition, time.GetUtcNow(), cancellationToken);
        return scored.NearMisses
            .Select((s, i) => new Domain.Shortlists.ShortlistMember(i + 1, s.CandidateId, s.Score, s.Requirements, scored.Card(s.CandidateId, !requisition.BlindMode)))
            .ToList();
    }

    private static bool IsRecruiter(Requisition requisition, TeamsUser user) =>
        requisition.Recruiters.Any(r => Same(r, user.ObjectId) || Same(r, user.UserName));

    private static bool Same(string? a, string? b) =>
        !string.IsNullOrWhiteSpace(a) && !string.IsNullOrWhiteSpace(b) && string.Equals(a.Trim(), b.Trim(), StringComparison.OrdinalIgnoreCase);

    /// <summary>The hiring manager, a delegate (by sign-in name) or a recruiter (by Entra object id or sign-in name).</summary>
    public static bool IsOnePeopleOf(Requisition requisition, TeamsUser user) =>
        Same(requisition.HiringManager.Email, user.UserName)
        || requisition.Delegates.Any(d => Same(d.Email, user.UserName))
        || IsRecruiter(requisition, user);
}
