using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using Pipeline.Domain.Candidates;

namespace Pipeline.Domain.Feeds;

/// <summary>
/// Reads JSON feeds of flat or nested records: a JSON array (streamed) or NDJSON (one record per line). The feed's
/// mapping gives each of our fields a dotted path into the record (<c>contact.email</c>, <c>emails.0</c>); a field
/// without one is read from the property of its own name.
/// </summary>
public static class JsonRecordsFeedParser
{
    /// <summary>An NDJSON line longer than this is rejected without being parsed.</summary>
    public const int MaxLineLength = 1024 * 1024;

    public static async IAsyncEnumerable<FeedRow> ParseAsync(
        Stream stream, FeedDefinition feed, FeedResume? resume, FeedDocumentInfo info, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var seen = new DuplicateTracker();
        if (feed.Format != FeedFormat.Ndjson)
        {
            await foreach (var item in JsonItems.ReadAsync(stream, feed, resume, info, cancellationToken).ConfigureAwait(false))
            {
                yield return (item.Failure is null
                    ? ToRow(item.Element, item.Position, feed, seen)
                    : new RejectedRow(item.Position, item.Fatal ? "document" : "row", item.Failure, null)) with { Next = item.Next };
            }

            yield break;
        }

        var records = new JsonRecordReader(feed);
        await foreach (var line in NdjsonLines.ReadAsync(stream, resume?.At, MaxLineLength, cancellationToken).ConfigureAwait(false))
        {
            var next = new FeedCheckpoint(line.End, line.Number + 1);
            if (line.Problem is { } problem)
            {
                yield return new RejectedRow(line.Number, "row", problem, RejectedRow.Cut(line.Excerpt)) with { Next = next };
                continue;
            }

            yield return ToRow(records, line.Bytes, line.Number, next, feed.DefaultRegion, seen);
        }
    }

    // The checkpoint is set as each row is made, not copied in afterwards: one row object per line, not two.
    private static FeedRow ToRow(JsonRecordReader records, ReadOnlyMemory<byte> record, long position, FeedCheckpoint next, string? defaultRegion, DuplicateTracker seen)
    {
        if (records.Read(record) is { } problem)
        {
            return new RejectedRow(position, "row", problem, RejectedRow.Cut(records.Excerpt())) { Next = next };
        }

        if (CandidateBuilder.TryBuild(records, out var e, defaultRegion) is not { } candidate)
        {
            return new RejectedRow(position, e!.Field, e.Reason, RejectedRow.Cut(records.Excerpt())) { Next = next };
        }

        return seen.IsDuplicate(candidate.Email, position) is { } first
            ? new RejectedRow(position, CandidateFields.Email, $"duplicate of record {first} in the same feed", RejectedRow.Cut(records.Excerpt())) { Next = next }
            : new AcceptedRow(position, candidate) { Next = next };
    }

    private static FeedRow ToRow(JsonElement record, long position, FeedDefinition feed, DuplicateTracker seen)
    {
        var excerpt = RejectedRow.Cut(record.ValueKind == JsonValueKind.Undefined ? null : record.GetRawText());
        if (record.ValueKind != JsonValueKind.Object)
        {
            return new RejectedRow(position, "row", $"expected a JSON object, found a JSON {record.ValueKind}", excerpt);
        }

        try
        {
            var candidate = CandidateBuilder.Build(new JsonRow(record, feed), feed.DefaultRegion);
            return seen.IsDuplicate(candidate.Email, position) is { } first
                ? new RejectedRow(position, CandidateFields.Email, $"duplicate of record {first} in the same feed", excerpt)
                : new AcceptedRow(position, candidate);
        }
        catch (FieldException e)
        {
            return new RejectedRow(position, e.Field, e.Reason, excerpt);
        }
    }

    private sealed class JsonRow(JsonElement record, FeedDefinition feed) : IFieldSource
    {
        public string? Text(string field)
        {
            var mapping = feed.MappingOf(field);
            return mapping.Kind == FieldMappingKind.Single ? TextAt(field, mapping.Sources[0]) : mapping.Text(i => TextAt(field, mapping.Sources[i]));
        }

