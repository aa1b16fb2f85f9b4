using System.Net;
using Microsoft.Extensions.Options;

namespace Pipeline.Core.Configuration;

/// <summary>
/// The <c>Teams</c> section (app settings <c>Teams__*</c>): the Entra app registration the Teams tab signs in to (single
/// sign-on). With a client id, the tab's data endpoint accepts that registration's tokens; without, it accepts none.
/// </summary>
public sealed class TeamsOptions
{
    public const string Section = "Teams";

    /// <summary>The tenant (directory) id whose users may sign in.</summary>
    public string? TenantId { get; set; }

    /// <summary>The app registration's client id (the manifest's <c>webApplicationInfo.id</c>).</summary>
    public string? ClientId { get; set; }

    /// <summary>
    /// The registration's Application ID URI, <c>api://{host}/{client-id}</c>; default: made from
    /// <c>Pipeline:PublicBaseUrl</c>. Tokens for it or for the client id are accepted.
    /// </summary>
    public string? ApplicationIdUri { get; set; }

    /// <summary>
    /// Where the signing keys are published: <c>{Authority}/.well-known/openid-configuration</c>; <c>{tenant}</c> is
    /// replaced by <see cref="TenantId"/>. A loopback http authority is for tests only and refused in Azure.
    /// </summary>
    public string Authority { get; set; } = "https://login.microsoftonline.com/{tenant}/v2.0";

    public bool IsConfigured => !string.IsNullOrWhiteSpace(ClientId);

    public string ResolvedAuthority => Authority.Replace("{tenant}", TenantId ?? string.Empty, StringComparison.Ordinal).TrimEnd('/');
}

/// <param name="inAzure">Whether this runs in Azure; default: <see cref="TestSettings.InAzure"/>.</param>
public sealed class TeamsOptionsValidator(Func<bool>? inAzure = null) : IValidateOptions<TeamsOptions>
{
    public ValidateOptionsResult Validate(string? name, TeamsOptions options)
    {
        if (!options.IsConfigured && string.IsNullOrWhiteSpace(options.TenantId))
        {
            return ValidateOptionsResult.Success;
        }

        var errors = new List<string>();
        if (!Guid.TryParse(options.ClientId, out _))
        {
            errors.Add($"Teams:ClientId is '{options.ClientId}', which is not a GUID: give the app registration's client id.");
        }

        if (!Guid.TryParse(options.TenantId, out _))
        {
            errors.Add($"Teams:TenantId is '{options.TenantId}', which is not a GUID: give the directory (tenant) id.");
        }

        if (!Uri.TryCreate(options.ResolvedAuthority, UriKind.Absolute, out var authority))
        {
            errors.Add($"Teams:Authority is '{options.Authority}', which is not an absolute URL.");
        }
        else if (authority.Scheme != Uri.UriSchemeHttps && !IsLoopback(authority))
        {
            errors.Add($"Teams:Authority must be https (got '{options.Authority}').");
        }
        else if (IsLoopback(authority) && (inAzure ?? (() => TestSettings.InAzure))())
        {
            errors.Add("Teams:Authority is a loopback address, but this is running in Azure; a loopback authority is for tests only. Remove the setting.");
        }

        if (!string.IsNullOrWhiteSpace(options.ApplicationIdUri) && !options.ApplicationIdUri.StartsWith("api://", StringComparison.Ordinal))
        {
            errors.Add($"Teams:ApplicationIdUri is '{options.ApplicationIdUri}'; it starts with api:// (api://{{host}}/{{client-id}}).");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private static bool IsLoopback(Uri uri) =>
        uri.IsLoopback || (IPAddress.TryParse(uri.Host.Trim('[', ']'), out var ip) && IPAddress.IsLoopback(ip));
}

/// <summary>Test-only settings are refused where the Functions platform says this is Azure.</summary>
internal static class TestSettings
{
    public static bool InAzure => !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("WEBSITE_INSTANCE_ID"));
}
