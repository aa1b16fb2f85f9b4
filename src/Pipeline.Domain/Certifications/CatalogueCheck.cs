using System.Text.Json.Serialization;
using Pipeline.Domain.Requisitions;

namespace Pipeline.Domain.Certifications;

[JsonConverter(typeof(JsonStringEnumConverter<CatalogueFindingKind>))]
public enum CatalogueFindingKind
{
    /// <summary>Past its retirement with neither a successor nor <c>noSuccessor</c>: the catalogue needs a decision.</summary>
    RetiredWithoutSuccessor,

    /// <summary>A requisition requires a certification that can no longer be earned.</summary>
    RequisitionRequiresRetired,

    /// <summary>A requisition prefers (does not require) a retired certification.</summary>
    RequisitionPrefersRetired,

    /// <summary>Retired, with a successor or with <c>noSuccessor</c> recorded: nothing to do.</summary>
    Retired,

    /// <summary>Retires within <see cref="CatalogueCheck.Horizon"/> days.</summary>
    RetiresSoon,

    /// <summary>Facts the vendor's page did not confirm when last checked.</summary>
    Unconfirmed,

    /// <summary>Last checked more than <see cref="CatalogueCheck.StaleAfterDays"/> days ago.</summary>
    Stale,
}

/// <summary>
/// One finding of the catalogue check. <see cref="Flagged"/> findings need someone to act (the command exits non-zero);
/// the rest are notes. Catalogue and requisition data only, never candidate data.
/// </summary>
public sealed record CatalogueFinding(
    CatalogueFindingKind Kind,
    bool Flagged,
    string Certification,
    string Message,
    string? Requisition = null,
    DateOnly? Retired = null,
    string? Successor = null);

/// <summary>
/// Checks the catalogue against the calendar and the requisitions: vendors retire and rename exams every year, and a
/// retirement nobody acted on shows up here before it shows up as an empty shortlist. No I/O; the caller gives the day.
/// </summary>
public static class CatalogueCheck
{
    /// <summary>How far ahead an announced retirement is worth a note.</summary>
    public const int Horizon = 90;

    /// <summary>Vendors change their programmes yearly; facts older than this are due for another look.</summary>
    public const int StaleAfterDays = 180;

    public static IReadOnlyList<CatalogueFinding> Run(CertificationCatalogue catalogue, IReadOnlyList<Requisition> requisitions, DateOnly today)
    {
        var findings = new List<CatalogueFinding>();
        foreach (var c in catalogue.Certifications)
        {
            if (c.IsRetiredOn(today))
            {
                var r = c.Retired!.Value;
                findings.Add(c.Successor is null && !c.NoSuccessor
                    ? new(CatalogueFindingKind.RetiredWithoutSuccessor, true, c.Id,
                        $"{c.Id} ({c.Name}) retired on {r:yyyy-MM-dd} and the catalogue names no successor: add the vendor's successor, or record 'noSuccessor' if the vendor names none.", Retired: r)
                    : new(CatalogueFindingKind.Retired, false, c.Id,
                        c.Successor is { } s ? $"{c.Id} retired on {r:yyyy-MM-dd}; successor {s}." : $"{c.Id} retired on {r:yyyy-MM-dd}; the vendor names no successor.",
                        Retired: r, Successor: c.Successor));
            }
            else if (c.Retired is { } soon && soon.DayNumber - today.DayNumber < Horizon)
            {
                findings.Add(new(CatalogueFindingKind.RetiresSoon, false, c.Id,
                    $"{c.Id} retires on {soon:yyyy-MM-dd}{(c.Successor is { } s ? $"; successor {s}" : c.NoSuccessor ? "; the vendor names no successor" : "; no successor recorded yet")}.",
                    Retired: soon, Successor: c.Successor));
            }

            if (c.Unconfirmed.Count > 0)
            {
                findings.Add(new(CatalogueFindingKind.Unconfirmed, false, c.Id,
                    $"{c.Id}: {string.Join(", ", c.Unconfirmed)} not confirmed by the vendor's page {c.Source} (checked {c.Checked:yyyy-MM-dd})."));
            }

            if (c.Checked is { } day && today.DayNumber - day.DayNumber > StaleAfterDays)
            {
                findings.Add(new(CatalogueFindingKind.Stale, false, c.Id, $"{c.Id} was last checked on {day:yyyy-MM-dd}; check {c.Source} again."));
            }
        }

        foreach (var requisition in requisitions)
        {
            foreach (var requirement in requisition.Certifications)
            {
                if (catalogue.Find(requirement.Id) is not { } c || !c.IsRetiredOn(today))
                {
                    continue;
                }

                var r = c.Retired!.Value;
                var instead = c.Successor is { } s
                    ? requirement.AcceptSuccessors
                        ? $" Holders of its successor {s} count (acceptSuccessors), but new candidates can only earn {s}: name {s} instead."
                        : $" It does not accept successors, so only people certified before the retirement can meet it: name {s} instead, or set acceptSuccessors."
                    : " No successor is recorded.";
                findings.Add(requirement.Required
                    ? new(CatalogueFindingKind.RequisitionRequiresRetired, true, c.Id,
                        $"requisition '{requisition.Id}' requires {c.Id}, which retired on {r:yyyy-MM-dd}.{instead}", requisition.Id, r, c.Successor)
                    : new(CatalogueFindingKind.RequisitionPrefersRetired, false, c.Id,
                        $"requisition '{requisition.Id}' prefers {c.Id}, which retired on {r:yyyy-MM-dd}.{instead}", requisition.Id, r, c.Successor));
            }
        }

        return findings;
    }
}
