using System.Runtime.CompilerServices;
using System.Text.Json;

namespace Pipeline.Domain.Feeds;

/// <summary>One element of a JSON feed, or the reason the document could not be read past this point.</summary>
public readonly record struct JsonItem(long Position, JsonElement Element, string? Failure);

/// <summary>
/// Streams the items of a JSON document in constant memory: each element of a top-level array, or a single object as
/// one item. A document cut off or malformed ends with one failed item; everything before it was handed on.
/// </summary>
public static class JsonItems
{
    public static async IAsyncEnumerable<JsonItem> ReadAsync(Stream stream, FeedDefinition feed, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var (first, input) = await PeekFirstByteAsync(stream, cancellationToken).ConfigureAwait(false);
        if (first is null)
        {
            yield break;
        }

        if (first != (byte)'[' && first != (byte)'{')
        {
            throw new FeedFormatException($"Feed '{feed.Id}': expected a JSON array or object, but the document starts with '{(char)first}'.");
        }

        if (first == (byte)'{')
        {
            JsonElement single = default;
            string? failure = null;
            try
            {
                single = await JsonSerializer.DeserializeAsync<JsonElement>(input, cancellationToken: cancellationToken).ConfigureAwait(false);
            }
            catch (JsonException e)
            {
                failure = Describe(e);
            }

            yield return new JsonItem(1, single, failure);
            yield break;
        }

        await using var items = JsonSerializer.DeserializeAsyncEnumerable<JsonElement>(input, cancellationToken: cancellationToken)
            .GetAsyncEnumerator(cancellationToken);
        long position = 0;
        while (true)
        {
            string? failure = null;
            try
            {
                if (!await items.MoveNextAsync().ConfigureAwait(false))
                {
                    yield break;
                }
            }
            catch (JsonException e)
            {
                failure = Describe(e);
            }

            position++;
            yield return failure is null ? new JsonItem(position, items.Current, null) : new JsonItem(position, default, failure);
            if (failure is not null)
            {
                yield break;
            }
        }
    }

    private static string Describe(JsonException e) =>
        $"the JSON document is malformed or cut off (line {e.LineNumber + 1}, byte {e.BytePositionInLine}); no later entries could be read";

    /// <summary>Reads the first non-blank byte and returns a stream that still starts at the beginning.</summary>
    private static async Task<(byte? First, Stream Input)> PeekFirstByteAsync(Stream stream, CancellationToken cancellationToken)
    {
        var prefix = new MemoryStream();
        var one = new byte[1];
        while (await stream.ReadAsync(one, cancellationToken).ConfigureAwait(false) == 1)
        {
            prefix.WriteByte(one[0]);
            // Skip a UTF-8 byte order mark and white space.
            if (one[0] is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n' or 0xEF or 0xBB or 0xBF)
            {
                continue;
            }

            prefix.Position = 0;
            return (one[0], new PrefixedStream(prefix, stream));
        }

        return (null, stream);
    }
}
