using System.Security.Cryptography;
using System.Text;
using Pipeline.Domain.Feeds;

namespace Pipeline.Domain.Shortlists;

/// <summary>What the hiring manager sees of a candidate: evidence, and the name only when the requisition is not blind.</summary>
public sealed record CandidateCard(
    string? Institution,
    string? Program,
    DateOnly? GraduationDate,
    IReadOnlyList<string> Sources,
    IReadOnlyList<string> Skills,
    IReadOnlyList<string> Certifications)
{
    public string? Name { get; init; }

    public IReadOnlyList<FeedKind> Kinds { get; init; } = [];
}

public sealed record ShortlistMember(int Rank, string CandidateId, double Score, IReadOnlyList<RequirementResult> Requirements, CandidateCard Card);

/// <summary>One version of a requisition's shortlist. A new version exists only when membership or order changed.</summary>
public sealed record Shortlist(string RequisitionId, int Version, IReadOnlyList<ShortlistMember> Members)
{
    /// <summary>
    /// How many members came from each kind of feed, each person once: someone whom feeds of both kinds list counts
    /// under the two together (<c>university and bootcamp</c>), so the counts add up to the members.
    /// </summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public IReadOnlyList<KeyValuePair<string, int>> Mix =>
        Members.Select(m => m.Card.Kinds.Distinct().Order().ToList())
            .Where(kinds => kinds.Count > 0)
            .GroupBy(kinds => string.Join(" and ", kinds.Select(k => k.ToString().ToLowerInvariant())), StringComparer.Ordinal)
            .OrderBy(g => g.First().Count).ThenBy(g => g.First()[0])
            .Select(g => new KeyValuePair<string, int>(g.Key, g.Count()))
            .ToList();

    /// <summary>How many members each source (feed) brought, most first, each person once: someone several sources list counts under them together.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public IReadOnlyList<KeyValuePair<string, int>> MixBySource =>
        Members.Where(m => m.Card.Sources.Count > 0)
            .GroupBy(m => string.Join(" and ", m.Card.Sources.Distinct().Order(StringComparer.Ordinal)), StringComparer.Ordinal)
            .Select(g => new KeyValuePair<string, int>(g.Key, g.Count()))
            .OrderByDescending(p => p.Value).ThenBy(p => p.Key, StringComparer.Ordinal)
            .ToList();

    /// <summary>Equal for equal membership and order; compared to decide whether a new version is due.</summary>
    public static string MembershipHash(IEnumerable<string> orderedCandidateIds) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(string.Join('\n', orderedCandidateIds))))[..32];

    /// <summary>
    /// The reference put in the email subject (e.g. <c>SL-7Q2FJ3</c>): short enough to survive any mail client,
    /// derived from requisition and version so that it is stable across retries.
    /// </summary>
    public string ReferenceToken
    {
        get
        {
            const string alphabet = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ";
            var hash = SHA256.HashData(Encoding.UTF8.GetBytes($"{RequisitionId}/{Version}"));
            var token = new StringBuilder("SL-");
            for (var i = 0; i < 6; i++)
            {
                token.Append(alphabet[hash[i] % alphabet.Length]);
            }

            return token.ToString();
        }
    }
}
