using System.Text;

namespace Pipeline.Domain.Feeds;

/// <summary>One CSV record: the line it starts on, its fields, and what was wrong with it, if anything.</summary>
public sealed record CsvRecord(long Line, IReadOnlyList<string> Fields, string? Error, string Excerpt);

/// <summary>
/// Streams RFC 4180 records from a reader in constant memory: quoted fields may hold delimiters, doubled quotes
/// and line breaks; a malformed record is returned with an error instead of stopping the file.
/// </summary>
public sealed class CsvTokenizer(TextReader reader, char delimiter = ',', int maxFieldLength = CsvTokenizer.DefaultMaxFieldLength)
{
    public const int DefaultMaxFieldLength = 32 * 1024;

    private char[] _buffer = new char[16 * 1024];
    private int _position;
    private int _length;
    private long _line = 1;

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
                    return Finish(startLine, fields, error, excerpt);
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
    private CsvRecord Finish(long startLine, List<string> fields, string? error, StringBuilder excerpt)
    {
        var firstBreak = error is null ? -1 : IndexOf(_raw, '\n');
        if (firstBreak < 0)
        {
            return new CsvRecord(startLine, fields, error, excerpt.ToString());
        }

        if (_rawOverflow)
        {
            return new CsvRecord(startLine, fields, $"{error}; lines {startLine + 1} to {_line} were inside it and could not be read", excerpt.ToString());
        }

        var firstLine = _raw.ToString(0, firstBreak).TrimEnd('\r');
        var rest = _raw.ToString(firstBreak + 1, _raw.Length - firstBreak - 1);
        var remaining = _length - _position;
        var buffer = new char[Math.Max(rest.Length + remaining, 16 * 1024)];
        rest.CopyTo(0, buffer, 0, rest.Length);
        Array.Copy(_buffer, _position, buffer, rest.Length, remaining);
        (_buffer, _position, _length) = (buffer, 0, rest.Length + remaining);
        _line = startLine + 1;
        return new CsvRecord(startLine, [firstLine], error, RejectedRow.Cut(firstLine)!);
    }

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
            if (await EnsureAsync(cancellationToken).ConfigureAwait(false) && _buffer[_position] == '\n')
            {
                _position++;
            }
        }
        else
        {
            _position++;
        }

        _line++;
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
