namespace Pipeline.Domain.Candidates;

/// <summary>Who a strong key (see <see cref="IdentityKeys"/>) belongs to, as stored: the person, why, whether an admin pinned it, and the feed that brought it.</summary>
public sealed record KnownIdentity(string Person, string Reason, bool Pinned, string? FeedId);

/// <summary>A stored person as identity resolution sees them: whether they have a profile, and the feed records (feed id, record id) they hold.</summary>
public sealed record KnownPerson(bool HasProfile, IReadOnlyList<(string FeedId, string RecordId)> Records);

/// <summary>
/// Whose record a feed's record is. A record belongs to the person its email already belongs to; failing that, to the
/// person one of its other strong keys (a badge email, a profile URL, an E.164 phone) was seen with; failing that, it
/// starts a person of its own. The reason is kept on the record (<see cref="SourceRecord.MatchedBy"/>). Each key maps
/// to its person, and a key already taken is never moved. A phone or URL does not merge a record into a person who
/// already has a record from the same feed under another email, or whose key that feed brought: that is two people
/// sharing a switchboard number or a department page, not one person. Nor into a person not stored yet: unsure, it
/// does not guess.
/// </summary>
/// <remarks>
/// Pure: the caller reads the keys' holders and the people they name, and writes what this decides (the store writes
/// the keys before the records, so a crash between the two leaves a key pointing at its person).
/// </remarks>
public static class IdentityResolution
{
    /// <param name="feedId">The feed the record comes from.</param>
    /// <param name="record">The record.</param>
    /// <param name="emailKey">The key of the record's email (<see cref="IdentityKeys.Email"/>).</param>
    /// <param name="secondary">Its other strong keys (<see cref="IdentityKeys.Secondary"/>), in order of preference.</param>
    /// <param name="identities">The stored holders of these keys, by key.</param>
    /// <param name="people">A stored person by id; null when nothing is stored under that id.</param>
    /// <returns>The person the record belongs to, and the reason (a <see cref="MatchReasons"/> value).</returns>
    public static (string Person, string Reason) Resolve(
        string feedId,
        CandidateRecord record,
        IdentityKey emailKey,
        IReadOnlyList<IdentityKey> secondary,
        IReadOnlyDictionary<string, KnownIdentity> identities,
        Func<string, KnownPerson?> people)
    {
        if (identities.TryGetValue(emailKey.Key, out var known))
        {
            // The key this very record wrote when it joined by phone or URL, and whose record write was then cut short
            // (a crash, or a page that wrote the person meanwhile): it still joins for that reason. Another feed's
            // record with the same email joins by email.
            var ownKey = known.FeedId == feedId && !known.Pinned;
            return (known.Person, known.Reason == MatchReasons.BadgeEmail || ownKey ? known.Reason : MatchReasons.Email);
        }

        var own = CandidateId.FromEmail(record.Email);
        if (people(own)?.HasProfile == true)
        {
            return (own, MatchReasons.Email);
        }

        foreach (var key in secondary)
        {
            var person = identities.TryGetValue(key.Key, out var holder) ? holder.Person : null;
            if (person is null && key.Reason == MatchReasons.BadgeEmail)
            {
                // The badge email may be another person's own email.
                var badge = record.Certifications.Select(c => c.BadgeEmail).OfType<string>().FirstOrDefault(b => IdentityKeys.Email(b).Key == key.Key);
                person = badge is not null && people(CandidateId.FromEmail(badge))?.HasProfile == true ? CandidateId.FromEmail(badge) : null;
            }

            if (person is null || person == own)
            {
                continue;
            }

            if (key.Reason != MatchReasons.BadgeEmail)
            {
                // Someone else from this very feed already holds the key: a shared number or page, not the same person.
                // The key says which feed brought it, so this holds even before that person's record is written (two
                // pages of one feed screened at the same moment).
                if (holder?.FeedId == feedId)
                {
                    continue;
                }

                // A holder not stored yet (its page is being written, or was cut short) may have another record from
                // this feed; that cannot be told yet, so no merge is guessed.
                if (people(person) is not { HasProfile: true } stored || stored.Records.Any(r => r.FeedId == feedId && r.RecordId != own))
                {
                    continue;
                }
            }

            return (person, key.Reason);
        }

        return (own, MatchReasons.Email);
    }
}
