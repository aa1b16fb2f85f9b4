using Pipeline.Domain.Candidates;

namespace Pipeline.Domain.Tests;

/// <summary>The identity rules on their own, without a store: which person a record belongs to, and why.</summary>
public sealed class IdentityResolutionTests
{
    private const string Phone = "+16175550100";

    private static readonly Dictionary<string, KnownPerson> NoPeople = new(StringComparer.Ordinal);

    private static (string Person, string Reason) Resolve(
        string feedId, CandidateRecord record, IReadOnlyDictionary<string, KnownIdentity> identities, IReadOnlyDictionary<string, KnownPerson> people) =>
        IdentityResolution.Resolve(feedId, record, IdentityKeys.Email(record.Email), IdentityKeys.Secondary(record), identities, id => people.GetValueOrDefault(id));

    private static CandidateRecord Record(string email, string? phone = null) => new() { Email = email, Phone = phone };

    [Fact]
    public void Resolve_NoKeyKnown_StartsAPersonOfItsOwnByEmail()
    {
        var record = Record("ada@uni.example", Phone);

        var (person, reason) = Resolve("university", record, new Dictionary<string, KnownIdentity>(), NoPeople);

        Assert.Equal((CandidateId.FromEmail("ada@uni.example"), MatchReasons.Email), (person, reason));
    }

    [Fact]
    public void Resolve_PhoneHeldByAPersonFromAnotherFeed_JoinsThatPersonByPhone()
    {
        var ada = CandidateId.FromEmail("ada@uni.example");
        var identities = new Dictionary<string, KnownIdentity> { [IdentityKeys.Secondary(Record("x@y.example", Phone))[0].Key] = new(ada, MatchReasons.Phone, false, "university") };
        var people = new Dictionary<string, KnownPerson> { [ada] = new(true, [("university", ada)]) };

        var (person, reason) = Resolve("bootcamp", Record("ada.l@camp.example", Phone), identities, people);

        Assert.Equal((ada, MatchReasons.Phone), (person, reason));
    }

    [Fact]
    public void Resolve_PhoneHeldBySomeoneElseFromTheSameFeed_IsASharedNumberAndStartsAPersonOfItsOwn()
    {
        var ada = CandidateId.FromEmail("ada@uni.example");
        var identities = new Dictionary<string, KnownIdentity> { [IdentityKeys.Secondary(Record("x@y.example", Phone))[0].Key] = new(ada, MatchReasons.Phone, false, "university") };
        var people = new Dictionary<string, KnownPerson> { [ada] = new(true, [("university", ada)]) };

        var (person, reason) = Resolve("university", Record("grace@uni.example", Phone), identities, people);

        Assert.Equal((CandidateId.FromEmail("grace@uni.example"), MatchReasons.Email), (person, reason));
    }

    [Fact]
    public void Resolve_PhoneHeldBySomeoneFromTheSameFeedWhoseRecordIsStillBeingWritten_StartsAPersonOfItsOwn()
    {
        // Two pages of one feed screened at the same moment, two people on one switchboard number: the first page has
        // written the phone's key but not yet its record. The key itself says which feed brought it.
        var ada = CandidateId.FromEmail("ada@uni.example");
        var identities = new Dictionary<string, KnownIdentity> { [IdentityKeys.Secondary(Record("x@y.example", Phone))[0].Key] = new(ada, MatchReasons.Phone, false, "university") };

        var (person, reason) = Resolve("university", Record("grace@uni.example", Phone), identities, NoPeople);

        Assert.Equal((CandidateId.FromEmail("grace@uni.example"), MatchReasons.Email), (person, reason));
    }

    [Fact]
    public void Resolve_PhoneHeldByAPersonFromAnotherFeedNotStoredYet_DoesNotGuessAMerge()
    {
        // Whether the holder has another record from this feed cannot be told until it is written: no merge is guessed.
        var ada = CandidateId.FromEmail("ada@uni.example");
        var identities = new Dictionary<string, KnownIdentity> { [IdentityKeys.Secondary(Record("x@y.example", Phone))[0].Key] = new(ada, MatchReasons.Phone, false, "university") };

        var (person, reason) = Resolve("bootcamp", Record("ada.l@camp.example", Phone), identities, NoPeople);

        Assert.Equal((CandidateId.FromEmail("ada.l@camp.example"), MatchReasons.Email), (person, reason));
    }

    [Fact]
    public void Resolve_EmailKeyThisFeedWroteWhenItJoinedByPhone_StillJoinsByPhone()
    {
        // The record's write was cut short after its keys were written: the redelivery lands where the key says, for the same reason.
        var ada = CandidateId.FromEmail("ada@uni.example");
        var identities = new Dictionary<string, KnownIdentity> { [IdentityKeys.Email("ada.l@camp.example").Key] = new(ada, MatchReasons.Phone, false, "bootcamp") };

        var (person, reason) = Resolve("bootcamp", Record("ada.l@camp.example", Phone), identities, NoPeople);

        Assert.Equal((ada, MatchReasons.Phone), (person, reason));
    }

    [Fact]
    public void Resolve_EmailKeyPinnedToAPerson_JoinsThatPersonByEmailEvenFromTheFeedThatWroteIt()
    {
        var split = CandidateId.FromEmail("ada.l@camp.example");
        var identities = new Dictionary<string, KnownIdentity> { [IdentityKeys.Email("ada.l@camp.example").Key] = new(split, MatchReasons.Phone, true, "bootcamp") };

        var (person, reason) = Resolve("bootcamp", Record("ada.l@camp.example", Phone), identities, NoPeople);

        Assert.Equal((split, MatchReasons.Email), (person, reason));
    }

    [Fact]
    public void Resolve_BadgeEmailThatIsAnotherPersonsOwnEmail_JoinsThemByBadgeEmail()
    {
        var ada = CandidateId.FromEmail("ada@uni.example");
        var record = Record("ada.l@camp.example") with { Certifications = [new ClaimedCertification("AZ-900") { BadgeEmail = "ada@uni.example" }] };
        var people = new Dictionary<string, KnownPerson> { [ada] = new(true, [("university", ada)]) };

        var (person, reason) = Resolve("bootcamp", record, new Dictionary<string, KnownIdentity>(), people);

        Assert.Equal((ada, MatchReasons.BadgeEmail), (person, reason));
    }
}
