using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Azure.Core;
using Azure.Core.Pipeline;

namespace Pipeline.Storage.AzureTables;

/// <summary>An account name and key, for accounts that allow Shared Key access (and Azurite).</summary>
public sealed class TableSharedKeyCredential(string accountName, string accountKey)
{
    public string AccountName { get; } = accountName;

    internal byte[] Key { get; } = Convert.FromBase64String(accountKey);
}

/// <summary>
/// Signs each attempt with the Table service's Shared Key scheme: HMAC-SHA256 over
/// <c>VERB\nContent-MD5\nContent-Type\nDate\nCanonicalizedResource</c>, where the date is the <c>x-ms-date</c> header and
/// the resource is <c>/{account}{encoded path}</c> (with path-style URLs such as Azurite's, the path already starts
/// with the account name, which then appears twice, as the service expects).
/// </summary>
internal sealed class TableSharedKeyPolicy(TableSharedKeyCredential credential, TimeProvider time) : HttpPipelineSynchronousPolicy
{
    public override void OnSendingRequest(HttpMessage message)
    {
        var request = message.Request;
        var date = time.GetUtcNow().ToString("r", CultureInfo.InvariantCulture); // per attempt, so retries are fresh
        request.Headers.SetValue("x-ms-date", date);

        var uri = request.Uri.ToUri();
        var resource = new StringBuilder("/").Append(credential.AccountName).Append(uri.AbsolutePath);
        var query = System.Web.HttpUtility.ParseQueryString(uri.Query);
        if (query["comp"] is { } comp)
        {
            resource.Append("?comp=").Append(comp);
        }

        request.Headers.TryGetValue("Content-MD5", out var md5);
        request.Headers.TryGetValue("Content-Type", out var contentType);
        var toSign = string.Join('\n', request.Method.Method, md5 ?? "", contentType ?? "", date, resource.ToString());
        using var hmac = new HMACSHA256(credential.Key);
        var signature = Convert.ToBase64String(hmac.ComputeHash(Encoding.UTF8.GetBytes(toSign)));
        request.Headers.SetValue("Authorization", $"SharedKey {credential.AccountName}:{signature}");
    }
}
