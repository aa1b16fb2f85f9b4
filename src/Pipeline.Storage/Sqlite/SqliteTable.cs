using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Azure;
using Microsoft.Data.Sqlite;

namespace Pipeline.Storage.Sqlite;

internal sealed class SqliteTable(SqliteTableStore store, string name) : ITable
{
    private const int SqliteConstraint = 19;

    // ETags only need to differ from every earlier one of the row: a random prefix per process and a counter, which
    // costs far less than a GUID per write.
    private static readonly string ETagPrefix = Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(8));
    private static long _etagCounter;

    private TimeProvider Time => store.TimeProvider;

    private static ETag NextETag() =>
        new(string.Create(CultureInfo.InvariantCulture, $"W/\"{ETagPrefix}{Interlocked.Increment(ref _etagCounter):x12}\""));

    public string Name => name;

    public Task CreateIfNotExistsAsync(CancellationToken cancellationToken = default) => store.CreateTableAsync(name, cancellationToken);

    public async Task<TableEntity?> GetAsync(string partitionKey, string rowKey, CancellationToken cancellationToken = default)
    {
        TableKeys.Validate(partitionKey, nameof(partitionKey));
        TableKeys.Validate(rowKey, nameof(rowKey));
        await using var lease = await OpenAsync(cancellationToken).ConfigureAwait(false);
        var connection = lease.Connection;
        await using var statements = new Statements(this, connection, null);
        var row = await statements.ReadAsync(partitionKey, rowKey, cancellationToken).ConfigureAwait(false);
        return row is null ? null : ToEntity(partitionKey, rowKey, row.Value.ETag, row.Value.Timestamp, row.Value.Props);
    }

    public async Task<ETag> AddAsync(TableEntity entity, CancellationToken cancellationToken = default)
    {
        await using var lease = await OpenAsync(cancellationToken).ConfigureAwait(false);
        var connection = lease.Connection;
        await using var statements = new Statements(this, connection, null);
        return await ApplyAsync(statements, TableTransactionAction.Add(entity), cancellationToken).ConfigureAwait(false);
    }

    public async Task<ETag> UpsertAsync(TableEntity entity, TableUpdateMode mode = TableUpdateMode.Replace, CancellationToken cancellationToken = default)
    {
        await using var lease = await OpenAsync(cancellationToken).ConfigureAwait(false);
        var connection = lease.Connection;
        return await InTransactionAsync(connection, tx => ApplyOnceAsync(connection, tx, TableTransactionAction.Upsert(entity, mode), cancellationToken)).ConfigureAwait(false);
    }

    public async Task<ETag> UpdateAsync(TableEntity entity, ETag ifMatch, TableUpdateMode mode = TableUpdateMode.Replace, CancellationToken cancellationToken = default)
    {
        await using var lease = await OpenAsync(cancellationToken).ConfigureAwait(false);
        var connection = lease.Connection;
        return await InTransactionAsync(connection, tx => ApplyOnceAsync(connection, tx, TableTransactionAction.Update(entity, ifMatch, mode), cancellationToken)).ConfigureAwait(false);
    }

    public async Task DeleteAsync(string partitionKey, string rowKey, ETag ifMatch, CancellationToken cancellationToken = default)
    {
        await using var lease = await OpenAsync(cancellationToken).ConfigureAwait(false);
        var connection = lease.Connection;
        var action = TableTransactionAction.Delete(new TableEntity(partitionKey, rowKey), ifMatch);
        await InTransactionAsync(connection, tx => ApplyOnceAsync(connection, tx, action, cancellationToken)).ConfigureAwait(false);
    }

    public async IAsyncEnumerable<TableEntity> QueryAsync(TableQuery? query = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        query ??= new TableQuery();
        var partition = query.Filter?.ExactPartitionKey;
        string? lastPk = null, lastRk = null;
        while (true)
        {
            // Keyset paging: each page is a short read, so callers may write while they iterate. Rows are turned into
            // entities after the connection is handed back, so other invocations use it meanwhile.
            var rawRows = new List<RawRow>(Math.Clamp(query.PageSize, 1, 1000));
            await using (var lease = await OpenAsync(cancellationToken).ConfigureAwait(false))
            await using (var command = lease.Connection.CreateCommand())
            {
                command.CommandText = $"""
                    SELECT pk, rk, etag, ts, props FROM entities
                    WHERE tbl = $tbl {(partition is null ? "" : "AND pk = $pk")}
                      {(lastPk is null ? "" : "AND (pk > $lpk OR (pk = $lpk AND rk > $lrk))")}
                    ORDER BY pk, rk LIMIT $limit
                    """;
                command.Parameters.AddWithValue("$tbl", name);
                command.Parameters.AddWithValue("$limit", Math.Clamp(query.PageSize, 1, 1000));
                if (partition is not null)
                {
                    command.Parameters.AddWithValue("$pk", partition);
                }

                if (lastPk is not null)
                {
                    command.Parameters.AddWithValue("$lpk", lastPk);
                    command.Parameters.AddWithValue("$lrk", lastRk);
                }

                await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    rawRows.Add(RawRow.From(reader));
                }
            }

            if (rawRows.Count > 0)
            {
                (lastPk, lastRk) = (rawRows[^1].Pk, rawRows[^1].Rk);
            }

            if (rawRows.Count < Math.Clamp(query.PageSize, 1, 1000))
            {
                lastPk = null;
            }

            foreach (var row in rawRows)
            {
                var entity = row.ToEntity();
                if (query.Filter is null || query.Filter.Matches(entity))
                {
                    yield return Project(entity, query.Select);
                }
            }

            if (lastPk is null)
            {
                yield break;
            }
        }
    }

    public async Task SubmitTransactionAsync(IReadOnlyList<TableTransactionAction> actions, CancellationToken cancellationToken = default)
    {
        TableTransaction.Validate(actions);
        var serialized = actions.Select(Serialized).ToArray();
        await using var lease = await OpenAsync(cancellationToken).ConfigureAwait(false);
        var connection = lease.Connection;
        await InTransactionAsync(connection, async tx =>
        {
            await using var statements = new Statements(this, connection, tx);
            for (var i = 0; i < actions.Count; i++)
            {
                try
                {
                    await ApplyAsync(statements, actions[i], serialized[i], cancellationToken).ConfigureAwait(false);
                }
                catch (RequestFailedException e)
                {
                    throw new TableTransactionFailedException(i, e);
                }
            }

            return 0;
        }).ConfigureAwait(false);
    }

    public async IAsyncEnumerable<TableEntity> QueryPartitionsAsync(IReadOnlyCollection<string> partitionKeys, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        foreach (var chunk in partitionKeys.Distinct(StringComparer.Ordinal).Chunk(500))
        {
            var page = new List<RawRow>();
            await using (var lease = await OpenAsync(cancellationToken).ConfigureAwait(false))
            await using (var command = lease.Connection.CreateCommand())
            {
                // The keys travel as one JSON array: binding hundreds of named parameters costs a linear search of the
                // statement's names each, and made a look-up of 150 keys two to three times slower.
                command.CommandText = "SELECT pk, rk, etag, ts, props FROM entities WHERE tbl = $tbl AND pk IN (SELECT value FROM json_each($keys)) ORDER BY pk, rk";
                command.Parameters.AddWithValue("$tbl", name);
                command.Parameters.AddWithValue("$keys", JsonSerializer.Serialize(chunk));
                await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    page.Add(RawRow.From(reader));
                }
            }

            foreach (var row in page)
            {
                yield return row.ToEntity();
            }
        }
    }

    public async Task<IReadOnlyList<RequestFailedException?>> SubmitTransactionsAsync(
        IReadOnlyList<IReadOnlyList<TableTransactionAction>> transactions, CancellationToken cancellationToken = default)
    {
        foreach (var actions in transactions)
        {
            TableTransaction.Validate(actions);
        }

        // One database transaction for all, a savepoint for each: a failed one is rolled back alone. The rows are
        // serialised before the connection is taken, so other invocations can use it meanwhile.
        var results = new RequestFailedException?[transactions.Count];
        var serialized = transactions.Select(t => t.Select(Serialized).ToArray()).ToArray();
        await using var lease = await OpenAsync(cancellationToken).ConfigureAwait(false);
        var connection = lease.Connection;
        await InTransactionAsync(connection, async tx =>
        {
            // Statements are prepared once for the whole submission, not once per row.
            await using var statements = new Statements(this, connection, tx);
            for (var t = 0; t < transactions.Count; t++)
            {
                // One action writes at most one row, all or nothing: it needs no savepoint to be undone on failure.
                var actions = transactions[t];
                var savepoint = actions.Count > 1;
                if (savepoint)
                {
                    await tx.SaveAsync("t", cancellationToken).ConfigureAwait(false);
                }

                for (var i = 0; i < actions.Count && results[t] is null; i++)
                {
                    try
                    {
                        await ApplyAsync(statements, actions[i], serialized[t][i], cancellationToken).ConfigureAwait(false);
                    }
                    catch (RequestFailedException e)
                    {
                        results[t] = new TableTransactionFailedException(i, e);
                    }
                }

                if (!savepoint)
                {
                    continue;
                }

                if (results[t] is null)
                {
                    await tx.ReleaseAsync("t", cancellationToken).ConfigureAwait(false);
                }
                else
                {
                    await tx.RollbackAsync("t", cancellationToken).ConfigureAwait(false);
                    await tx.ReleaseAsync("t", cancellationToken).ConfigureAwait(false);
                }
            }

            return 0;
        }).ConfigureAwait(false);
        return results;
    }

    private async Task<SqliteTableStore.Lease> OpenAsync(CancellationToken cancellationToken)
    {
        var lease = await store.OpenAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await store.EnsureTableExistsAsync(lease.Connection, name, cancellationToken).ConfigureAwait(false);
            return lease;
        }
        catch
        {
            await lease.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private static async Task<T> InTransactionAsync<T>(SqliteConnection connection, Func<SqliteTransaction, Task<T>> work)
    {
        // IMMEDIATE takes the write lock up front, so read-check-write sequences cannot interleave.
        await using var tx = connection.BeginTransaction(deferred: false);
        var result = await work(tx).ConfigureAwait(false);
        await tx.CommitAsync().ConfigureAwait(false);
        return result;
    }

    private async Task<ETag> ApplyOnceAsync(SqliteConnection connection, SqliteTransaction tx, TableTransactionAction action, CancellationToken cancellationToken)
    {
        await using var statements = new Statements(this, connection, tx);
        return await ApplyAsync(statements, action, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>An action's properties as stored (null for a delete), made before the connection is taken.</summary>
    private static byte[]? Serialized(TableTransactionAction action) =>
        action.ActionType == TableTransactionActionType.Delete ? null : EntityJson.Serialize(action.Entity, includeKeys: false);

    private Task<ETag> ApplyAsync(Statements statements, TableTransactionAction action, CancellationToken cancellationToken) =>
        ApplyAsync(statements, action, Serialized(action), cancellationToken);

    private async Task<ETag> ApplyAsync(Statements statements, TableTransactionAction action, byte[]? serialized, CancellationToken cancellationToken)
    {
        var entity = action.Entity;
        if (action.ActionType == TableTransactionActionType.Delete)
        {
            await DeleteRowAsync(statements, entity, action.IfMatch, cancellationToken).ConfigureAwait(false);
            return default;
        }

        var props = serialized ?? EntityJson.Serialize(entity, includeKeys: false);
        var etag = NextETag();
        switch (action.ActionType)
        {
            case TableTransactionActionType.Add:
                try
                {
                    await statements.WriteAsync(entity, etag, props, insertOnly: true, cancellationToken).ConfigureAwait(false);
                }
                catch (SqliteException e) when (e.SqliteErrorCode == SqliteConstraint)
                {
                    throw TableErrors.AlreadyExists(name, entity.PartitionKey, entity.RowKey);
                }

                break;

            case TableTransactionActionType.UpsertReplace:
                await statements.WriteAsync(entity, etag, props, insertOnly: false, cancellationToken).ConfigureAwait(false);
                break;

            default:
                var existing = await statements.ReadAsync(entity.PartitionKey, entity.RowKey, cancellationToken).ConfigureAwait(false);
                var isUpdate = action.ActionType is TableTransactionActionType.UpdateMerge or TableTransactionActionType.UpdateReplace;
                if (isUpdate && existing is null)
                {
                    throw TableErrors.NotFound(name);
                }

                if (isUpdate && action.IfMatch != ETag.All && existing!.Value.ETag != action.IfMatch.ToString())
                {
                    throw TableErrors.Stale(name);
                }

                var merge = action.ActionType is TableTransactionActionType.UpdateMerge or TableTransactionActionType.UpsertMerge;
                if (merge && existing is not null)
                {
                    props = Merge(existing.Value.Props, entity);
                }

                await statements.WriteAsync(entity, etag, props, insertOnly: false, cancellationToken).ConfigureAwait(false);
                break;
        }

        return etag;
    }

    private byte[] Merge(byte[] storedProps, TableEntity changes)
    {
        var merged = ToEntity(changes.PartitionKey, changes.RowKey, "", DateTimeOffset.MinValue.ToString("O", CultureInfo.InvariantCulture), storedProps);
        foreach (var (key, value) in changes.Properties)
        {
            merged[key] = value;
        }

        return EntityJson.Serialize(merged, includeKeys: false);
    }

    private static async Task DeleteRowAsync(Statements statements, TableEntity entity, ETag ifMatch, CancellationToken cancellationToken)
    {
        if (ifMatch != ETag.All)
        {
            var existing = await statements.ReadAsync(entity.PartitionKey, entity.RowKey, cancellationToken).ConfigureAwait(false);
            if (existing is not null && existing.Value.ETag != ifMatch.ToString())
            {
                throw TableErrors.Stale(statements.Table.Name);
            }
        }

        await statements.DeleteAsync(entity.PartitionKey, entity.RowKey, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// The row statements of one connection and transaction, each prepared the first time it is needed and reused:
    /// preparing a statement per row cost more than running it.
    /// </summary>
    private sealed class Statements(SqliteTable table, SqliteConnection connection, SqliteTransaction? tx) : IAsyncDisposable
    {
        private SqliteCommand? _insert;
        private SqliteCommand? _upsert;
        private SqliteCommand? _delete;
        private SqliteCommand? _read;

        public SqliteTable Table => table;

        public async Task WriteAsync(TableEntity entity, ETag etag, byte[] props, bool insertOnly, CancellationToken cancellationToken)
        {
            var command = insertOnly
                ? _insert ??= Create("INSERT INTO entities (tbl, pk, rk, etag, ts, props) VALUES ($tbl, $pk, $rk, $etag, $ts, $props)", "$etag", "$ts", "$props")
                : _upsert ??= Create(
                    "INSERT INTO entities (tbl, pk, rk, etag, ts, props) VALUES ($tbl, $pk, $rk, $etag, $ts, $props) " +
                    "ON CONFLICT (tbl, pk, rk) DO UPDATE SET etag = excluded.etag, ts = excluded.ts, props = excluded.props", "$etag", "$ts", "$props");
            command.Parameters["$pk"].Value = entity.PartitionKey;
            command.Parameters["$rk"].Value = entity.RowKey;
            command.Parameters["$etag"].Value = etag.ToString();
            command.Parameters["$ts"].Value = table.Time.GetUtcNow().ToString("O", CultureInfo.InvariantCulture);
            command.Parameters["$props"].Value = props;
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        public async Task DeleteAsync(string pk, string rk, CancellationToken cancellationToken)
        {
            var command = _delete ??= Create("DELETE FROM entities WHERE tbl = $tbl AND pk = $pk AND rk = $rk");
            command.Parameters["$pk"].Value = pk;
            command.Parameters["$rk"].Value = rk;
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        public async Task<(string ETag, string Timestamp, byte[] Props)?> ReadAsync(string pk, string rk, CancellationToken cancellationToken)
        {
            var command = _read ??= Create("SELECT etag, ts, props FROM entities WHERE tbl = $tbl AND pk = $pk AND rk = $rk");
            command.Parameters["$pk"].Value = pk;
            command.Parameters["$rk"].Value = rk;
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                return null;
            }

            return (reader.GetString(0), reader.GetString(1), (byte[])reader[2]);
        }

        public async ValueTask DisposeAsync()
        {
            foreach (var command in new[] { _insert, _upsert, _delete, _read })
            {
                if (command is not null)
                {
                    await command.DisposeAsync().ConfigureAwait(false);
                }
            }
        }

        private SqliteCommand Create(string sql, params string[] more)
        {
            var command = connection.CreateCommand();
            command.Transaction = tx;
            command.CommandText = sql;
            command.Parameters.AddWithValue("$tbl", table.Name);
            command.Parameters.Add("$pk", SqliteType.Text);
            command.Parameters.Add("$rk", SqliteType.Text);
            foreach (var name in more)
            {
                command.Parameters.Add(name, name == "$props" ? SqliteType.Blob : SqliteType.Text);
            }

            command.Prepare();
            return command;
        }
    }

    /// <summary>A row as read, turned into an entity once the connection is no longer held.</summary>
    private readonly record struct RawRow(string Pk, string Rk, string ETag, string Timestamp, byte[] Props)
    {
        public static RawRow From(SqliteDataReader reader) => new(reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), (byte[])reader[4]);

        public TableEntity ToEntity() => SqliteTable.ToEntity(Pk, Rk, ETag, Timestamp, Props);
    }

    private static TableEntity ToEntity(string pk, string rk, string etag, string timestamp, byte[] props)
    {
        using var json = JsonDocument.Parse(props);
        var entity = EntityJson.Read(json.RootElement, pk, rk);
        entity.ETag = new ETag(etag);
        entity.Timestamp = DateTimeOffset.Parse(timestamp, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind);
        return entity;
    }

    private static TableEntity Project(TableEntity entity, IReadOnlyList<string>? select)
    {
        if (select is null)
        {
            return entity;
        }

        var projected = new TableEntity(entity.PartitionKey, entity.RowKey) { ETag = entity.ETag, Timestamp = entity.Timestamp };
        foreach (var property in select)
        {
            projected[property] = entity[property];
        }

        return projected;
    }
}
