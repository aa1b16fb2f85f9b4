using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;

namespace Pipeline.Domain.Feeds;

/// <summary>One entry of a JSON feed, or the reason the document could not be read past this point.</summary>
/// <remarks>A <see cref="Fatal"/> failure ends the document; any other failure is that entry's alone.</remarks>
public readonly record struct JsonItem(long Position, JsonElement Element, string? Failure, FeedCheckpoint Next, bool Fatal = false);

/// <summary>
/// Streams the entries of a JSON document in constant memory: each element of a top-level array, of the array at
/// the feed's <c>recordsPath</c> (<c>{"data": [...], "next": "..."}</c>), or a single top-level object as one
/// entry. The value at <c>pagination.nextPath</c> is picked up on the way. A malformed or cut-off document ends with
/// one failed entry; everything before it was handed on.
/// </summary>
/// <remarks>
/// Each entry ends at a byte offset a later invocation can continue from: the rest of the document is read behind a
/// made-up opening (<c>[</c>, or <c>{"data":[</c>) so the reader is back inside the array.
/// </remarks>
public static class JsonItems
{
    /// <summary>An entry larger than this stops the document; it cannot be skipped without being read.</summary>
    public const int MaxEntryBytes = 16 * 1024 * 1024;

    private static readonly byte[] Utf8ByteOrderMark = [0xEF, 0xBB, 0xBF];

