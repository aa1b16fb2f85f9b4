using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Pipeline.Functions.Hosting;
using Pipeline.Testing;

namespace Pipeline.Functions.Tests.Support;

/// <summary>
/// Plays the Functions host's HTTP front for a browser: <c>/api/{route}</c> is matched against the routes of the
/// function.json files, the request is turned into the host's invocation payload (Url, Method, Query, Headers, Body)
/// and posted to the real handler, and the function's <c>res</c> output becomes the response.
/// </summary>
public sealed class HttpTriggerHost : IAsyncDisposable
{
    private readonly WebApplication _app;

    private HttpTriggerHost(WebApplication app, Uri address)
    {
        _app = app;
        Address = address;
    }

    public Uri Address { get; }

    public static async Task<HttpTriggerHost> StartAsync(RunningHandler handler)
    {
        var functions = FunctionCatalog.Load(AppContext.BaseDirectory).Where(f => f.Trigger.Type == FunctionMetadata.HttpTrigger).ToList();
        var (app, address) = await LoopbackServer.StartAsync(app => app.Map("/api/{**path}", async (HttpContext context, string? path) =>
        {
            var function = functions.FirstOrDefault(f => Matches(f.Trigger.Route ?? f.Name, path ?? string.Empty)
                                                         && (f.Trigger.Methods ?? []).Contains(context.Request.Method, StringComparer.OrdinalIgnoreCase));
            if (function is null)
            {
                context.Response.StatusCode = 404;
                return;
            }

            var body = await new StreamReader(context.Request.Body).ReadToEndAsync();
            var payload = JsonSerializer.Serialize(new
            {
                Data = new Dictionary<string, object>
                {
                    [function.Trigger.Name] = new
                    {
                        Url = $"{context.Request.Scheme}://{context.Request.Host}{context.Request.Path}{context.Request.QueryString}",
                        Method = context.Request.Method,
                        Query = context.Request.Query.ToDictionary(q => q.Key, q => q.Value.ToString()),
                        Headers = context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.Select(v => v ?? string.Empty).ToArray()),
                        Body = body.Length == 0 ? null : body,
                    },
                },
                Metadata = new { },
            });
            var (response, answer) = await handler.PostAsync(function.Name, payload);
            if (!response.IsSuccessStatusCode)
            {
                context.Response.StatusCode = 500;
                return;
            }

            var res = answer.GetProperty("Outputs").GetProperty("res");
            context.Response.StatusCode = res.GetProperty("statusCode").GetInt32();
            foreach (var header in res.GetProperty("headers").EnumerateObject())
            {
                context.Response.Headers[header.Name] = header.Value.GetString();
            }

            await context.Response.Body.WriteAsync(Encoding.UTF8.GetBytes(res.GetProperty("body").GetString() ?? string.Empty));
        }));
        return new HttpTriggerHost(app, address);
    }

    /// <summary>A route template (<c>teams/tab/{asset?}</c>) against a path; enough of the host's routing for these functions.</summary>
    private static bool Matches(string route, string path)
    {
        var template = route.Split('/', StringSplitOptions.RemoveEmptyEntries);
        var parts = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        for (var i = 0; i < template.Length; i++)
        {
            var optional = template[i].StartsWith('{') && template[i].EndsWith("?}", StringComparison.Ordinal);
            if (i >= parts.Length)
            {
                return optional && i == template.Length - 1;
            }

            if (!template[i].StartsWith('{') && !string.Equals(template[i], parts[i], StringComparison.OrdinalIgnoreCase))
            {
                return false;
            }
        }

        return parts.Length == template.Length;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
