using System.Collections.Concurrent;
using Microsoft.Data.Sqlite;

namespace Pipeline.Storage.Sqlite;

/// <summary>
/// The embedded default: every table lives in one SQLite file, in WAL mode so other processes (the CLI's commands)
/// can read while the pipeline writes. Entities keep their properties as the Table service's annotated JSON, so types
/// round-trip exactly as in Azure.
/// </summary>
/// <remarks>
/// Within a process, operations take turns on one connection. SQLite has one writer at a time anyway; with a pool of
/// connections, concurrent invocations met SQLite's busy handler, which sleeps for milliseconds before it retries,
/// and each connection threw its page cache away whenever another had written. Waiting on a semaphore instead costs
/// nothing while the other invocation works.
/// </remarks>
public sealed class SqliteTableStore : ITableStore, IAsyncDisposable
{
    /// <summary>
    /// What every connection of the store sets: commits without an fsync of their own, a checkpoint every 16,384
    /// WAL pages (64 MB) rather than every 1,000, the WAL cut back to that size after each, and deleted content
    /// overwritten with zeros (secure_delete: freed pages and the freed space within pages), so that an erased person
    /// cannot be read back from the file. Public for the benchmark's floor, which must write the way the store does.
    /// </summary>
    public const string ConnectionPragmas = "PRAGMA synchronous = NORMAL; PRAGMA wal_autocheckpoint = 16384; PRAGMA journal_size_limit = 67108864; PRAGMA secure_delete = ON;";

    private readonly string _connectionString;
    private readonly Lazy<Task> _schema;
    private readonly ConcurrentDictionary<string, bool> _knownTables = new(StringComparer.OrdinalIgnoreCase);
    private readonly SemaphoreSlim _turn = new(1, 1);
    private SqliteConnection? _connection;

    public SqliteTableStore(string databasePath, TimeProvider timeProvider)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(databasePath);
        var directory = Path.GetDirectoryName(Path.GetFullPath(databasePath));
        if (directory is not null)
        {
            Directory.CreateDirectory(directory);
        }

        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = databasePath,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = true,
            DefaultTimeout = 30,
        }.ToString();
        TimeProvider = timeProvider;
        _schema = new Lazy<Task>(CreateSchemaAsync);
    }

    internal TimeProvider TimeProvider { get; }

    public ITable GetTable(string name)
    {
        TableKeys.ValidateTableName(name);
        return new SqliteTable(this, name.ToLowerInvariant());
    }

    /// <summary>The store's connection, for one operation; disposing the lease hands it to the next.</summary>
    internal async Task<Lease> OpenAsync(CancellationToken cancellationToken)
    {
        await _schema.Value.ConfigureAwait(false);
        await _turn.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_connection is null)
            {
                var connection = new SqliteConnection(_connectionString);
                await connection.OpenAsync(cancellationToken).ConfigureAwait(false);

                // Per connection, not stored in the file: in WAL mode, commits survive a crash of the process without an
                // fsync each (a power cut may lose the last few, which the next feed run writes again). What is synced is
                // the checkpoint, twice (the WAL, then the file). At the default of one per 4 MB, which hashed keys (a
                // dirty page a row) fill in a few commits, those syncs took half the time of raw inserts (docs/benchmarks.md).
                await using var pragma = connection.CreateCommand();
                pragma.CommandText = ConnectionPragmas;
                await pragma.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                _connection = connection;
            }

            return new Lease(_connection, _turn);
        }
        catch
        {
            _turn.Release();
            throw;
        }
    }

    /// <summary>
    /// Copies the WAL into the database and truncates it to nothing (a TRUNCATE checkpoint): the WAL still holds
    /// earlier images of the pages an erasure changed. Another process reading or writing (a running
    /// <c>pipeline run</c>) can hold the checkpoint back; it is tried again for up to 30 seconds, then reported.
    /// </summary>
    public async Task PurgeDeletedAsync(CancellationToken cancellationToken = default)
    {
        var deadline = TimeProvider.GetTimestamp() + (30 * TimeProvider.TimestampFrequency);
        while (true)
        {
            await using (var lease = await OpenAsync(cancellationToken).ConfigureAwait(false))
            {
                if (await CheckpointAsync(lease.Connection, cancellationToken).ConfigureAwait(false))
                {
                    return;
                }
            }

            if (TimeProvider.GetTimestamp() > deadline)
            {
                throw new IOException("The SQLite write-ahead log could not be emptied: another process kept it busy for 30 seconds. Run the erasure again once it is idle.");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(200), TimeProvider, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>A TRUNCATE checkpoint; false when a reader or writer elsewhere kept it from finishing.</summary>
    public static async Task<bool> CheckpointAsync(SqliteConnection connection, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA wal_checkpoint(TRUNCATE)";
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false) && reader.GetInt32(0) == 0;
    }

    public async ValueTask DisposeAsync()
    {
        await _turn.WaitAsync().ConfigureAwait(false);
        try
        {
            if (_connection is not null)
            {
                await _connection.DisposeAsync().ConfigureAwait(false);
                _connection = null;
            }
        }
        finally
        {
            _turn.Release();
        }
    }

    /// <summary>The connection, held until disposed.</summary>
    internal sealed class Lease(SqliteConnection connection, SemaphoreSlim turn) : IAsyncDisposable
    {
        private int _released;

        public SqliteConnection Connection => connection;

        public ValueTask DisposeAsync()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                turn.Release();
            }

            return ValueTask.CompletedTask;
        }
    }

    internal async Task EnsureTableExistsAsync(SqliteConnection connection, string table, CancellationToken cancellationToken)
    {
        if (_knownTables.ContainsKey(table))
        {
            return;
        }

        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT 1 FROM tables WHERE name = $name";
        command.Parameters.AddWithValue("$name", table);
        if (await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is null)
        {
            throw TableErrors.TableMissing(table);
        }

        _knownTables[table] = true;
    }

    internal async Task CreateTableAsync(string table, CancellationToken cancellationToken)
    {
        await using var lease = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = lease.Connection.CreateCommand();
        command.CommandText = "INSERT OR IGNORE INTO tables (name) VALUES ($name)";
        command.Parameters.AddWithValue("$name", table);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        _knownTables[table] = true;
    }

    private async Task CreateSchemaAsync()
    {
        await using var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync().ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = """
            PRAGMA secure_delete = ON;
            PRAGMA journal_mode = WAL;
            CREATE TABLE IF NOT EXISTS tables (name TEXT PRIMARY KEY);
            -- A rowid table with a unique key rather than WITHOUT ROWID: entities of a kilobyte or more packed into the
            -- key's b-tree filled pages so poorly that the file was 4.5 times the data.
            CREATE TABLE IF NOT EXISTS entities (
                tbl   TEXT NOT NULL,
                pk    TEXT NOT NULL,
                rk    TEXT NOT NULL,
                etag  TEXT NOT NULL,
                ts    TEXT NOT NULL,
                props BLOB NOT NULL,
                UNIQUE (tbl, pk, rk)
            );
            """;
        await command.ExecuteNonQueryAsync().ConfigureAwait(false);
    }
}
