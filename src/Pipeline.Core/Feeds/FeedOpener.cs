using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Pipeline.Core.Configuration;
using Pipeline.Domain.Feeds;

namespace Pipeline.Core.Feeds;

/// <summary>
/// What a feed's source said its document was (ETag, Last-Modified; for a file, its size and time), sent back so an
/// unchanged feed answers "not modified" and is not read again, and checked when a read continues mid-document.
/// </summary>
public sealed record FeedWatermark(string? ETag, string? LastModified)
{
    /// <summary>
    /// Whether <paramref name="other"/> is the same document. A source that sends neither validator cannot be
    /// checked, and is taken at its word.
    /// </summary>
    public bool Matches(FeedWatermark? other) =>
        other is not null && (ETag is not null ? ETag == other.ETag : LastModified is null || LastModified == other.LastModified);
}

/// <summary>
/// One request for a feed document: its URL (null: the feed's location), the watermark to send as a conditional
/// request, the watermark the document must still have when a read continues in it, and the byte offset to start at.
/// </summary>
public sealed record FeedRequest(Uri? Url = null, FeedWatermark? IfChanged = null, FeedWatermark? MustMatch = null, long Offset = 0);

/// <summary>A feed opened for reading, or "not modified since the watermark".</summary>
public sealed class OpenedFeed(Stream? body, FeedWatermark? watermark, IDisposable? owner = null) : IAsyncDisposable
{
    public bool NotModified => body is null;

    public Stream Body => body ?? throw new InvalidOperationException("The feed was not modified; there is nothing to read.");

    public FeedWatermark? Watermark { get; } = watermark;

    /// <summary>The URL this document came from (after redirects); null for a file.</summary>
    public Uri? Url { get; init; }

    /// <summary>The next page, from a <c>Link: &lt;…&gt;; rel="next"</c> header.</summary>
    public Uri? NextLink { get; init; }

    /// <summary>The source's clock when it answered (the Date header), for incremental reads.</summary>
    public DateTimeOffset? Date { get; init; }

    public async ValueTask DisposeAsync()
    {
        if (body is not null)
        {
            await body.DisposeAsync();
        }

        owner?.Dispose();
    }
}

/// <summary>The feed's source could not be read (HTTP status, credentials, size); the feed is retried on its next run.</summary>
public class FeedUnavailableException(string message, Exception? inner = null) : IOException(message, inner);

/// <summary>The document changed while a run was reading it in parts; the run is abandoned and the next one starts over.</summary>
public sealed class FeedChangedException(string message) : FeedUnavailableException(message);

/// <summary>
/// Opens a feed: a file inside the configuration folder (links followed, never out of it), or an HTTPS URL fetched with a conditional GET (ETag /
/// Last-Modified from the last successful run), gzip, the feed's credentials from configuration, a size cap and a
/// time limit. Redirects are followed only within the same origin, so credentials never travel to another host; the
/// handler given (<see cref="CoreServiceCollectionExtensions.CreateFeedHandler"/>) refuses internal addresses when connecting.
/// </summary>
public sealed partial class FeedOpener(HttpClient http, IConfiguration settings, TimeProvider time, PipelineConfiguration? configuration = null)
{
    private const int MaxRedirects = 5;

    // OAuth2 tokens by feed, reused until shortly before they expire.
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, (string Token, DateTimeOffset Expires)> _tokens = new(StringComparer.Ordinal);

    public Task<OpenedFeed> OpenAsync(FeedDefinition feed, FeedWatermark? previous, CancellationToken cancellationToken) =>
        OpenAsync(feed, new FeedRequest(IfChanged: previous), cancellationToken);

