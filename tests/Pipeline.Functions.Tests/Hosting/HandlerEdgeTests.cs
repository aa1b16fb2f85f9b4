using Pipeline.Testing;
using System.Net;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Pipeline.Core.Candidates;
using Pipeline.Domain.Candidates;

namespace Pipeline.Functions.Tests.Hosting;

/// <summary>What the handler does at its edges: oversized requests, and text that could deceive a reader.</summary>
public sealed class HandlerEdgeTests
{
    [Fact]
    public async Task Invoke_FiftyMegabyteBody_Answers413()
    {
        await using var handler = await RunningHandler.StartAsync();
        var body = new StringBuilder(50 * 1024 * 1024 + 64).Append("{\"Data\":{\"page\":\"").Append('x', 50 * 1024 * 1024).Append("\"},\"Metadata\":{}}").ToString();

        var (response, _) = await PostRawAsync(handler, "ScreenCandidates", body);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
    }

    [Fact]
    public async Task ScreenAndNotify_NameWithRightToLeftOverride_IsStrippedInTheProfileAndTheEmail()
    {
        const string email = "zara.okafor9@students.northfield.example";
        var row = $"{email},Zara \u202Erof\u202C Okafor \u2066x\u2069,+1 617 555 1998,\"Boston, MA, US\",Northfield University,\"MSc, Computer Science\",2026-05,PyTorch; Kubeflow; Kubernetes; MLflow; Docker; Python,AWS Certified Machine Learning Engineer – Associate,https://www.linkedin.com/in/zara-okafor-9\r\n";
        await using var handler = await RunningHandler.StartAsync(prepareConfig: config =>
        {
            File.AppendAllText(Path.Combine(config, "feeds", "northfield-university.csv"), row);
            // Names are shown only when the requisition is not blind.
            var requisitions = Path.Combine(config, "requisitions.json");
            File.WriteAllText(requisitions, File.ReadAllText(requisitions).Replace("\"shortlistSize\": 5,", "\"shortlistSize\": 5, \"blindMode\": false,", StringComparison.Ordinal));
        });

        await handler.SendShortlistAsync();

        var (profile, _) = await handler.Services.GetRequiredService<CandidateStore>().GetAsync(CandidateId.FromEmail(email), default);
        Assert.Equal("Zara rof Okafor x", profile!.Name);
        var mail = OutboxMail.Read(Directory.GetFiles(Path.Combine(handler.DataDirectory, "outbox", "mail"), "*ml-engineer-platform*.eml").Single());
        foreach (var body in new[] { WebUtility.HtmlDecode(mail.Html!), mail.Text! })
        {
            Assert.Contains("Zara rof Okafor", body, StringComparison.Ordinal);
            Assert.DoesNotContain(body, c => c is >= '\u202A' and <= '\u202E' or >= '\u2066' and <= '\u2069');
        }
    }

    [Theory]
    [InlineData("Zara \u202Erof\u202C Okafor", "Zara rof Okafor")]
    [InlineData("\u2067Zara\u2069", "Zara")]
    [InlineData("Zara\u200F Okafor\u200E", "Zara Okafor")]
    [InlineData("\u202E", null)]
    public void Name_BidiControls_AreRemoved(string raw, string? expected) =>
        Assert.Equal(expected, Normalizer.Name(raw));

    [Fact]
    public void Email_WithABidiControl_IsRefused() =>
        Assert.Throws<FieldException>(() => Normalizer.Email("gro.elpmaxe\u202E@contoso.example"));

    private static async Task<(HttpResponseMessage Response, string Body)> PostRawAsync(RunningHandler handler, string function, string json)
    {
        // Expect: 100-continue, as a client that wants to hear a refusal before it sends the body; without it the
        // server's early answer and closed connection reach the client as a broken pipe while it is still writing.
        using var request = new HttpRequestMessage(HttpMethod.Post, function) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        request.Headers.ExpectContinue = true;
        var response = await handler.Client.SendAsync(request);
        return (response, await response.Content.ReadAsStringAsync());
    }
}
