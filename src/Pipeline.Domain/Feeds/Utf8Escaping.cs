using System.Text;

namespace Pipeline.Domain.Feeds;

/// <summary>
/// UTF-8 decoding that turns each byte it cannot decode into one <see cref="StandIn"/> character, U+FDD0: a Unicode
/// noncharacter, which text meant for interchange does not contain. The CSV tokenizer counts each stand-in as one
/// byte (keeping resume offsets exact) and rejects the row that holds one. (.NET refuses lone surrogates here, which
/// would otherwise be the unambiguous choice.)
/// </summary>
public static class Utf8Escaping
{
    public const char StandIn = '\uFDD0';

    public static Encoding Encoding { get; } = Create();

    private static Encoding Create()
    {
        var utf8 = (Encoding)new UTF8Encoding(encoderShouldEmitUTF8Identifier: false).Clone();
        utf8.DecoderFallback = new EscapeFallback();
        return utf8;
    }

    private sealed class EscapeFallback : DecoderFallback
    {
        public override int MaxCharCount => 4;

        public override DecoderFallbackBuffer CreateFallbackBuffer() => new Buffer();
    }

    private sealed class Buffer : DecoderFallbackBuffer
    {
        private byte[] _bytes = [];
        private int _next;

        public override int Remaining => _bytes.Length - _next;

        public override bool Fallback(byte[] bytesUnknown, int index)
        {
            _bytes = bytesUnknown;
            _next = 0;
            return bytesUnknown.Length > 0;
        }

        public override char GetNextChar()
        {
            if (_next >= _bytes.Length)
            {
                return '\0';
            }

            _next++;
            return StandIn;
        }

        public override bool MovePrevious()
        {
            if (_next == 0)
            {
                return false;
            }

            _next--;
            return true;
        }

        public override void Reset()
        {
            _bytes = [];
            _next = 0;
        }
    }
}