    public async Task<OpenedFeed> OpenAsync(FeedDefinition feed, FeedRequest what, CancellationToken cancellationToken)
    {
        if (!feed.IsHttp)
        {
            return OpenFile(feed, what);
        }

        var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(feed.TimeoutSeconds));
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        var previous = what.IfChanged;
        var url = what.Url ?? new Uri(feed.Location);
        try
        {
            for (var hop = 0; ; hop++)
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, url);
                await AuthenticateAsync(request, feed, linked.Token);
                if (previous?.ETag is { } etag)
                {
                    request.Headers.TryAddWithoutValidation("If-None-Match", etag);
                }

                if (previous?.LastModified is { } modified)
                {
                    request.Headers.TryAddWithoutValidation("If-Modified-Since", modified);
                }

                var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, linked.Token);
                if ((int)response.StatusCode is >= 300 and < 400 && response.StatusCode != HttpStatusCode.NotModified && response.Headers.Location is { } location)
                {
                    response.Dispose();
                    var next = location.IsAbsoluteUri ? location : new Uri(url, location);
                    if (next.GetLeftPart(UriPartial.Authority) != url.GetLeftPart(UriPartial.Authority))
                    {
                        throw new FeedUnavailableException($"Feed '{feed.Id}' redirects to {next.GetLeftPart(UriPartial.Authority)}; only redirects within the feed's own origin are followed.");
                    }

                    if (hop >= MaxRedirects)
                    {
                        throw new FeedUnavailableException($"Feed '{feed.Id}' redirected more than {MaxRedirects} times (last to {next.AbsolutePath}); is it redirecting in a loop?");
                    }

                    url = next;
                    continue;
                }

                if (response.StatusCode == HttpStatusCode.NotModified)
                {
                    response.Dispose();
                    timeout.Dispose();
                    return new OpenedFeed(null, previous);
                }

                if (response.StatusCode == HttpStatusCode.Unauthorized && feed.Auth?.Type == FeedAuthType.OAuth2ClientCredentials && _tokens.TryRemove(feed.Id, out _) && hop < MaxRedirects)
                {
                    // The cached token was revoked or expired early: get a new one and try once more.
                    response.Dispose();
                    continue;
                }

                if (!response.IsSuccessStatusCode)
                {
                    var status = (int)response.StatusCode;
                    response.Dispose();
                    throw new FeedUnavailableException(status is 401 or 403
                        ? $"Feed '{feed.Id}' refused the credentials ({status}); check the setting named in its 'auth.secret'."
                        : $"Feed '{feed.Id}' answered {status}; it is retried on its next run.");
                }

                if (response.Content.Headers.ContentLength > feed.MaxBytes)
                {
                    response.Dispose();
                    throw new FeedUnavailableException($"Feed '{feed.Id}' is {response.Content.Headers.ContentLength:N0} bytes; its 'maxBytes' is {feed.MaxBytes:N0}.");
                }

                var watermark = new FeedWatermark(response.Headers.ETag?.ToString(), response.Content.Headers.LastModified?.ToString("R"));
                if (what.MustMatch is { } expected && !expected.Matches(watermark))
                {
                    response.Dispose();
                    throw new FeedChangedException($"Feed '{feed.Id}' changed while it was being read in parts; the next run reads it again from the start.");
                }

                // A sign-in or error page served with 200 is not the feed: say so rather than quarantine every "row" of it.
                if (response.Content.Headers.ContentType?.MediaType is "text/html" or "application/xhtml+xml")
                {
                    response.Dispose();
                    throw new FeedUnavailableException($"Feed '{feed.Id}' answered with a web page (text/html), not its {feed.Format} data: a sign-in or error page? Check the URL and the credentials.");
                }

                // The time limit covers the whole response, body included, not only its headers.
                var body = new CappedStream(await response.Content.ReadAsStreamAsync(linked.Token), feed.MaxBytes, feed.Id, timeout.Token, feed.TimeoutSeconds);

                // A continuation starts mid-document. Ranges would not survive gzip, so the bytes already read are read past.
                await SkipAsync(body, what.Offset, linked.Token);
                return new OpenedFeed(body, watermark, new Disposables(response, timeout))
                {
                    Url = url,
                    NextLink = NextLink(response, url, feed),
                    Date = response.Headers.Date,
                };
            }
        }
        catch (OperationCanceledException e) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            timeout.Dispose();
            throw new FeedUnavailableException($"Feed '{feed.Id}' did not answer within {feed.TimeoutSeconds} s.", e);
        }
        catch (HttpRequestException e) when (e.InnerException is Core.Outbound.OutboundRefusedException refused)
        {
            timeout.Dispose();
            throw new FeedUnavailableException($"Feed '{feed.Id}' was not fetched: {refused.Message}.", e);
        }
        catch (HttpRequestException e)
        {
            timeout.Dispose();
            throw new FeedUnavailableException($"Feed '{feed.Id}' could not be reached: {e.Message}", e);
        }
    }

    private OpenedFeed OpenFile(FeedDefinition feed, FeedRequest request)
    {
        var path = configuration?.ResolveLocation(feed) ?? Path.GetFullPath(feed.Location);
        var file = new FileInfo(path);
        if (!file.Exists)
        {
            throw new FileNotFoundException($"Feed '{feed.Id}': the file {path} does not exist.", path);
        }

        // A file's watermark is its size and time of last change, so an unchanged export is not read again.
        var watermark = new FeedWatermark($"\"{file.Length:x}-{file.LastWriteTimeUtc.Ticks:x}\"", null);
        if (request.IfChanged is { } previous && previous.Matches(watermark))
        {
            return new OpenedFeed(null, previous);
        }

        if (request.MustMatch is { } expected && !expected.Matches(watermark))
        {
            throw new FeedChangedException($"Feed '{feed.Id}': {path} changed while it was being read in parts; the next run reads it again from the start.");
        }

        var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 64 * 1024, useAsync: true);
        stream.Seek(request.Offset, SeekOrigin.Begin);
        return new OpenedFeed(stream, watermark);
    }

    private static async Task SkipAsync(Stream body, long count, CancellationToken cancellationToken)
    {
        var buffer = new byte[Math.Min(count, 81920)];
        while (count > 0)
        {
            var read = await body.ReadAsync(buffer.AsMemory(0, (int)Math.Min(count, buffer.Length)), cancellationToken);
            if (read == 0)
            {
                throw new FeedChangedException("The feed's document is shorter than where the last part of the read ended; the next run reads it again from the start.");
            }

            count -= read;
        }
    }

    /// <summary>The <c>rel="next"</c> target of the response's Link header, if it stays within the feed's origin.</summary>
    private static Uri? NextLink(HttpResponseMessage response, Uri current, FeedDefinition feed)
    {
        if (!response.Headers.TryGetValues("Link", out var values))
        {
            return null;
        }

        foreach (var value in values)
        {
            foreach (System.Text.RegularExpressions.Match link in LinkPattern().Matches(value))
            {
                var rels = link.Groups["params"].Value.Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
                    .Where(p => p.StartsWith("rel=", StringComparison.OrdinalIgnoreCase))
                    .SelectMany(p => p[4..].Trim('"').Split(' ', StringSplitOptions.RemoveEmptyEntries));
                if (rels.Contains("next", StringComparer.OrdinalIgnoreCase))
                {
                    return SameOrigin(feed, current, link.Groups["url"].Value);
                }
            }
        }

        return null;
    }

    /// <summary>A next-page reference resolved against the current URL; refused if it leaves the feed's origin, where its credentials must not go.</summary>
    public static Uri SameOrigin(FeedDefinition feed, Uri current, string reference)
    {
        if (!Uri.TryCreate(current, reference, out var next) || next.GetLeftPart(UriPartial.Authority) != current.GetLeftPart(UriPartial.Authority))
        {
            throw new FeedUnavailableException($"Feed '{feed.Id}': the next page '{reference}' is not within the feed's origin {current.GetLeftPart(UriPartial.Authority)}; it is not followed.");
        }

        return next;
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"<(?<url>[^>]*)>(?<params>[^,]*)")]
    private static partial System.Text.RegularExpressions.Regex LinkPattern();

    private async Task AuthenticateAsync(HttpRequestMessage request, FeedDefinition feed, CancellationToken cancellationToken)
    {
        if (feed.Auth is not { Type: not FeedAuthType.None } auth)
        {
            return;
        }

        var secret = settings[auth.Secret!]
            ?? throw new FeedUnavailableException($"Feed '{feed.Id}': the setting '{auth.Secret}' named by 'auth.secret' is not set.");
        switch (auth.Type)
        {
            case FeedAuthType.ApiKey:
                request.Headers.TryAddWithoutValidation(auth.Header, secret);
                break;
            case FeedAuthType.Basic:
                request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{auth.Username}:{secret}")));
                break;
            default:
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", await TokenAsync(feed, auth, secret, cancellationToken));
                break;
        }
    }

    /// <summary>An OAuth2 client-credentials token for the feed, from the cache while it has more than a minute left.</summary>
    private async Task<string> TokenAsync(FeedDefinition feed, FeedAuth auth, string secret, CancellationToken cancellationToken)
    {
        if (_tokens.TryGetValue(feed.Id, out var cached) && cached.Expires > time.GetUtcNow().AddMinutes(1))
        {
            return cached.Token;
        }

        var form = new Dictionary<string, string> { ["grant_type"] = "client_credentials", ["client_id"] = auth.ClientId!, ["client_secret"] = secret };
        if (!string.IsNullOrWhiteSpace(auth.Scope))
        {
            form["scope"] = auth.Scope;
        }

        using var response = await http.PostAsync(auth.TokenUrl, new FormUrlEncodedContent(form), cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw new FeedUnavailableException($"Feed '{feed.Id}': the token endpoint answered {(int)response.StatusCode}; check 'auth.clientId' and the setting '{auth.Secret}'.");
        }

        using var json = System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken));
        var root = json.RootElement;
        var token = root.TryGetProperty("access_token", out var t) ? t.GetString() : null;
        if (string.IsNullOrEmpty(token))
        {
            throw new FeedUnavailableException($"Feed '{feed.Id}': the token endpoint's answer has no access_token.");
        }

        var lifetime = root.TryGetProperty("expires_in", out var e) && e.TryGetInt32(out var seconds) ? seconds : 300;
        _tokens[feed.Id] = (token, time.GetUtcNow().AddSeconds(lifetime));
        return token;
    }

    private sealed class Disposables(params IDisposable[] items) : IDisposable
    {
        public void Dispose()
        {
            foreach (var item in items)
            {
                item.Dispose();
            }
        }
    }
}

/// <summary>
/// Stops reading once a feed has sent more than its cap or taken longer than its time limit, so one huge, endless or
/// trickling response cannot exhaust memory or time; a connection that breaks mid-body is reported as such.
/// </summary>
internal sealed class CappedStream(Stream inner, long maxBytes, string feedId, CancellationToken deadline = default, int timeoutSeconds = 0) : Stream
{
    private long _read;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => _read; set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline);
        try
        {
            return Count(await inner.ReadAsync(buffer, linked.Token));
        }
        catch (OperationCanceledException e) when (deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new FeedUnavailableException($"Feed '{feedId}' did not finish sending within {timeoutSeconds} s ({_read:N0} bytes arrived).", e);
        }
        catch (IOException e) when (e is not FeedUnavailableException)
        {
            throw new FeedUnavailableException($"Feed '{feedId}': the connection broke after {_read:N0} bytes, before the whole response arrived ({e.Message}).", e);
        }
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
        }

        base.Dispose(disposing);
    }

    private int Count(int read)
    {
        _read += read;
        return _read > maxBytes ? throw new FeedUnavailableException($"Feed '{feedId}' sent more than its 'maxBytes' of {maxBytes:N0}.") : read;
    }
}
