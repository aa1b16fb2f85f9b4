using System.Security.Claims;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Pipeline.Testing;

/// <summary>
/// A Microsoft Entra stand-in on loopback: publishes an OpenID Connect metadata document and a JWKS for a tenant, as
/// <c>login.microsoftonline.com/{tenant}/v2.0</c> does, and signs test tokens with its RSA key.
/// </summary>
public sealed class OpenIdIssuerStandIn : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly RsaSecurityKey _key;

    private OpenIdIssuerStandIn(WebApplication app, Uri address, string tenantId, RsaSecurityKey key)
    {
        _app = app;
        _key = key;
        TenantId = tenantId;
        Authority = new Uri(address, tenantId + "/v2.0").ToString();
    }

    public string TenantId { get; }

    /// <summary>The setting <c>Teams:Authority</c> points at; also the issuer of the tokens it signs.</summary>
    public string Authority { get; }

    public int MetadataRequests { get; private set; }

    public static async Task<OpenIdIssuerStandIn> StartAsync(string tenantId)
    {
        var key = NewKey("stand-in-key-1");
        OpenIdIssuerStandIn? standIn = null;
        var (app, address) = await LoopbackServer.StartAsync(app =>
        {
            app.MapGet("/{tenant}/v2.0/.well-known/openid-configuration", (string tenant, HttpContext context) =>
            {
                standIn!.MetadataRequests++;
                var root = $"{context.Request.Scheme}://{context.Request.Host}/{tenant}";
                return Results.Json(new Dictionary<string, object>
                {
                    ["issuer"] = root + "/v2.0",
                    ["jwks_uri"] = root + "/discovery/v2.0/keys",
                    ["authorization_endpoint"] = root + "/oauth2/v2.0/authorize",
                    ["token_endpoint"] = root + "/oauth2/v2.0/token",
                    ["id_token_signing_alg_values_supported"] = new[] { "RS256" },
                    ["response_types_supported"] = new[] { "code", "id_token" },
                    ["subject_types_supported"] = new[] { "pairwise" },
                });
            });
            app.MapGet("/{tenant}/discovery/v2.0/keys", () =>
            {
                var jwk = JsonWebKeyConverter.ConvertFromRSASecurityKey(new RsaSecurityKey(key.Rsa.ExportParameters(false)) { KeyId = key.KeyId });
                return Results.Json(new { keys = new[] { new { kty = jwk.Kty, use = "sig", kid = jwk.Kid, n = jwk.N, e = jwk.E } } });
            });
        });
        standIn = new OpenIdIssuerStandIn(app, address, tenantId, key);
        return standIn;
    }

    /// <summary>A fresh RSA key that the stand-in does not publish (for signatures that must not validate).</summary>
    public static RsaSecurityKey NewKey(string keyId) => new(RSA.Create(2048)) { KeyId = keyId };

    /// <summary>
    /// A token as Teams single sign-on gets one: for <paramref name="audience"/>, naming the user by object id and
    /// sign-in name; each part can be made wrong by the caller.
    /// </summary>
    public string IssueToken(
        string audience,
        string? objectId = null,
        string? userName = null,
        string? issuer = null,
        string? tenantId = null,
        DateTime? expires = null,
        RsaSecurityKey? signingKey = null)
    {
        var now = TimeProvider.System.GetUtcNow().UtcDateTime;
        var claims = new Dictionary<string, object> { ["tid"] = tenantId ?? TenantId, ["scp"] = "access_as_user", ["ver"] = "2.0" };
        if (objectId is not null)
        {
            claims["oid"] = objectId;
        }

        if (userName is not null)
        {
            claims["preferred_username"] = userName;
        }

        var end = expires ?? now.AddHours(1);
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = issuer ?? Authority,
            Audience = audience,
            IssuedAt = end.AddHours(-1),
            NotBefore = end.AddHours(-1),
            Expires = end,
            Claims = claims,
            Subject = new ClaimsIdentity(),
            SigningCredentials = new SigningCredentials(signingKey ?? _key, SecurityAlgorithms.RsaSha256),
        });
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        _key.Rsa.Dispose();
    }
}