    public static async IAsyncEnumerable<JsonItem> ReadAsync(
        Stream stream, FeedDefinition feed, FeedResume? resume, FeedDocumentInfo info, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var scanner = new Scanner(Split(feed.RecordsPath), Split(feed.Pagination?.NextPath), Math.Max(1, resume?.At.Position ?? 1) - 1) { NextPage = resume?.NextPage };
        var buffer = new byte[64 * 1024];
        var end = 0;
        long baseOffset;
        if (resume is not { At.Offset: > 0 })
        {
            (stream, baseOffset) = await PrefixedStream.SkipPrefixAsync(stream, Utf8ByteOrderMark, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            // Skip what separates the last entry read from the next one, then reopen the array in front of the rest.
            long skipped = 0;
            while (true)
            {
                var read = await stream.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
                var i = 0;
                while (i < read && buffer[i] is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n')
                {
                    i++;
                }

                if (i == read && read > 0)
                {
                    skipped += read;
                    continue;
                }

                if (read == 0)
                {
                    yield break;
                }

                if (buffer[i] == (byte)',')
                {
                    i++;
                }

                var opening = Encoding.UTF8.GetBytes(Opening(feed.RecordsPath));
                var rest = buffer.AsSpan(i, read - i).ToArray();
                opening.CopyTo(buffer, 0);
                rest.CopyTo(buffer, opening.Length);
                end = opening.Length + rest.Length;
                baseOffset = resume.At.Offset + skipped + i - opening.Length;
                break;
            }
        }

        var start = 0;
        long dropped = 0;
        var final = false;
        var checkedStart = resume is { At.Offset: > 0 };
        while (true)
        {
            if (!checkedStart && FirstByte(buffer.AsSpan(start, end - start)) is { } first)
            {
                if (first != (byte)'[' && first != (byte)'{')
                {
                    // Says what was expected, never what the document holds.
                    throw new FeedFormatException($"Feed '{feed.Id}': expected a JSON array or object, but the document does not start with '[' or '{{'.");
                }

                checkedStart = true;
            }

            var (step, consumed, entry, failure) = !checkedStart && !final
                ? (Step.NeedMore, 0, null, null)
                : scanner.Next(buffer.AsSpan(start, end - start), final);
            start += consumed;
            info.NextPage = scanner.NextPage;
            if (failure is not null && step == Step.End)
            {
                yield return new JsonItem(scanner.Position + 1, default, failure, default, Fatal: true);
                yield break;
            }

            if (step == Step.Entry)
            {
                var next = new FeedCheckpoint(baseOffset + dropped + start, scanner.Position + 1);
                if (entry is null)
                {
                    yield return new JsonItem(scanner.Position, default, failure, next);
                    continue;
                }

                using (entry)
                {
                    yield return new JsonItem(scanner.Position, entry.RootElement, null, next);
                }

                continue;
            }

            if (step == Step.End)
            {
                if (scanner.RecordsPathMissing)
                {
                    throw new FeedFormatException($"Feed '{feed.Id}': the document has no array at '{feed.RecordsPath}' (the feed's 'recordsPath').");
                }

                yield break;
            }

            // More bytes are needed: keep what is unread, grow the buffer if one entry fills it, and read on.
            if (start > 0)
            {
                Buffer.BlockCopy(buffer, start, buffer, 0, end - start);
                dropped += start;
                end -= start;
                start = 0;
            }

            if (end == buffer.Length)
            {
                if (buffer.Length >= MaxEntryBytes)
                {
                    yield return new JsonItem(scanner.Position + 1, default, $"entry {scanner.Position + 1} is larger than {MaxEntryBytes:N0} bytes; no later entries could be read", default, Fatal: true);
                    yield break;
                }

                Array.Resize(ref buffer, buffer.Length * 2);
            }

            var n = await stream.ReadAsync(buffer.AsMemory(end), cancellationToken).ConfigureAwait(false);
            end += n;
            final = n == 0;
        }
    }

    private static byte? FirstByte(ReadOnlySpan<byte> data)
    {
        var i = data.IndexOfAnyExcept(" \t\r\n"u8);
        return i < 0 ? null : data[i];
    }

    private static string[]? Split(string? path) => string.IsNullOrWhiteSpace(path) ? null : path.Split('.');

    /// <summary>The text that puts a reader back inside the records array: <c>[</c>, or <c>{"a":{"b":[</c> for <c>a.b</c>.</summary>
    private static string Opening(string? recordsPath) =>
        Split(recordsPath) is { } names
            ? string.Concat(names.Select(n => "{" + JsonSerializer.Serialize(n) + ":")) + "["
            : "[";

    private enum Step
    {
        Entry,
        NeedMore,
        End,
    }

    /// <summary>Walks the document token by token, keeping track of where it is, and cuts out one entry at a time.</summary>
    private sealed class Scanner(string[]? records, string[]? nextPath, long position)
    {
        private readonly List<string?> _path = [];
        private JsonReaderState _state;
        private string? _property;
        private int _recordsDepth = -1;
        private bool _recordsFound;

        public long Position { get; private set; } = position;

        public string? NextPage { get; set; }

        public bool RecordsPathMissing => records is not null && !_recordsFound && Position == 0;

        public (Step Step, int Consumed, JsonDocument? Entry, string? Failure) Next(ReadOnlySpan<byte> data, bool final)
        {
            var reader = new Utf8JsonReader(data, final, _state);
            try
            {
                while (true)
                {
                    var before = reader;
                    if (!reader.Read())
                    {
                        _state = reader.CurrentState;
                        return (final ? Step.End : Step.NeedMore, (int)reader.BytesConsumed, null, null);
                    }

                    var depth = reader.CurrentDepth;
                    var type = reader.TokenType;
                    var isEntry = (_recordsDepth >= 0 && depth == _recordsDepth + 1 && type is not (JsonTokenType.EndArray or JsonTokenType.PropertyName))
                        || (records is null && depth == 0 && type == JsonTokenType.StartObject);
                    if (isEntry)
                    {
                        var probe = reader;
                        if (type is JsonTokenType.StartObject or JsonTokenType.StartArray && !probe.TrySkip())
                        {
                            _state = before.CurrentState;
                            return (Step.NeedMore, (int)before.BytesConsumed, null, null);
                        }

                        var from = (int)reader.TokenStartIndex;
                        var entry = JsonDocument.ParseValue(ref reader);
                        Position++;
                        _state = reader.CurrentState;
                        if (!System.Text.Unicode.Utf8.IsValid(data[from..(int)reader.BytesConsumed]))
                        {
                            // The reader checks structure, not the bytes inside strings; a bad entry is that entry's problem alone.
                            entry.Dispose();
                            return (Step.Entry, (int)reader.BytesConsumed, null, "the entry holds bytes that are not valid UTF-8");
                        }

                        return (Step.Entry, (int)reader.BytesConsumed, entry, null);
                    }

                    switch (type)
                    {
                        case JsonTokenType.PropertyName:
                            _property = reader.GetString();
                            break;
                        case JsonTokenType.StartObject or JsonTokenType.StartArray:
                            _path.Add(_property);
                            _property = null;
                            if (type == JsonTokenType.StartArray && _recordsDepth < 0 && (depth == 0 || IsRecordsPath()))
                            {
                                _recordsDepth = depth;
                                _recordsFound = true;
                            }

                            break;
                        case JsonTokenType.EndObject or JsonTokenType.EndArray:
                            _path.RemoveAt(_path.Count - 1);
                            if (depth == _recordsDepth)
                            {
                                _recordsDepth = -1;
                            }

                            break;
                        case JsonTokenType.String when IsNextPath():
                            NextPage = reader.GetString();
                            _property = null;
                            break;
                        default:
                            _property = null;
                            break;
                    }
                }
            }
            catch (InvalidOperationException)
            {
                return (Step.End, 0, null, "the JSON document holds a property name that is not valid UTF-8; no later entries could be read");
            }
            catch (JsonException e)
            {
                return (Step.End, 0, null, $"the JSON document is malformed or cut off (line {e.LineNumber + 1}, byte {e.BytePositionInLine}); no later entries could be read");
            }
        }

        private bool IsRecordsPath() => records is not null && Matches(records, records.Length);

        private bool IsNextPath() => nextPath is not null && _property == nextPath[^1] && Matches(nextPath, nextPath.Length - 1);

        // _path[0] is the root (no name); _path[i] is the property that holds the container at depth i.
        private bool Matches(string[] names, int count)
        {
            if (_path.Count != count + 1)
            {
                return false;
            }

            for (var i = 0; i < count; i++)
            {
                if (_path[i + 1] != names[i])
                {
                    return false;
                }
            }

            return true;
        }
    }
}
