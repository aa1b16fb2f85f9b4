namespace Pipeline.Domain.Feeds;

/// <summary>A read-only stream that yields a few already-read bytes and then the rest of the original stream.</summary>
internal sealed class PrefixedStream(MemoryStream prefix, Stream rest) : Stream
{
    /// <summary>
    /// Reads past <paramref name="expected"/> if the stream starts with it (a byte order mark); otherwise gives back a
    /// stream that still starts at the beginning. Returns the stream to read and how many bytes were skipped.
    /// </summary>
    public static async Task<(Stream Stream, long Skipped)> SkipPrefixAsync(Stream stream, byte[] expected, CancellationToken cancellationToken)
    {
        var head = new byte[expected.Length];
        var read = 0;
        while (read < head.Length && await stream.ReadAsync(head.AsMemory(read), cancellationToken).ConfigureAwait(false) is > 0 and var n)
        {
            read += n;
        }

        return read == expected.Length && head.AsSpan().SequenceEqual(expected)
            ? (stream, read)
            : (new PrefixedStream(new MemoryStream(head, 0, read), stream), 0);
    }

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) =>
        prefix.Position < prefix.Length ? prefix.Read(buffer, offset, count) : rest.Read(buffer, offset, count);

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        prefix.Position < prefix.Length
            ? prefix.Read(buffer.Span)
            : await rest.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
