using System.Net;
using Microsoft.Extensions.Options;

namespace Pipeline.Core.Configuration;

/// <summary>
/// The <c>Graph</c> section (app settings <c>Graph__*</c>). With a mailbox and a way to authenticate, shortlists go out
/// through Microsoft Graph; without, they are written to the outbox folder.
/// </summary>
public sealed class GraphOptions
{
    public const string Section = "Graph";

    public string BaseUrl { get; set; } = "https://graph.microsoft.com/v1.0";

    /// <summary>The shared mailbox (UPN or object id) shortlists are sent from and replies arrive in.</summary>
    public string? Mailbox { get; set; }

    public string? TenantId { get; set; }

    /// <summary>The app registration's client id, with <see cref="ClientSecret"/>.</summary>
    public string? ClientId { get; set; }

    /// <summary>A secret: from Key Vault or the environment, never the repository.</summary>
    public string? ClientSecret { get; set; }

    /// <summary>
    /// Instead of a client secret: the app registration's certificate with its private key, as base64 PFX (a Key
    /// Vault certificate reference gives exactly this). A secret.
    /// </summary>
    public string? ClientCertificate { get; set; }

    /// <summary>The PFX's password, if it has one. A secret.</summary>
    public string? ClientCertificatePassword { get; set; }

    /// <summary>Use the function app's managed identity (with this client id for a user-assigned one, or empty for system-assigned).</summary>
    public bool UseManagedIdentity { get; set; }

    public string? ManagedIdentityClientId { get; set; }

    /// <summary>A fixed bearer token, for a Graph stand-in on loopback only (tests, local evaluation).</summary>
    public string? AccessToken { get; set; }

    /// <summary>
    /// The secret Graph echoes in every change notification for the Inbox subscription (16–128 characters). With
    /// <c>Pipeline:PublicBaseUrl</c>, Pipeline subscribes to the Inbox and is woken by new replies; without, the
    /// five-minute catch-up alone reads them.
    /// </summary>
    public string? NotificationClientState { get; set; }

    public bool IsConfigured => !string.IsNullOrWhiteSpace(Mailbox);
}

/// <summary>Opens <see cref="GraphOptions.ClientCertificate"/>.</summary>
public static class PipelineGraphClientCertificate
{
    public static System.Security.Cryptography.X509Certificates.X509Certificate2 Load(GraphOptions options) =>
        System.Security.Cryptography.X509Certificates.X509CertificateLoader.LoadPkcs12(Convert.FromBase64String(options.ClientCertificate!), options.ClientCertificatePassword);
}

public sealed class GraphOptionsValidator : IValidateOptions<GraphOptions>
{
    public ValidateOptionsResult Validate(string? name, GraphOptions options)
    {
        if (!options.IsConfigured)
        {
            return ValidateOptionsResult.Success;
        }

        var errors = new List<string>();
        if (!Uri.TryCreate(options.BaseUrl, UriKind.Absolute, out var baseUrl))
        {
            errors.Add($"Graph:BaseUrl is '{options.BaseUrl}', which is not an absolute URL.");
        }
        else if (!string.IsNullOrEmpty(options.AccessToken) && !IsLoopback(baseUrl))
        {
            errors.Add($"Graph:AccessToken is only for a Graph stand-in on loopback, but Graph:BaseUrl is {baseUrl.Host}; use a client secret or managed identity.");
        }
        else if (string.IsNullOrEmpty(options.AccessToken) && baseUrl.Scheme != Uri.UriSchemeHttps)
        {
            errors.Add($"Graph:BaseUrl must be https (got '{options.BaseUrl}').");
        }

        var ways = new[] { !string.IsNullOrEmpty(options.AccessToken), !string.IsNullOrEmpty(options.ClientSecret), !string.IsNullOrEmpty(options.ClientCertificate), options.UseManagedIdentity }.Count(w => w);
        if (ways != 1)
        {
            errors.Add("Graph:Mailbox is set, so set exactly one way to authenticate: Graph:ClientSecret or Graph:ClientCertificate (with TenantId and ClientId), Graph:UseManagedIdentity, or (loopback only) Graph:AccessToken.");
        }

        if (options.NotificationClientState is { Length: > 0 } state && state.Length is < 16 or > 128)
        {
            errors.Add("Graph:NotificationClientState must be 16 to 128 characters (a random secret).");
        }

        if ((!string.IsNullOrEmpty(options.ClientSecret) || !string.IsNullOrEmpty(options.ClientCertificate)) && (string.IsNullOrWhiteSpace(options.TenantId) || string.IsNullOrWhiteSpace(options.ClientId)))
        {
            errors.Add("Graph:ClientSecret and Graph:ClientCertificate need Graph:TenantId and Graph:ClientId.");
        }

        if (!string.IsNullOrEmpty(options.ClientCertificate))
        {
            try
            {
                using var certificate = PipelineGraphClientCertificate.Load(options);
                if (!certificate.HasPrivateKey)
                {
                    errors.Add("Graph:ClientCertificate has no private key; export the certificate as PFX with its key.");
                }
            }
            catch (Exception e) when (e is FormatException or System.Security.Cryptography.CryptographicException)
            {
                // The message never repeats the value: it is a secret.
                errors.Add("Graph:ClientCertificate is not a base64 PFX that opens with Graph:ClientCertificatePassword.");
            }
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private static bool IsLoopback(Uri uri) =>
        uri.IsLoopback || (IPAddress.TryParse(uri.Host.Trim('[', ']'), out var ip) && IPAddress.IsLoopback(ip));
}
