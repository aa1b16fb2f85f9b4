using Azure.Core;
using Azure.Identity;
using Microsoft.Graph;
using Microsoft.Kiota.Abstractions.Authentication;
using Pipeline.Core.Configuration;

namespace Pipeline.Core.Delivery;

/// <summary>Builds the Graph client from <see cref="GraphOptions"/>: client secret, managed identity, or (loopback only) a fixed token.</summary>
public static class PipelineGraphClient
{
    public const string Scope = "https://graph.microsoft.com/.default";

    public static GraphServiceClient Create(GraphOptions options)
    {
        if (!string.IsNullOrEmpty(options.AccessToken))
        {
            var uri = new Uri(options.BaseUrl);
            return new GraphServiceClient(new BaseBearerTokenAuthenticationProvider(new FixedTokenProvider(options.AccessToken, uri.Host)), options.BaseUrl);
        }

        TokenCredential credential = options.UseManagedIdentity
            ? new ManagedIdentityCredential(string.IsNullOrWhiteSpace(options.ManagedIdentityClientId)
                ? ManagedIdentityId.SystemAssigned
                : ManagedIdentityId.FromUserAssignedClientId(options.ManagedIdentityClientId))
            : !string.IsNullOrEmpty(options.ClientCertificate)
                ? new ClientCertificateCredential(options.TenantId, options.ClientId, PipelineGraphClientCertificate.Load(options))
                : new ClientSecretCredential(options.TenantId, options.ClientId, options.ClientSecret);
        return new GraphServiceClient(credential, [Scope], options.BaseUrl);
    }

    private sealed class FixedTokenProvider(string token, string host) : IAccessTokenProvider
    {
        public AllowedHostsValidator AllowedHostsValidator { get; } = new([host]);

        public Task<string> GetAuthorizationTokenAsync(Uri uri, Dictionary<string, object>? additionalAuthenticationContext = null, CancellationToken cancellationToken = default) =>
            Task.FromResult(AllowedHostsValidator.IsUrlHostValid(uri) ? token : string.Empty);
    }
}
