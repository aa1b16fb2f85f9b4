using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Pipeline.Testing;

/// <summary>
/// A loopback Open Badges 2.0 issuer: hosted assertion <c>/assertions/{name}</c> issued to <c>{name}@learners.example</c>
/// (expired when the name is <c>old</c>), for AWS Certified Machine Learning Engineer – Associate, with its badge class
/// and issuer profile. It counts requests, can withdraw assertions (410) and can fail every request (503).
/// </summary>
public sealed class BadgeIssuerStandIn : IAsyncDisposable
{
    private readonly WebApplication _app;
    private int _requests;

    private BadgeIssuerStandIn(WebApplication app, Uri address)
    {
        _app = app;
        Address = address;
    }

    public Uri Address { get; }

    /// <summary>The <c>host:port</c> to admit as a credential test host.</summary>
    public string HostAndPort => $"{Address.Host}:{Address.Port}";

    public int Requests => Volatile.Read(ref _requests);

    /// <summary>Assertions that answer 410 Gone.</summary>
    public HashSet<string> Withdrawn { get; } = [];

    /// <summary>Every request answers 503.</summary>
    public bool Failing { get; set; }

    public static string Email(string name) => $"{name}@learners.example";

    public Uri AssertionUrl(string name) => new(Address, $"assertions/{name}");

    public static async Task<BadgeIssuerStandIn> StartAsync()
    {
        BadgeIssuerStandIn? self = null;
        var (app, address) = await LoopbackServer.StartAsync(app =>
        {
            app.Use(async (context, next) =>
            {
                Interlocked.Increment(ref self!._requests);
                if (self.Failing)
                {
                    context.Response.StatusCode = 503;
                    return;
                }

                await next(context);
            });
            app.MapGet("/assertions/{name}", (string name) => self!.Withdrawn.Contains(name) ? Results.StatusCode(410) : Results.Json(new JsonObject
            {
                ["@context"] = "https://w3id.org/openbadges/v2", ["type"] = "Assertion", ["id"] = self.AssertionUrl(name).ToString(),
                ["recipient"] = new JsonObject { ["type"] = "email", ["hashed"] = false, ["identity"] = Email(name) },
                ["badge"] = new Uri(self.Address, "badges/mla").ToString(),
                ["issuedOn"] = "2026-09-01T00:00:00Z", ["expires"] = name == "old" ? "2026-01-01T00:00:00Z" : "2029-09-01T00:00:00Z",
                ["verification"] = new JsonObject { ["type"] = "hosted" },
            }));
            app.MapGet("/badges/mla", () => Results.Json(new JsonObject
            {
                ["type"] = "BadgeClass", ["id"] = new Uri(self!.Address, "badges/mla").ToString(), ["name"] = "AWS Certified Machine Learning Engineer – Associate",
                ["issuer"] = new Uri(self.Address, "issuers/aws").ToString(),
            }));
            app.MapGet("/issuers/aws", () => Results.Json(new JsonObject
            {
                ["type"] = "Issuer", ["id"] = new Uri(self!.Address, "issuers/aws").ToString(), ["name"] = "Amazon Web Services Training and Certification",
            }));
        });
        self = new BadgeIssuerStandIn(app, address);
        return self;
    }

    /// <summary>A JSON Resume entry for <paramref name="name"/> with PyTorch, claiming the certification by <paramref name="assertion"/>'s link.</summary>
    public JsonObject Resume(string name, string? assertion = null) => new()
    {
        ["basics"] = new JsonObject { ["name"] = name, ["email"] = Email(name) },
        ["skills"] = new JsonArray(new JsonObject { ["name"] = "PyTorch" }),
        ["certificates"] = new JsonArray(new JsonObject
        {
            ["name"] = "AWS Certified Machine Learning Engineer – Associate", ["url"] = AssertionUrl(assertion ?? name).ToString(),
        }),
    };

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
