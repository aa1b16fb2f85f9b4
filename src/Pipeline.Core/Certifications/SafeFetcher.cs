using System.Net;
using System.Net.Http.Headers;
using Pipeline.Core.Outbound;

namespace Pipeline.Core.Certifications;

/// <summary>Rules for fetching URLs that came from candidates.</summary>
public sealed record SafeFetchPolicy
{
    /// <summary>Host names that may be fetched; an entry starting with a dot also admits its subdomains (".credly.com").</summary>
    public IReadOnlyList<string> AllowedHosts { get; init; } = [];

    /// <summary>
    /// <c>host:port</c> pairs of loopback test servers, admitted over plain HTTP; they may reach loopback only. Refused
    /// when running in Azure (see <see cref="SafeFetcher.RefuseTestHostsInAzure"/>).
    /// </summary>
    public IReadOnlyList<string> TestHosts { get; init; } = [];

    public long MaxBytes { get; init; } = 1024 * 1024;

    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(10);

    public int MaxRedirects { get; init; } = 5;

    /// <summary>
    /// How long an answer (200, 404 or 410) is reused for the same URL: badge classes, issuer profiles, keys and
    /// revocation lists are shared by many credentials, and one badge URL may be claimed by several records.
    /// Zero turns the cache off.
    /// </summary>
    public TimeSpan CacheDuration { get; init; }

    /// <summary>At most this many answers are kept; the cache is emptied when it is full.</summary>
    public int CacheEntries { get; init; } = 10_000;

    public bool IsAllowedHost(string host) => AllowedHosts.Any(a =>
        a.StartsWith('.') ? host.EndsWith(a, StringComparison.OrdinalIgnoreCase) || string.Equals(host, a[1..], StringComparison.OrdinalIgnoreCase)
                          : string.Equals(host, a, StringComparison.OrdinalIgnoreCase));
}

/// <summary>A fetch that was refused or failed; <see cref="SafeFetchException.Reason"/> says why, for the evidence.</summary>
public sealed class SafeFetchException(string reason, Exception? inner = null, bool transient = false) : Exception(reason, inner)
{
    public string Reason { get; } = reason;

    /// <summary>True for failures worth retrying later (unreachable, time-out); false for refusals by the rules.</summary>
    public bool Transient { get; } = transient;
}

/// <summary>What a fetch returned, and every URL it went through (the evidence of where a credential was checked).</summary>
public sealed record FetchResult(int Status, Uri FinalUrl, string? ContentType, byte[] Body, IReadOnlyList<Uri> Visited);

/// <summary>
/// Fetches candidate-supplied URLs without becoming a way into the network: HTTPS to allow-listed hosts only; the
/// host name is resolved here and every address checked before connecting (no loopback, private, link-local,
/// metadata or multicast addresses), so DNS cannot point an allowed name inward; redirects are followed by hand and
/// each one checked again; no cookies, no credentials, a size cap and a time limit.
/// </summary>
public sealed class SafeFetcher : IDisposable
{
    private readonly SafeFetchPolicy _policy;
    private readonly HttpClient _http;
    private readonly OutboundPolicy _outbound;
    private readonly TimeProvider _time;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<Uri, (DateTimeOffset Until, Lazy<Task<FetchResult>> Fetch)> _cache = new();
    private long _requests;

    public SafeFetcher(SafeFetchPolicy policy, TimeProvider? time = null)
    {
        _policy = policy;
        _time = time ?? TimeProvider.System;
        _outbound = new OutboundPolicy(policy.TestHosts);
        _http = new HttpClient(_outbound.CreateHandler()) { Timeout = Timeout.InfiniteTimeSpan };
        _http.DefaultRequestHeaders.UserAgent.ParseAdd("Pipeline-CredentialCheck/1.0");
    }

    /// <summary>Test hosts are for test servers; a function app in Azure must never admit them.</summary>
    public static void RefuseTestHostsInAzure(SafeFetchPolicy policy)
    {
        if (policy.TestHosts.Count > 0 && OutboundPolicy.RunningInAzure)
        {
            throw new InvalidOperationException("Test hosts are configured, but this is running in Azure; remove the allow-test-host setting.");
        }

        foreach (var host in policy.TestHosts)
        {
            if (OutboundPolicy.ProblemWithTestHost(host) is { } problem)
            {
                throw new InvalidOperationException($"--allow-test-host {host}: {problem}.");
            }
        }
    }

    public SafeFetchPolicy Policy => _policy;

    /// <summary>Whether the URL's host and port are one of the policy's test hosts.</summary>
    public bool IsTestHost(Uri url) => _outbound.IsTestHost(url);

    /// <summary>HTTP requests sent so far (redirects count each), for benchmarks and tests of the cache.</summary>
    public long Requests => Interlocked.Read(ref _requests);

