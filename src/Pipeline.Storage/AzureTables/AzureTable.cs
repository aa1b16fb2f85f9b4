using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Azure;
using Azure.Core;

namespace Pipeline.Storage.AzureTables;

/// <summary>One table of Azure Table storage, spoken over REST (protocols.md §3).</summary>
internal sealed partial class AzureTable(AzureTableStore store, string name) : ITable
{
    private const string JsonMinimalMetadata = "application/json;odata=minimalmetadata";
    private const int MaxBatchBytes = 4 * 1024 * 1024;
    private static readonly RequestMethod Merge = new("MERGE");

    public string Name => name;

    public async Task CreateIfNotExistsAsync(CancellationToken cancellationToken = default)
    {
        using var message = Create(RequestMethod.Post, "Tables");
        SetJson(message, JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, string> { ["TableName"] = name }));
        var response = await SendAsync(message, cancellationToken).ConfigureAwait(false);
        if (response.Status is not (201 or 204 or 409))
        {
            throw Failure(response);
        }
    }

    public async Task<TableEntity?> GetAsync(string partitionKey, string rowKey, CancellationToken cancellationToken = default)
    {
        using var message = Create(RequestMethod.Get, EntityPath(partitionKey, rowKey));
        var response = await SendAsync(message, cancellationToken).ConfigureAwait(false);
        if (response.Status == 404 && ErrorCode(response) != TableErrorCodes.TableNotFound)
        {
            return null;
        }

        if (response.Status != 200)
        {
            throw Failure(response);
        }

        using var json = JsonDocument.Parse(response.Content.ToMemory());
        var entity = EntityJson.Read(json.RootElement, partitionKey, rowKey);
        if (response.Headers.ETag is { } etag)
        {
            entity.ETag = etag;
        }

        return entity;
    }

    public Task<ETag> AddAsync(TableEntity entity, CancellationToken cancellationToken = default) =>
        WriteAsync(TableTransactionAction.Add(entity), cancellationToken);

    public Task<ETag> UpsertAsync(TableEntity entity, TableUpdateMode mode = TableUpdateMode.Replace, CancellationToken cancellationToken = default) =>
        WriteAsync(TableTransactionAction.Upsert(entity, mode), cancellationToken);

    public Task<ETag> UpdateAsync(TableEntity entity, ETag ifMatch, TableUpdateMode mode = TableUpdateMode.Replace, CancellationToken cancellationToken = default) =>
        WriteAsync(TableTransactionAction.Update(entity, ifMatch, mode), cancellationToken);

    public Task DeleteAsync(string partitionKey, string rowKey, ETag ifMatch, CancellationToken cancellationToken = default) =>
        WriteAsync(TableTransactionAction.Delete(new TableEntity(partitionKey, rowKey), ifMatch), cancellationToken);

    public async IAsyncEnumerable<TableEntity> QueryAsync(TableQuery? query = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        query ??= new TableQuery();
        string? nextPartitionKey = null, nextRowKey = null;
        do
        {
            var parameters = new List<string> { "$top=" + Math.Clamp(query.PageSize, 1, 1000) };
            if (query.Filter is not null)
            {
                parameters.Add("$filter=" + Uri.EscapeDataString(query.Filter.ToOData()));
            }

            if (query.Select is not null)
            {
                var columns = new[] { "PartitionKey", "RowKey", "Timestamp" }.Concat(query.Select).Distinct();
                parameters.Add("$select=" + Uri.EscapeDataString(string.Join(',', columns)));
            }

            if (nextPartitionKey is not null)
            {
                parameters.Add("NextPartitionKey=" + Uri.EscapeDataString(nextPartitionKey));
                if (nextRowKey is not null)
                {
                    parameters.Add("NextRowKey=" + Uri.EscapeDataString(nextRowKey));
                }
            }

            List<TableEntity> page;
            using (var message = Create(RequestMethod.Get, name + "()", "?" + string.Join('&', parameters)))
            {
                var response = await SendAsync(message, cancellationToken).ConfigureAwait(false);
                if (response.Status != 200)
                {
                    throw Failure(response);
                }

                using var json = JsonDocument.Parse(response.Content.ToMemory());
                page = json.RootElement.GetProperty("value").EnumerateArray().Select(e => EntityJson.Read(e)).ToList();
                nextPartitionKey = response.Headers.TryGetValue("x-ms-continuation-NextPartitionKey", out var npk) ? npk : null;
                nextRowKey = response.Headers.TryGetValue("x-ms-continuation-NextRowKey", out var nrk) ? nrk : null;
            }

            // A page may be empty and still carry a continuation: keep going until the headers stop.
            foreach (var entity in page)
            {
                yield return entity;
            }
        }
        while (nextPartitionKey is not null);
    }

    /// <summary>Partitions read this many at a time; each is a request of its own to the service.</summary>
    private const int Parallelism = 8;

    public async IAsyncEnumerable<TableEntity> QueryPartitionsAsync(IReadOnlyCollection<string> partitionKeys, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        foreach (var chunk in partitionKeys.Distinct(StringComparer.Ordinal).Chunk(Parallelism))
        {
            var reads = chunk.Select(async pk =>
            {
                var entities = new List<TableEntity>();
                await foreach (var entity in QueryAsync(TableQuery.InPartition(pk), cancellationToken).ConfigureAwait(false))
                {
                    entities.Add(entity);
                }

                return entities;
            });
            foreach (var entities in await Task.WhenAll(reads).ConfigureAwait(false))
            {
                foreach (var entity in entities)
                {
                    yield return entity;
                }
            }
        }
    }

    public async Task<IReadOnlyList<RequestFailedException?>> SubmitTransactionsAsync(
        IReadOnlyList<IReadOnlyList<TableTransactionAction>> transactions, CancellationToken cancellationToken = default)
    {
        var results = new RequestFailedException?[transactions.Count];
        using var gate = new SemaphoreSlim(Parallelism);
        await Task.WhenAll(transactions.Select(async (actions, i) =>
        {
            await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                await SubmitTransactionAsync(actions, cancellationToken).ConfigureAwait(false);
            }
            catch (RequestFailedException e)
            {
                results[i] = e;
            }
            finally
            {
                gate.Release();
            }
        })).ConfigureAwait(false);
        return results;
    }

    public async Task SubmitTransactionAsync(IReadOnlyList<TableTransactionAction> actions, CancellationToken cancellationToken = default)
    {
        TableTransaction.Validate(actions);
        var batch = "batch_" + Guid.NewGuid().ToString("N");
        var changeset = "changeset_" + Guid.NewGuid().ToString("N");
        var body = new StringBuilder();
        body.Append("--").Append(batch).Append("\r\n")
            .Append("Content-Type: multipart/mixed; boundary=").Append(changeset).Append("\r\n\r\n");
        foreach (var action in actions)
        {
            var (method, path, ifMatch, content) = Describe(action);
            body.Append("--").Append(changeset).Append("\r\n")
                .Append("Content-Type: application/http\r\nContent-Transfer-Encoding: binary\r\n\r\n")
                .Append(method.Method).Append(' ').Append(store.Endpoint).Append('/').Append(path).Append(" HTTP/1.1\r\n")
                .Append("Accept: ").Append(JsonMinimalMetadata).Append("\r\n")
                .Append("DataServiceVersion: 3.0\r\n");
            if (ifMatch is not null)
            {
                body.Append("If-Match: ").Append(ifMatch).Append("\r\n");
            }

            if (content is not null)
            {
                body.Append("Content-Type: application/json\r\nPrefer: return-no-content\r\n\r\n").Append(Encoding.UTF8.GetString(content)).Append("\r\n");
            }
            else
            {
                body.Append("\r\n");
            }
        }

        body.Append("--").Append(changeset).Append("--\r\n").Append("--").Append(batch).Append("--\r\n");
        var bytes = Encoding.UTF8.GetBytes(body.ToString());
        if (bytes.Length > MaxBatchBytes)
        {
            throw new ArgumentException($"The transaction is {bytes.Length:N0} bytes; the service takes at most 4 MiB. Split it into smaller transactions.", nameof(actions));
        }

        using var message = Create(RequestMethod.Post, "$batch");
        message.Request.Headers.Add("Content-Type", "multipart/mixed; boundary=" + batch);
        message.Request.Content = RequestContent.Create(bytes);
        var response = await SendAsync(message, cancellationToken).ConfigureAwait(false);
        if (response.Status != 202)
        {
            throw Failure(response);
        }

        // The changeset answer holds one response per action, or a single one naming the action that failed.
        var text = response.Content.ToString();
        var failed = StatusLine().Matches(text).FirstOrDefault(m => int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) >= 300);
        if (failed is null)
        {
            return;
        }

        var status = int.Parse(failed.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        var json = text.IndexOf('{', failed.Index) is var start and >= 0 ? text[start..(text.LastIndexOf('}') + 1)] : "";
        var (code, detail) = ParseError(json);
        var index = IndexPrefix().Match(detail ?? "") is { Success: true } m ? int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) : 0;
        throw new TableTransactionFailedException(index, new RequestFailedException(status, detail ?? $"Status {status}", code, null));
    }

    private async Task<ETag> WriteAsync(TableTransactionAction action, CancellationToken cancellationToken)
    {
        var (method, path, ifMatch, content) = Describe(action);
        using var message = Create(method, path);
        if (ifMatch is not null)
        {
            message.Request.Headers.Add("If-Match", ifMatch);
        }

        if (content is not null)
        {
            message.Request.Headers.Add("Prefer", "return-no-content");
            SetJson(message, content);
        }

        var response = await SendAsync(message, cancellationToken).ConfigureAwait(false);
        if (action.ActionType == TableTransactionActionType.Delete && response.Status == 404 && ErrorCode(response) == TableErrorCodes.ResourceNotFound)
        {
            return default; // already gone
        }

        if (response.Status is < 200 or >= 300)
        {
            throw Failure(response);
        }

        return response.Headers.ETag ?? default;
    }

    private (RequestMethod Method, string Path, string? IfMatch, byte[]? Content) Describe(TableTransactionAction action)
    {
        var entity = action.Entity;
        var path = EntityPath(entity.PartitionKey, entity.RowKey);
        var ifMatch = action.IfMatch == default ? "*" : action.IfMatch.ToString();
        return action.ActionType switch
        {
            TableTransactionActionType.Add => (RequestMethod.Post, name, null, EntityJson.Serialize(entity, includeKeys: true)),
            TableTransactionActionType.UpsertReplace => (RequestMethod.Put, path, null, EntityJson.Serialize(entity, includeKeys: true)),
            TableTransactionActionType.UpsertMerge => (Merge, path, null, EntityJson.Serialize(entity, includeKeys: true)),
            TableTransactionActionType.UpdateReplace => (RequestMethod.Put, path, ifMatch, EntityJson.Serialize(entity, includeKeys: true)),
            TableTransactionActionType.UpdateMerge => (Merge, path, ifMatch, EntityJson.Serialize(entity, includeKeys: true)),
            _ => (RequestMethod.Delete, path, ifMatch, null),
        };
    }

    /// <summary><c>table(PartitionKey='…',RowKey='…')</c>: quotes doubled, then every reserved character escaped.</summary>
    private string EntityPath(string partitionKey, string rowKey)
    {
        TableKeys.Validate(partitionKey, nameof(partitionKey));
        TableKeys.Validate(rowKey, nameof(rowKey));
        static string Key(string key) => Uri.EscapeDataString(key.Replace("'", "''", StringComparison.Ordinal));
        return $"{name}(PartitionKey='{Key(partitionKey)}',RowKey='{Key(rowKey)}')";
    }

    private HttpMessage Create(RequestMethod method, string path, string query = "")
    {
        var message = store.Pipeline.CreateMessage();
        message.Request.Method = method;
        message.Request.Uri.Reset(new Uri($"{store.Endpoint}/{path}{query}"));
        message.Request.Headers.Add("x-ms-version", store.Options.ServiceVersion);
        message.Request.Headers.Add("DataServiceVersion", "3.0");
        message.Request.Headers.Add("Accept", JsonMinimalMetadata);
        return message;
    }

    private static void SetJson(HttpMessage message, byte[] content)
    {
        message.Request.Headers.Add("Content-Type", "application/json");
        message.Request.Content = RequestContent.Create(content);
    }

    private async Task<Response> SendAsync(HttpMessage message, CancellationToken cancellationToken)
    {
        await store.Pipeline.SendAsync(message, cancellationToken).ConfigureAwait(false);
        return message.Response;
    }

    private static string? ErrorCode(Response response) =>
        response.Headers.TryGetValue("x-ms-error-code", out var code) ? code : ParseError(response.Content.ToString()).Code;

    private static RequestFailedException Failure(Response response)
    {
        var (code, detail) = ParseError(response.Content.ToString());
        code = response.Headers.TryGetValue("x-ms-error-code", out var header) ? header : code;
        return new RequestFailedException(response.Status, $"Table service answered {response.Status} ({code}): {detail ?? response.ReasonPhrase}", code, null);
    }

    private static (string? Code, string? Message) ParseError(string json)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            var error = document.RootElement.TryGetProperty("odata.error", out var e) ? e : document.RootElement;
            var code = error.TryGetProperty("code", out var c) ? c.GetString() : null;
            var message = error.TryGetProperty("message", out var m)
                ? m.ValueKind == JsonValueKind.Object && m.TryGetProperty("value", out var v) ? v.GetString() : m.ToString()
                : null;
            return (code, message);
        }
        catch (JsonException)
        {
            return (null, null);
        }
    }

    [GeneratedRegex(@"HTTP/1\.1 (\d{3})")]
    private static partial Regex StatusLine();

    [GeneratedRegex(@"^(\d+):")]
    private static partial Regex IndexPrefix();
}
