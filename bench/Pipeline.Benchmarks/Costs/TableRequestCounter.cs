using System.Collections.Concurrent;
using System.Net;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Yarp.ReverseProxy.Forwarder;

namespace Pipeline.Benchmarks.Costs;

/// <summary>What a Table service request was, as billing sees it.</summary>
internal enum TableRequestKind
{
    /// <summary>Create Table, Query Tables: the store's set-up at start.</summary>
    TableLevel,

    /// <summary>Get Entity by PartitionKey and RowKey.</summary>
    PointRead,

    /// <summary>Query Entities with a filter (one request per page of results).</summary>
    Query,

    /// <summary>Insert, Update, Merge, Insert Or Replace/Merge or Delete of one entity.</summary>
    SingleWrite,

    /// <summary>An entity group transaction (<c>$batch</c>).</summary>
    Batch,
}

internal sealed record TableRequest(TableRequestKind Kind, string Table, int Entities, int Status);

/// <summary>
/// A counting reverse proxy on loopback: real Kestrel in front of Azurite, forwarding every request unchanged (YARP's
/// forwarder) and recording what each was. Shared Key signatures cover the path, not the host, so the client signs
/// for this address and Azurite accepts it.
/// </summary>
internal sealed class TableRequestCounter : IAsyncDisposable
{
    private readonly WebApplication _app;

    private TableRequestCounter(WebApplication app, Uri address)
    {
        _app = app;
        Address = address;
    }

    /// <summary>The proxy's base address (scheme, host, port).</summary>
    public Uri Address { get; }

    public ConcurrentQueue<TableRequest> Requests { get; } = new();

    public static async Task<TableRequestCounter> StartAsync(Uri target)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        builder.Services.AddHttpForwarder();
        var app = builder.Build();
        TableRequestCounter? counter = null;
        var client = new HttpMessageInvoker(new SocketsHttpHandler { UseProxy = false, AllowAutoRedirect = false, UseCookies = false });
        var origin = target.GetLeftPart(UriPartial.Authority);
        app.Run(async context =>
        {
            var (kind, table, entities) = await ClassifyAsync(context.Request);
            var forwarder = context.RequestServices.GetRequiredService<IHttpForwarder>();
            await forwarder.SendAsync(context, origin, client, ForwarderRequestConfig.Empty, HttpTransformer.Default);
            counter!.Requests.Enqueue(new TableRequest(kind, table, entities, context.Response.StatusCode));
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        counter = new TableRequestCounter(app, new Uri(address));
        return counter;
    }

    /// <summary>
    /// The kind of a Table REST request, from its method and path (<c>/{account}/{table}(PartitionKey='…',RowKey='…')</c>);
    /// for a <c>$batch</c>, the operations it holds, counted from the request lines in its multipart body.
    /// </summary>
    private static async Task<(TableRequestKind Kind, string Table, int Entities)> ClassifyAsync(HttpRequest request)
    {
        var path = Uri.UnescapeDataString(request.Path.Value ?? "");
        var segments = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        var resource = segments.Length > 1 ? segments[1] : "";
        var paren = resource.IndexOf('(', StringComparison.Ordinal);
        var table = paren >= 0 ? resource[..paren] : resource;
        var keyed = paren >= 0 && resource.Contains("PartitionKey=", StringComparison.Ordinal) && resource.Contains("RowKey=", StringComparison.Ordinal);
        if (table.Equals("$batch", StringComparison.OrdinalIgnoreCase))
        {
            request.EnableBuffering();
            using var reader = new StreamReader(request.Body, Encoding.UTF8, leaveOpen: true);
            var body = await reader.ReadToEndAsync();
            request.Body.Position = 0;
            var operations = body.Split('\n').Count(line => line.TrimEnd('\r').EndsWith(" HTTP/1.1", StringComparison.Ordinal));
            var first = body.Split('\n').Select(l => l.TrimEnd('\r')).FirstOrDefault(l => l.EndsWith(" HTTP/1.1", StringComparison.Ordinal)) ?? "";
            var batchTable = first.Split(' ') is [_, var url, _] && Uri.TryCreate(url, UriKind.Absolute, out var u)
                ? u.AbsolutePath.Split('/', StringSplitOptions.RemoveEmptyEntries).ElementAtOrDefault(1)?.Split('(')[0] ?? "?"
                : "?";
            return (TableRequestKind.Batch, batchTable, operations);
        }

        if (table.Equals("Tables", StringComparison.OrdinalIgnoreCase))
        {
            return (TableRequestKind.TableLevel, "Tables", 0);
        }

        return request.Method switch
        {
            "GET" or "HEAD" when keyed => (TableRequestKind.PointRead, table, 1),
            "GET" or "HEAD" => (TableRequestKind.Query, table, 0),
            _ => (TableRequestKind.SingleWrite, table, 1),
        };
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
