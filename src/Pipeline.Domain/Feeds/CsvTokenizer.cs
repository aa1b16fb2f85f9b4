using System.Text;

namespace Pipeline.Domain.Feeds;

/// <summary>One CSV record: the line it starts on, its fields, and what was wrong with it, if anything.</summary>
public sealed record CsvRecord(long Line, IReadOnlyList<string> Fields, string? Error, string Excerpt);

/// <summary>
/// Streams RFC 4180 records from a reader in constant memory: quoted fields may hold delimiters, doubled quotes
/// and line breaks; a malformed record is returned with an error instead of stopping the file.
/// </summary>
/// <remarks>
/// It counts the bytes it has consumed, as UTF-8 or as a single-byte code page, so a reader can note where the next
/// record starts in the file and a later invocation can continue from there (<see cref="BytesConsumed"/>,
/// <see cref="Line"/>).
/// </remarks>
public sealed class CsvTokenizer(TextReader reader, char delimiter = ',', int maxFieldLength = CsvTokenizer.DefaultMaxFieldLength, bool singleByte = false, long firstLine = 1)
{
    public const int DefaultMaxFieldLength = 32 * 1024;

    private char[] _buffer = new char[16 * 1024];
    private int _position;
    private int _length;
    private long _line = firstLine;
    private long _bytes;
    private string _lastBreak = "\n";
    private bool _invalidBytes;

    /// <summary>Bytes of the underlying text consumed so far: the end of the last record returned.</summary>
    public long BytesConsumed => _bytes;

    /// <summary>The line the next record starts on (or after, past blank lines).</summary>
    public long Line => _line;

    // The raw text of the record being read, so that a malformed multi-line record can be re-read line by line.
    private readonly StringBuilder _raw = new();
    private bool _rawOverflow;

