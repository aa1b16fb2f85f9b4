using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Unicode;

namespace Pipeline.Domain.Feeds;

/// <summary>
/// One non-blank line of an NDJSON document: its bytes (valid only until the next line is read), its 1-based number,
/// the byte offset just past it, and why it cannot be parsed at all (too long, not UTF-8).
/// </summary>
public readonly record struct NdjsonLine(long Number, ReadOnlyMemory<byte> Bytes, long End, string? Problem)
{
    public string Excerpt => Encoding.UTF8.GetString(Bytes.Span[..Math.Min(Bytes.Length, RejectedRow.MaxExcerpt * 2)]);
}

/// <summary>Splits a byte stream into lines without decoding it, counting byte offsets so reading can resume at any line.</summary>
public static class NdjsonLines
{
    private static readonly byte[] Utf8ByteOrderMark = [0xEF, 0xBB, 0xBF];

    public static async IAsyncEnumerable<NdjsonLine> ReadAsync(
        Stream stream, FeedCheckpoint? from, int maxLineBytes, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        long offset;
        if (from is { Offset: > 0 } at)
        {
            offset = at.Offset;
        }
        else
        {
            (stream, offset) = await PrefixedStream.SkipPrefixAsync(stream, Utf8ByteOrderMark, cancellationToken).ConfigureAwait(false);
        }

        var number = Math.Max(1, from?.Position ?? 1) - 1;
        var buffer = new byte[64 * 1024];
        int start = 0, end = 0;
        var eof = false;
        long? oversized = null; // bytes of a too-long line seen so far, while skipping to its end
        ReadOnlyMemory<byte> oversizedHead = default;
        while (true)
        {
            var newline = buffer.AsSpan(start, end - start).IndexOf((byte)'\n');
            if (newline >= 0 || (eof && start < end))
            {
                var length = newline >= 0 ? newline : end - start;
                var consumed = newline >= 0 ? length + 1 : length;
                var bytes = buffer.AsMemory(start, length);
                start += consumed;
                offset += consumed;
                if (oversized is { } seen)
                {
                    oversized = null;
                    number++;
                    yield return new NdjsonLine(number, oversizedHead, offset, $"the line is {seen + length:N0} bytes long; the limit is {maxLineBytes:N0}");
                    continue;
                }

                number++;
                if (bytes.Length > 0 && bytes.Span[^1] == (byte)'\r')
                {
                    bytes = bytes[..^1];
                }

                if (bytes.Span.Trim(" \t"u8).IsEmpty)
                {
                    continue;
                }

                yield return bytes.Length > maxLineBytes
                    ? new NdjsonLine(number, bytes[..RejectedRow.MaxExcerpt], offset, $"the line is {bytes.Length:N0} bytes long; the limit is {maxLineBytes:N0}")
                    : Utf8.IsValid(bytes.Span)
                        ? new NdjsonLine(number, bytes, offset, null)
                        : new NdjsonLine(number, bytes, offset, "the line holds bytes that are not valid UTF-8");
                continue;
            }

            if (eof)
            {
                if (oversized is { } tail)
                {
                    yield return new NdjsonLine(number + 1, oversizedHead, offset, $"the line is {tail:N0} bytes long; the limit is {maxLineBytes:N0}");
                }

                yield break;
            }

            // No whole line in the buffer: keep the partial one at the front and read more, growing up to the limit.
            if (start > 0)
            {
                Buffer.BlockCopy(buffer, start, buffer, 0, end - start);
                end -= start;
                start = 0;
            }

            if (end == buffer.Length)
            {
                if (buffer.Length > maxLineBytes)
                {
                    // Too long to keep: remember its start for the excerpt and skip to its end.
                    oversized = (oversized ?? 0) + end;
                    oversizedHead = oversizedHead.IsEmpty ? buffer.AsSpan(0, RejectedRow.MaxExcerpt).ToArray() : oversizedHead;
                    offset += end;
                    end = 0;
                }
                else
                {
                    Array.Resize(ref buffer, buffer.Length * 2);
                }
            }

            var n = await stream.ReadAsync(buffer.AsMemory(end), cancellationToken).ConfigureAwait(false);
            end += n;
            eof = n == 0;
        }
    }
}
