using System.Net;
using System.Net.Sockets;

namespace Pipeline.Core.Outbound;

/// <summary>A connection the outbound policy refused: an internal address, or a test host that is not loopback.</summary>
public sealed class OutboundRefusedException(string message) : IOException(message);

/// <summary>
/// Where Pipeline's own outbound HTTP may connect: never to an internal address (loopback, private, carrier-grade
/// NAT, link-local, unique local, multicast, reserved), checked when connecting, on the addresses DNS gave, which are
/// the very addresses connected to (so a name cannot be rebound inward between the check and the connection). The
/// only exception is a configured test host (<c>host:port</c>), which must be loopback and may only reach loopback.
/// One policy for credential checks (<see cref="Core.Certifications.SafeFetcher"/>) and HTTPS feeds.
/// </summary>
public sealed class OutboundPolicy(IEnumerable<string>? testHosts = null)
{
    private readonly HashSet<string> _testHosts = new((testHosts ?? []).Select(Normalize), StringComparer.OrdinalIgnoreCase);

    public IReadOnlyCollection<string> TestHosts => _testHosts;

    /// <summary>Whether <paramref name="host"/>:<paramref name="port"/> is a configured test host (admitted over plain HTTP, on loopback).</summary>
    public bool IsTestHost(string host, int port) => _testHosts.Contains(Normalize($"{host}:{port}"));

    public bool IsTestHost(Uri url) => IsTestHost(url.Host, url.Port);

    /// <summary>
    /// Why a test-host entry is unusable, or null: it must be <c>host:port</c> with a loopback host (<c>localhost</c>,
    /// 127.0.0.0/8, <c>[::1]</c>), since test hosts are only for test servers on this machine.
    /// </summary>
    public static string? ProblemWithTestHost(string entry)
    {
        var colon = entry.LastIndexOf(':');
        if (colon <= 0 || !int.TryParse(entry[(colon + 1)..], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var port) || port is < 1 or > 65535)
        {
            return "give host:port pairs";
        }

        var host = entry[..colon].Trim('[', ']');
        return string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase) || (IPAddress.TryParse(host, out var address) && IPAddress.IsLoopback(Unmapped(address)))
            ? null
            : "test hosts must be loopback (localhost, 127.x.x.x or [::1])";
    }

    /// <summary>Test hosts are for test servers; a function app in Azure must never admit them.</summary>
    public static bool RunningInAzure => !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("WEBSITE_INSTANCE_ID"));

    /// <summary>A handler whose every connection goes through this policy; redirects are left to the caller, who follows them by hand.</summary>
    public SocketsHttpHandler CreateHandler() => new()
    {
        AllowAutoRedirect = false,
        UseCookies = false,
        Credentials = null,
        UseProxy = false, // a proxy would connect for us, past the check
        AutomaticDecompression = DecompressionMethods.All,
        PooledConnectionLifetime = TimeSpan.FromMinutes(2),
        ConnectCallback = ConnectAsync,
    };

    /// <summary>The <see cref="SocketsHttpHandler.ConnectCallback"/>: resolves, checks every address, connects to exactly those.</summary>
    public async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        var (host, port) = (context.DnsEndPoint.Host, context.DnsEndPoint.Port);
        var addresses = IPAddress.TryParse(host.Trim('[', ']'), out var literal) ? [literal] : await Dns.GetHostAddressesAsync(host, cancellationToken);
        var test = IsTestHost(host, port);
        foreach (var address in addresses)
        {
            if (test ? !IPAddress.IsLoopback(Unmapped(address)) : IsForbidden(address))
            {
                throw new OutboundRefusedException(test
                    ? $"{host} resolves to {address}, which is not loopback; a test host may only reach this machine"
                    : $"{host} resolves to {address}, an internal address, which is never fetched");
            }
        }

        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            // Connect to exactly the addresses checked above: no second lookup that could answer differently.
            await socket.ConnectAsync(addresses, port, cancellationToken);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Loopback, unspecified, private, carrier-grade NAT, link-local (cloud metadata lives at 169.254.169.254), unique
    /// local, multicast, broadcast and reserved ranges, also when written as IPv4-mapped, 6to4 or NAT64 IPv6.
    /// </summary>
    public static bool IsForbidden(IPAddress address)
    {
        address = Unmapped(address);
        if (IPAddress.IsLoopback(address) || address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any) || address.Equals(IPAddress.Broadcast))
        {
            return true;
        }

        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            var b = address.GetAddressBytes();
            return b[0] switch
            {
                0 or 10 or 127 => true,
                100 => b[1] is >= 64 and <= 127,
                169 => b[1] == 254,
                172 => b[1] is >= 16 and <= 31,
                192 => (b[1] == 168) || (b[1] == 0 && b[2] is 0 or 2),
                198 => b[1] is 18 or 19 || (b[1] == 51 && b[2] == 100),
                203 => b[1] == 0 && b[2] == 113,
                >= 224 => true,
                _ => false,
            };
        }

        var bytes = address.GetAddressBytes();

        // 6to4 (2002::/16) and NAT64 (64:ff9b::/96) carry an IPv4 address that a gateway would connect to.
        if (bytes[0] == 0x20 && bytes[1] == 0x02)
        {
            return IsForbidden(new IPAddress(bytes.AsSpan(2, 4)));
        }

        if (bytes.AsSpan(0, 12).SequenceEqual((ReadOnlySpan<byte>)[0, 0x64, 0xff, 0x9b, 0, 0, 0, 0, 0, 0, 0, 0]))
        {
            return IsForbidden(new IPAddress(bytes.AsSpan(12, 4)));
        }

        return address.IsIPv6LinkLocal || address.IsIPv6SiteLocal || address.IsIPv6Multicast
            || (bytes[0] & 0xFE) == 0xFC // unique local fc00::/7
            || (bytes[0] == 0x20 && bytes[1] == 0x01 && bytes[2] == 0x0d && bytes[3] == 0xb8) // documentation 2001:db8::/32
            || address.IsIPv6Teredo;
    }

    private static IPAddress Unmapped(IPAddress address) => address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;

    // "[::1]:80", "::1:80" written either way, and host names in any case, compare alike.
    private static string Normalize(string hostAndPort)
    {
        var colon = hostAndPort.LastIndexOf(':');
        return colon <= 0 ? hostAndPort.ToLowerInvariant() : $"{hostAndPort[..colon].Trim('[', ']').ToLowerInvariant()}:{hostAndPort[(colon + 1)..]}";
    }
}