        public IReadOnlyList<string>? List(string field)
        {
            var mapping = feed.MappingOf(field);
            if (mapping.Kind == FieldMappingKind.Join)
            {
                // Each path's list (an array, or text split as a CSV cell is), one after another.
                return CandidateFields.IsList(field)
                    ? mapping.Sources.SelectMany(path => ListAt(path) ?? CandidateFields.Split(field, TextAt(field, path))).ToList()
                    : null;
            }

            return Chosen(mapping).Select(ListAt).FirstOrDefault();
        }

        public IReadOnlyList<ClaimedCertification>? Certifications()
        {
            var elements = Chosen(feed.MappingOf(CandidateFields.Certifications))
                .Select(path => Find(path))
                .Where(value => value is { ValueKind: JsonValueKind.Array })
                .SelectMany(array => array!.Value.EnumerateArray())
                .ToList();
            if (!elements.Any(e => e.ValueKind == JsonValueKind.Object))
            {
                return null;
            }

            string? Get(JsonElement e, string name) => e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
            return elements
                .Where(e => e.ValueKind == JsonValueKind.Object && Get(e, "name") is not null)
                .Select(e => new ClaimedCertification(
                    Normalizer.Text(Get(e, "name"), CandidateFields.Certifications)!,
                    Normalizer.Text(Get(e, "issuer"), CandidateFields.Certifications),
                    Normalizer.Url(Get(e, "badgeUrl") ?? Get(e, "url"), CandidateFields.Certifications),
                    Normalizer.Date(Get(e, "date"), CandidateFields.Certifications))
                {
                    CredentialId = Normalizer.Text(Get(e, "credentialId"), CandidateFields.Certifications, 200),
                    BadgeEmail = Normalizer.OptionalEmail(Get(e, "badgeEmail"), CandidateFields.Certifications),
                })
                .ToList();
        }

        /// <summary>The paths a field is read from: all of a join's; the first that has a value of a first-of (none when none has).</summary>
        private IEnumerable<string> Chosen(FieldMapping mapping) => mapping.Kind switch
        {
            FieldMappingKind.Single or FieldMappingKind.Join => mapping.Sources,
            _ => mapping.Sources.Where(path => HasValue(Find(path))).Take(1),
        };

        private static bool HasValue(JsonElement? value) => value?.ValueKind switch
        {
            null or JsonValueKind.Null or JsonValueKind.Undefined => false,
            JsonValueKind.String => !string.IsNullOrWhiteSpace(value.Value.GetString()),
            JsonValueKind.Array => value.Value.GetArrayLength() > 0,
            _ => true,
        };

        private string? TextAt(string field, string path)
        {
            var value = Find(path);
            return value?.ValueKind switch
            {
                null or JsonValueKind.Null => null,
                JsonValueKind.String => value.Value.GetString(),
                JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False => value.Value.GetRawText(),
                var kind => throw new FieldException(field, $"expected text at '{path}', found a JSON {kind}"),
            };
        }

        private IReadOnlyList<string>? ListAt(string path) =>
            Find(path) is { ValueKind: JsonValueKind.Array } array
                ? array.EnumerateArray()
                    .Select(e => e.ValueKind switch
                    {
                        JsonValueKind.String => e.GetString(),
                        JsonValueKind.Object when e.TryGetProperty("name", out var n) && n.ValueKind == JsonValueKind.String => n.GetString(),
                        _ => null,
                    })
                    .OfType<string>()
                    .ToList()
                : null;

        private JsonElement? Find(string path)
        {
            JsonElement current = record;
            foreach (var segment in path.Split('.'))
            {
                if (current.ValueKind == JsonValueKind.Object && current.TryGetProperty(segment, out var next))
                {
                    current = next;
                }
                else if (current.ValueKind == JsonValueKind.Array && int.TryParse(segment, NumberStyles.None, CultureInfo.InvariantCulture, out var index) && index < current.GetArrayLength())
                {
                    current = current[index];
                }
                else
                {
                    return null;
                }
            }

            return current;
        }
    }
}
