using System.Text.Json;
using System.Text.Json.Nodes;
using Pipeline.Domain;

namespace Pipeline.Core.Privacy;

/// <summary>
/// What identifies one person and nobody else (their candidate id, emails, profile and credential links, identity-key
/// hashes), and how to take them out of a queued message's body.
/// </summary>
public sealed class PersonTraces(string candidateId, IReadOnlyList<string> strings)
{
    public string CandidateId { get; } = candidateId;

    public IReadOnlyList<string> Strings { get; } = strings;

    public bool Mentions(string text) =>
        text.Contains(CandidateId, StringComparison.Ordinal) || Strings.Any(s => text.Contains(s, StringComparison.OrdinalIgnoreCase));

    /// <summary>
    /// The body without the person: the same string when it does not mention them; the JSON without the array entries
    /// about them (a page of candidates loses their record and its position, a list of ids loses theirs); null when
    /// the message is about them alone, or mentions them where no entry can be taken out: delete it.
    /// </summary>
    public string? Scrub(string body)
    {
        JsonNode? root;
        try
        {
            root = JsonNode.Parse(body);
        }
        catch (JsonException)
        {
            return Mentions(body) ? null : body;
        }

        if (root is null || !Mentions(root))
        {
            return Mentions(body) ? null : body;
        }

        if (!Prune(root))
        {
            return null;
        }

        var text = root.ToJsonString(DomainJson.Options);
        return Mentions(root) || Mentions(text) ? null : text;
    }

    /// <summary>Whether any key or string value in the JSON (as decoded, whatever its escapes) mentions the person.</summary>
    private bool Mentions(JsonNode? node) => node switch
    {
        JsonObject o => o.Any(p => Mentions(p.Key) || Mentions(p.Value)),
        JsonArray a => a.Any(Mentions),
        JsonValue v when v.GetValueKind() == JsonValueKind.String => Mentions(v.GetValue<string>()),
        _ => false,
    };

    /// <summary>Removes the array entries that mention the person; false when an array is left empty by it (nothing left to do).</summary>
    private bool Prune(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject o:
                // A page of candidates: its positions go with its candidates, one for one.
                if (o["candidates"] is JsonArray candidates && o["positions"] is JsonArray positions && positions.Count == candidates.Count)
                {
                    for (var i = candidates.Count - 1; i >= 0; i--)
                    {
                        if (Mentions(candidates[i]))
                        {
                            candidates.RemoveAt(i);
                            positions.RemoveAt(i);
                        }
                    }

                    if (candidates.Count == 0)
                    {
                        return false;
                    }
                }

                return o.Select(p => p.Value).ToList().All(Prune);

            case JsonArray a:
                var before = a.Count;
                for (var i = a.Count - 1; i >= 0; i--)
                {
                    if (Mentions(a[i]))
                    {
                        a.RemoveAt(i);
                    }
                }

                return (a.Count > 0 || before == 0) && a.ToList().All(Prune);

            default:
                return true;
        }
    }
}
