using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;
using Pipeline.Core.Configuration;

namespace Pipeline.Core.Teams;

/// <summary>Who a valid Teams single sign-on token says is signed in.</summary>
public sealed record TeamsUser(string? ObjectId, string? UserName);

/// <summary>
/// Validates the tokens the Teams tab gets through single sign-on: issued by the configured tenant, for this app
/// (its client id or Application ID URI), signed with a key the tenant publishes, and within its lifetime. The
/// tenant's OpenID metadata and keys are fetched and cached by <see cref="ConfigurationManager{T}"/>, which also
/// refreshes them when a token names a key it does not know yet (key rollover).
/// </summary>
public sealed class TeamsTokenValidator
{
    private readonly TeamsOptions _options;
    private readonly TimeProvider _time;
    private readonly ConfigurationManager<OpenIdConnectConfiguration>? _metadata;
    private readonly IReadOnlyList<string> _audiences;
    private readonly JsonWebTokenHandler _handler = new() { MapInboundClaims = false };

    private readonly ILogger<TeamsTokenValidator> _logger;

    public TeamsTokenValidator(IOptions<TeamsOptions> options, IOptions<PipelineOptions> pipeline, TimeProvider time, IHttpClientFactory httpClients, ILogger<TeamsTokenValidator> logger)
    {
        _options = options.Value;
        _logger = logger;
        _time = time;
        if (!_options.IsConfigured)
        {
            _audiences = [];
            return;
        }

        var authority = new Uri(_options.ResolvedAuthority);
        _metadata = new ConfigurationManager<OpenIdConnectConfiguration>(
            _options.ResolvedAuthority + "/.well-known/openid-configuration",
            new OpenIdConnectConfigurationRetriever(),
            new HttpDocumentRetriever(httpClients.CreateClient(nameof(TeamsTokenValidator))) { RequireHttps = authority.Scheme == Uri.UriSchemeHttps });
        var applicationIdUri = _options.ApplicationIdUri is { Length: > 0 } uri
            ? uri
            : Uri.TryCreate(pipeline.Value.PublicBaseUrl, UriKind.Absolute, out var site) ? $"api://{site.Authority}/{_options.ClientId}" : null;
        _audiences = new[] { _options.ClientId!, applicationIdUri }.OfType<string>().ToList();
    }

    /// <summary>The user the token names, or null when it is not a valid token for this app and tenant.</summary>
    public async Task<TeamsUser?> ValidateAsync(string? token, CancellationToken cancellationToken)
    {
        if (_metadata is null || string.IsNullOrWhiteSpace(token))
        {
            return null;
        }

        OpenIdConnectConfiguration metadata;
        try
        {
            metadata = await _metadata.GetConfigurationAsync(cancellationToken);
        }
        catch (InvalidOperationException e)
        {
            // The tenant's keys cannot be had right now: nobody can be recognised, so nobody is let in.
            _logger.LogWarning(e, "Teams sign-in: the OpenID metadata of {Authority} could not be read", _options.ResolvedAuthority);
            return null;
        }

        var tenant = _options.TenantId!;
        var parameters = new TokenValidationParameters
        {
            // v2.0 tokens carry the metadata's issuer (with the tenant in it); v1.0 tokens the sts.windows.net one.
            ValidIssuers = [metadata.Issuer.Replace("{tenantid}", tenant, StringComparison.OrdinalIgnoreCase), $"https://sts.windows.net/{tenant}/"],
            ValidAudiences = _audiences,
            IssuerSigningKeys = metadata.SigningKeys,
            RequireSignedTokens = true,
            RequireExpirationTime = true,
            ValidateLifetime = true,
            ClockSkew = TimeSpan.FromMinutes(5),
            LifetimeValidator = ValidLifetime,
        };
        var result = await _handler.ValidateTokenAsync(token, parameters);
        if (!result.IsValid && result.Exception is SecurityTokenSignatureKeyNotFoundException)
        {
            // Perhaps the tenant rolled its keys: fetch them again (the manager limits how often) and retry once.
            _metadata.RequestRefresh();
            parameters.IssuerSigningKeys = (await _metadata.GetConfigurationAsync(cancellationToken)).SigningKeys;
            result = await _handler.ValidateTokenAsync(token, parameters);
        }

        if (!result.IsValid)
        {
            // The reason only (its exception type), never the token.
            _logger.LogInformation("Teams sign-in token refused: {Reason}", result.Exception?.GetType().Name);
            return null;
        }

        if (!string.Equals(Claim(result, "tid"), tenant, StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        return new TeamsUser(Claim(result, "oid"), Claim(result, "preferred_username") ?? Claim(result, "upn"));
    }

    private bool ValidLifetime(DateTime? notBefore, DateTime? expires, SecurityToken token, TokenValidationParameters parameters)
    {
        var now = _time.GetUtcNow().UtcDateTime;
        return expires is { } end && now <= end + parameters.ClockSkew && (notBefore is not { } start || now >= start - parameters.ClockSkew);
    }

    private static string? Claim(TokenValidationResult result, string type) =>
        result.Claims.TryGetValue(type, out var value) ? value?.ToString() : null;
}
