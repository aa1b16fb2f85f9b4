using System.Runtime.CompilerServices;
using Pipeline.Domain.Candidates;

namespace Pipeline.Domain.Feeds;

/// <summary>
/// Reads a CSV export: the first record is the header, mapped to our fields by the feed's mapping (a field maps to
/// the header of the same name, case-insensitively, unless the mapping says otherwise).
/// </summary>
public static class CsvFeedParser
{
    public static async IAsyncEnumerable<FeedRow> ParseAsync(
        Stream stream, FeedDefinition feed, FeedResume? resume, FeedDocumentInfo info, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var encoding = FeedParser.TextEncoding(feed);
        var singleByte = encoding.IsSingleByte;

        // The byte order mark is skipped here rather than by the reader, so byte offsets count it.
        long start = 0;
        if (resume is { At.Offset: > 0 })
        {
            start = resume.At.Offset;
        }
        else if (!singleByte)
        {
            (stream, start) = await PrefixedStream.SkipPrefixAsync(stream, Utf8ByteOrderMark, cancellationToken).ConfigureAwait(false);
        }

        using var reader = new StreamReader(stream, encoding, detectEncodingFromByteOrderMarks: false, bufferSize: 64 * 1024, leaveOpen: true);
        var tokenizer = new CsvTokenizer(reader, feed.Delimiter, singleByte: singleByte, firstLine: Math.Max(1, resume?.At.Position ?? 1));
        CsvRecord header;
        if (resume is { At.Offset: > 0, Header: { } known })
        {
            header = new CsvRecord(0, known, null, string.Empty);
        }
        else if (await tokenizer.ReadAsync(cancellationToken).ConfigureAwait(false) is { } first)
        {
            header = first;
        }
        else
        {
            yield break;
        }

        var columns = MapColumns(header, feed);
        info.Header = header.Fields;
        var seen = new DuplicateTracker();
        await foreach (var record in tokenizer.ReadAllAsync(cancellationToken).ConfigureAwait(false))
        {
            yield return ToRow(record, header.Fields.Count, columns, feed.DefaultRegion, seen) with { Next = new FeedCheckpoint(start + tokenizer.BytesConsumed, tokenizer.Line) };
        }
    }

    private static readonly byte[] Utf8ByteOrderMark = [0xEF, 0xBB, 0xBF];

    private static FeedRow ToRow(CsvRecord record, int headerWidth, Dictionary<string, MappedColumns> columns, string? defaultRegion, DuplicateTracker seen)
    {
        var excerpt = RejectedRow.Cut(record.Excerpt);
        if (record.Error is not null)
        {
            return new RejectedRow(record.Line, "row", record.Error, excerpt);
        }

        if (record.Fields.Count != headerWidth)
        {
            return new RejectedRow(record.Line, "row", $"the row has {record.Fields.Count} fields; the header has {headerWidth}", excerpt);
        }

        if (CandidateBuilder.TryBuild(new CsvRow(record, columns), out var e, defaultRegion) is not { } candidate)
        {
            return new RejectedRow(record.Line, e!.Field, e.Reason, excerpt);
        }

        return seen.IsDuplicate(candidate.Email, record.Line) is { } firstLine
            ? new RejectedRow(record.Line, CandidateFields.Email, $"duplicate of the row on line {firstLine} in the same file", excerpt)
            : new AcceptedRow(record.Line, candidate);
    }

    private sealed class CsvRow(CsvRecord record, Dictionary<string, MappedColumns> columns) : IFieldSource
    {
        public string? Text(string field) => columns.TryGetValue(field, out var mapped)
            ? mapped.Mapping.Kind == FieldMappingKind.Single ? record.Fields[mapped.Indexes[0]] : mapped.Mapping.Text(i => record.Fields[mapped.Indexes[i]])
            : null;

        /// <summary>A list field joined from several columns: each column's list, one after another.</summary>
        public IReadOnlyList<string>? List(string field) =>
            columns.TryGetValue(field, out var mapped) && mapped.Mapping.Kind == FieldMappingKind.Join && CandidateFields.IsList(field)
                ? mapped.Indexes.SelectMany(i => CandidateFields.Split(field, record.Fields[i])).ToList()
                : null;
    }

    /// <summary>A field's mapping and the header index of each of its columns, in the mapping's order.</summary>
    private sealed record MappedColumns(FieldMapping Mapping, int[] Indexes);

    private static Dictionary<string, MappedColumns> MapColumns(CsvRecord header, FeedDefinition feed)
    {
        if (header.Error is not null)
        {
            throw new FeedFormatException($"Feed '{feed.Id}': the header row cannot be read: {header.Error}.");
        }

        var byHeader = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < header.Fields.Count; i++)
        {
            byHeader.TryAdd(header.Fields[i].Trim().TrimStart('\uFEFF'), i);
        }

        var columns = new Dictionary<string, MappedColumns>(StringComparer.Ordinal);
        foreach (var field in CandidateFields.All)
        {
            var mapping = feed.MappingOf(field);
            var indexes = new List<int>();
            foreach (var expected in mapping.Sources)
            {
                if (byHeader.TryGetValue(expected, out var i))
                {
                    indexes.Add(i);
                }
                else if (feed.Mapping.ContainsKey(field) || field == CandidateFields.Email)
                {
                    // The first line may be a data row (no header at all): say what was expected, never what the line holds.
                    var expectedColumns = CandidateFields.All.Where(f => f == CandidateFields.Email || feed.Mapping.ContainsKey(f)).SelectMany(f => feed.MappingOf(f).Sources).Select(c => $"'{c}'");
                    throw new FeedFormatException(
                        $"Feed '{feed.Id}': no header row with the expected columns: the first line ({header.Fields.Count} fields) has no column '{expected}' for field '{field}' " +
                        $"(expected columns: {string.Join(", ", expectedColumns)}). Has the export lost its header, or has the header changed? Update the feed's 'mapping'.");
                }
            }

            if (indexes.Count == mapping.Sources.Count)
            {
                columns[field] = new MappedColumns(mapping, [.. indexes]);
            }
        }

        return columns;
    }
}

/// <summary>
/// Remembers the emails seen in one file by a 64-bit FNV-1a hash (16 bytes a row), so duplicates within a file are
/// caught in little memory. The hash need not resist attack, only collide rarely: at a million rows the chance of
/// any false duplicate is about one in thirty million.
/// </summary>
internal sealed class DuplicateTracker
{
    private readonly Dictionary<ulong, long> _firstPosition = [];

    public long? IsDuplicate(string email, long position)
    {
        var key = Fnv1a(email);
        if (_firstPosition.TryGetValue(key, out var first))
        {
            return first;
        }

        _firstPosition[key] = position;
        return null;
    }

    private static ulong Fnv1a(string text)
    {
        var hash = 14695981039346656037UL;
        foreach (var c in text)
        {
            hash = (hash ^ c) * 1099511628211UL;
        }

        return hash;
    }
}
