using Microsoft.Extensions.Options;
using Microsoft.Graph;
using Pipeline.Core.Configuration;

namespace Pipeline.Core.Delivery;

/// <summary>
/// The one Graph client, built from <see cref="GraphOptions"/> the first time something calls Graph: a service that
/// may never call it (the Inbox subscription without a public URL, a CLI command) does not pay for its credential.
/// </summary>
public sealed class GraphClientProvider(IOptions<GraphOptions> options)
{
    private readonly Lazy<GraphServiceClient> _client = new(() => PipelineGraphClient.Create(options.Value));

    public GraphServiceClient Client => _client.Value;
}
