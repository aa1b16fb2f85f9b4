using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Pipeline.Domain.Certifications;

/// <summary>
/// A signed Open Badges 2.0 assertion: a JWS in compact serialisation whose payload is the assertion. Parsing checks
/// only the shape; <see cref="VerifyRs256"/> checks the signature against a key the caller trusts.
/// </summary>
public sealed class SignedBadge
{
    private readonly byte[] _signingInput;
    private readonly byte[] _signature;

    private SignedBadge(string algorithm, JsonElement payload, byte[] signingInput, byte[] signature)
    {
        Algorithm = algorithm;
        Payload = payload;
        _signingInput = signingInput;
        _signature = signature;
    }

    /// <summary>The header's <c>alg</c>.</summary>
    public string Algorithm { get; }

    /// <summary>The assertion, as signed.</summary>
    public JsonElement Payload { get; }

    /// <summary>Reads a document as a JWS compact serialisation (surrounding white space allowed); false for anything else.</summary>
    public static bool TryParse(ReadOnlySpan<byte> document, out SignedBadge badge)
    {
        badge = null!;
        var text = Encoding.ASCII.GetString(document.Trim("\r\n\t "u8));
        var parts = text.Split('.');
        if (parts.Length != 3 || parts.Any(p => p.Length == 0 && p != parts[2]) || text.Length > 1_000_000 || !parts.All(IsBase64Url))
        {
            return false;
        }

        try
        {
            using var header = JsonDocument.Parse(Base64Url.DecodeFromChars(parts[0]));
            using var payload = JsonDocument.Parse(Base64Url.DecodeFromChars(parts[1]));
            if (header.RootElement.ValueKind != JsonValueKind.Object || payload.RootElement.ValueKind != JsonValueKind.Object ||
                OpenBadgeRules.Text(header.RootElement, "alg") is not { } alg)
            {
                return false;
            }

            badge = new SignedBadge(alg, payload.RootElement.Clone(), Encoding.ASCII.GetBytes(parts[0] + "." + parts[1]), Base64Url.DecodeFromChars(parts[2]));
            return true;
        }
        catch (Exception e) when (e is JsonException or FormatException)
        {
            return false;
        }
    }

    /// <summary>Whether the signature is an RSASSA-PKCS1-v1_5 SHA-256 signature by the key in <paramref name="publicKeyPem"/>.</summary>
    public bool VerifyRs256(string publicKeyPem)
    {
        if (Algorithm != "RS256")
        {
            return false;
        }

        try
        {
            using var rsa = RSA.Create();
            rsa.ImportFromPem(publicKeyPem);
            return rsa.VerifyData(_signingInput, _signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        }
        catch (Exception e) when (e is ArgumentException or CryptographicException)
        {
            return false; // not an RSA public key
        }
    }

    private static bool IsBase64Url(string part) => part.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');
}