    public async IAsyncEnumerable<CsvRecord> ReadAllAsync([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        while (await ReadAsync(cancellationToken).ConfigureAwait(false) is { } record)
        {
            yield return record;
        }
    }

    /// <summary>The next non-blank record, or null at the end.</summary>
    public async ValueTask<CsvRecord?> ReadAsync(CancellationToken cancellationToken = default)
    {
        while (true)
        {
            if (!await EnsureAsync(cancellationToken).ConfigureAwait(false))
            {
                return null;
            }

            // Skip blank lines between records.
            var c = _buffer[_position];
            if (c is '\r' or '\n')
            {
                await ConsumeLineBreakAsync(cancellationToken).ConfigureAwait(false);
                continue;
            }

            return await ReadRecordAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private async ValueTask<CsvRecord> ReadRecordAsync(CancellationToken cancellationToken)
    {
        var startLine = _line;
        _raw.Clear();
        _rawOverflow = false;
        var fields = new List<string>();
        var field = new StringBuilder();
        var excerpt = new StringBuilder();
        string? error = null;

        while (true)
        {
            field.Clear();
            var quoted = false;
            var ended = false;
            if (await EnsureAsync(cancellationToken).ConfigureAwait(false) && _buffer[_position] == '"')
            {
                quoted = true;
                Take(excerpt);
            }

            while (!ended)
            {
                if (!await EnsureAsync(cancellationToken).ConfigureAwait(false))
                {
                    if (quoted)
                    {
                        error ??= $"a quoted field opened on line {startLine} is never closed";
                    }

                    Add(fields, field);
                    return Finish(startLine, fields, error, excerpt);
                }

                var c = _buffer[_position];
                if (quoted)
                {
                    if (c == '"')
                    {
                        Take(excerpt);
                        if (!await EnsureAsync(cancellationToken).ConfigureAwait(false))
                        {
                            Add(fields, field);
                            return Finish(startLine, fields, error, excerpt);
                        }

                        var next = _buffer[_position];
                        if (next == '"')
                        {
                            Take(excerpt);
                            Append(field, '"', fields.Count, ref error);
                        }
                        else if (next == delimiter || next is '\r' or '\n')
                        {
                            quoted = false;
                        }
                        else
                        {
                            error ??= $"unexpected character after a closing quote in field {fields.Count + 1}";
                            quoted = false;
                        }

                        continue;
                    }

                    if (c == '\n')
                    {
                        _line++;
                    }

                    Take(excerpt);
                    Append(field, c, fields.Count, ref error);
                    continue;
                }

                if (c == delimiter)
                {
                    Take(excerpt);
                    Add(fields, field);
                    ended = true;
                }
                else if (c is '\r' or '\n')
                {
                    Add(fields, field);
                    await ConsumeLineBreakAsync(cancellationToken).ConfigureAwait(false);
                    return Finish(startLine, fields, error, excerpt, endedWithBreak: true);
                }
                else
                {
                    Take(excerpt);
                    Append(field, c, fields.Count, ref error);
                }
            }
        }
    }

    /// <summary>
    /// A malformed record that ran over several lines (typically a quote never closed) keeps only its first line;
    /// the lines after it are read again as records of their own, so one stray quote does not swallow the rest of
    /// the file.
    /// </summary>
    private CsvRecord Finish(long startLine, List<string> fields, string? error, StringBuilder excerpt, bool endedWithBreak = false)
    {
        var invalid = _invalidBytes;
        _invalidBytes = false;
        var firstBreak = error is null ? -1 : IndexOf(_raw, '\n');
        if (firstBreak < 0)
        {
            return Record(startLine, fields, error ?? (invalid ? InvalidBytes : null), excerpt.ToString(), invalid);
        }

        if (_rawOverflow)
        {
            return Record(startLine, fields, $"{error}; lines {startLine + 1} to {_line} were inside it and could not be read", excerpt.ToString(), invalid);
        }

        var firstLine = _raw.ToString(0, firstBreak).TrimEnd('\r');

        // The line break that ended the record belongs to the text read again, or its last line would run into the next.
        var rest = _raw.ToString(firstBreak + 1, _raw.Length - firstBreak - 1) + (endedWithBreak ? _lastBreak : string.Empty);
        _bytes -= Width(rest);
        var remaining = _length - _position;
        var buffer = new char[Math.Max(rest.Length + remaining, 16 * 1024)];
        rest.CopyTo(0, buffer, 0, rest.Length);
        Array.Copy(_buffer, _position, buffer, rest.Length, remaining);
        (_buffer, _position, _length) = (buffer, 0, rest.Length + remaining);
        _line = startLine + 1;
        return Record(startLine, [firstLine], error, RejectedRow.Cut(firstLine)!, firstLine.Any(IsEscapedByte));
    }

    private const string InvalidBytes = "the row holds bytes that are not valid UTF-8 (if the file is a Windows-1252 export, set the feed's 'encoding' to windows-1252)";

    // Stand-ins for undecodable bytes must not reach storage or reports: show them as U+FFFD.
    private static CsvRecord Record(long line, List<string> fields, string? error, string excerpt, bool invalid) => invalid
        ? new CsvRecord(line, fields.Select(Clean).ToList(), error, Clean(excerpt))
        : new CsvRecord(line, fields, error, excerpt);

    private static string Clean(string text) => text.Replace(Utf8Escaping.StandIn, '\uFFFD');

    private static bool IsEscapedByte(char c) => c == Utf8Escaping.StandIn;

    private static int IndexOf(StringBuilder text, char c)
    {
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == c)
            {
                return i;
            }
        }

        return -1;
    }

    private void Append(StringBuilder field, char c, int index, ref string? error)
    {
        if (field.Length < maxFieldLength)
        {
            field.Append(c);
        }
        else
        {
            error ??= $"field {index + 1} is longer than {maxFieldLength:N0} characters";
        }
    }

    private static void Add(List<string> fields, StringBuilder field) => fields.Add(field.ToString());

    private void Take(StringBuilder excerpt)
    {
        if (excerpt.Length < RejectedRow.MaxExcerpt)
        {
            excerpt.Append(_buffer[_position]);
        }

        Count(_buffer[_position]);

        if (_raw.Length < maxFieldLength)
        {
            _raw.Append(_buffer[_position]);
        }
        else
        {
            _rawOverflow = true;
        }

        _position++;
    }

    private async ValueTask ConsumeLineBreakAsync(CancellationToken cancellationToken)
    {
        if (_buffer[_position] == '\r')
        {
            _position++;
            _bytes++;
            _lastBreak = "\r";
            if (await EnsureAsync(cancellationToken).ConfigureAwait(false) && _buffer[_position] == '\n')
            {
                _position++;
                _bytes++;
                _lastBreak = "\r\n";
            }
        }
        else
        {
            _position++;
            _bytes++;
            _lastBreak = "\n";
        }

        _line++;
    }

    // UTF-8 widths by UTF-16 unit: a surrogate pair is four bytes, two for each half; a stand-in is one byte that
    // was not valid UTF-8 (see Utf8Escaping).
    private void Count(char c)
    {
        if (singleByte || c < 0x80)
        {
            _bytes++;
        }
        else if (c == Utf8Escaping.StandIn)
        {
            _bytes++;
            _invalidBytes = true;
        }
        else
        {
            _bytes += c < 0x800 || char.IsSurrogate(c) ? 2 : 3;
        }
    }

    private long Width(string text)
    {
        if (singleByte)
        {
            return text.Length;
        }

        long width = 0;
        foreach (var c in text)
        {
            width += c < 0x80 || c == Utf8Escaping.StandIn ? 1 : c < 0x800 || char.IsSurrogate(c) ? 2 : 3;
        }

        return width;
    }

    private async ValueTask<bool> EnsureAsync(CancellationToken cancellationToken)
    {
        if (_position < _length)
        {
            return true;
        }

        _length = await reader.ReadAsync(_buffer.AsMemory(), cancellationToken).ConfigureAwait(false);
        _position = 0;
        return _length > 0;
    }
}