    /// <summary>
    /// Fetches a URL under the rules; a recent answer for the same URL is reused when the cache is on (concurrent
    /// requests for one URL share one fetch). Refusals and failures are never cached.
    /// </summary>
    public async Task<FetchResult> GetAsync(Uri url, CancellationToken cancellationToken)
    {
        if (_policy.CacheDuration <= TimeSpan.Zero)
        {
            return await FetchAsync(url, cancellationToken);
        }

        var now = _time.GetUtcNow();
        if (_cache.TryGetValue(url, out var stale) && stale.Until <= now)
        {
            _cache.TryRemove(new KeyValuePair<Uri, (DateTimeOffset, Lazy<Task<FetchResult>>)>(url, stale));
        }

        if (_cache.Count >= _policy.CacheEntries)
        {
            _cache.Clear();
        }

        // One fetch per URL however many ask at once: the first to add the entry starts it, the others wait for it. The
        // shared fetch is not tied to one caller's cancellation (the policy's time limit still applies).
        var entry = _cache.GetOrAdd(url, u => (now + _policy.CacheDuration, new Lazy<Task<FetchResult>>(() => FetchAsync(u, CancellationToken.None))));
        try
        {
            var result = await entry.Fetch.Value.WaitAsync(cancellationToken);
            if (result.Status is not (200 or 404 or 410))
            {
                _cache.TryRemove(new KeyValuePair<Uri, (DateTimeOffset, Lazy<Task<FetchResult>>)>(url, entry));
            }

            return result;
        }
        catch (Exception) when (!cancellationToken.IsCancellationRequested)
        {
            // Refusals and failures are never kept.
            _cache.TryRemove(new KeyValuePair<Uri, (DateTimeOffset, Lazy<Task<FetchResult>>)>(url, entry));
            throw;
        }
    }

    private async Task<FetchResult> FetchAsync(Uri url, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_policy.Timeout);
        var visited = new List<Uri>();
        var current = url;
        for (var hop = 0; ; hop++)
        {
            Check(current);
            visited.Add(current);
            using var request = new HttpRequestMessage(HttpMethod.Get, current);
            request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
            request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("*/*", 0.5));
            HttpResponseMessage response;
            Interlocked.Increment(ref _requests);
            try
            {
                response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            }
            catch (HttpRequestException e) when (e.InnerException is OutboundRefusedException refused)
            {
                throw new SafeFetchException(refused.Message, refused);
            }
            catch (HttpRequestException e)
            {
                throw new SafeFetchException($"{current.Host} could not be reached: {e.Message}", e, transient: true);
            }
            catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested)
            {
                throw new SafeFetchException($"{current.Host} did not answer within {_policy.Timeout.TotalSeconds:0} s", e, transient: true);
            }

            using (response)
            {
                if ((int)response.StatusCode is >= 300 and < 400 && response.Headers.Location is { } location)
                {
                    if (hop >= _policy.MaxRedirects)
                    {
                        throw new SafeFetchException($"more than {_policy.MaxRedirects} redirects, starting at {url}");
                    }

                    current = location.IsAbsoluteUri ? location : new Uri(current, location);
                    continue;
                }

                if (response.Content.Headers.ContentLength > _policy.MaxBytes)
                {
                    throw new SafeFetchException($"{current} answers {response.Content.Headers.ContentLength:N0} bytes; the limit is {_policy.MaxBytes:N0} bytes");
                }

                var body = await ReadCappedAsync(response, current, timeout.Token);
                return new FetchResult((int)response.StatusCode, current, response.Content.Headers.ContentType?.MediaType, body, visited);
            }
        }
    }

    public void Dispose() => _http.Dispose();

    private void Check(Uri url)
    {
        if (!url.IsAbsoluteUri)
        {
            throw new SafeFetchException($"'{url}' is not an absolute URL");
        }

        var test = _outbound.IsTestHost(url);
        if (url.Scheme != Uri.UriSchemeHttps && !(test && url.Scheme == Uri.UriSchemeHttp))
        {
            throw new SafeFetchException($"only https URLs are fetched, not {url.Scheme}:");
        }

        if (!string.IsNullOrEmpty(url.UserInfo))
        {
            throw new SafeFetchException("URLs with credentials in them are not fetched");
        }

        if (!test && !_policy.IsAllowedHost(url.Host))
        {
            throw new SafeFetchException($"{url.Host} is not an allowed host for this check");
        }
    }

    /// <summary>Loopback, private, carrier-grade NAT, link-local, multicast and reserved: see <see cref="OutboundPolicy.IsForbidden"/>.</summary>
    public static bool IsForbidden(IPAddress address) => OutboundPolicy.IsForbidden(address);

    private async Task<byte[]> ReadCappedAsync(HttpResponseMessage response, Uri url, CancellationToken cancellationToken)
    {
        await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await stream.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > _policy.MaxBytes)
            {
                throw new SafeFetchException($"{url} sent more than the limit of {_policy.MaxBytes:N0} bytes");
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }
}
