using System.Globalization;
using Microsoft.Data.Sqlite;

namespace Pipeline.Cli.LocalHost;

/// <summary>A message taken from a queue under a lock; complete or abandon it with its lock token.</summary>
public sealed record LockedMessage(long Sequence, string Queue, string MessageId, string Body, int DeliveryCount, DateTimeOffset EnqueuedAt, string LockToken);

public sealed record DeadLetter(long Sequence, string Queue, string MessageId, string Body, int DeliveryCount, DateTimeOffset DeadLetteredAt, string Reason, string Description);

public sealed record QueueCounts(string Queue, long Active, long DeadLettered);

/// <summary>
/// Durable local queues in SQLite with Service Bus semantics: peek-lock receive, at-least-once delivery (an expired
/// lock makes the message visible again), a delivery count, and a dead-letter queue after the max delivery count.
/// Each lock records the run that holds it (<see cref="LockOwner"/>), so a run that ended without finishing its
/// messages can have them released at once instead of after the lock duration.
/// </summary>
public sealed class LocalQueueStore
{
    private readonly string _connectionString;
    private readonly TimeProvider _time;
    private bool _initialized;

    public LocalQueueStore(string databasePath, TimeProvider time)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(databasePath))!);
        _connectionString = new SqliteConnectionStringBuilder { DataSource = databasePath, Pooling = true, DefaultTimeout = 30 }.ToString();
        _time = time;
    }

    /// <summary>The run that the locks taken through this instance belong to (see <see cref="RunLease"/>); null for none.</summary>
    public string? LockOwner { get; init; }

    public async Task EnqueueAsync(string queue, IEnumerable<string> bodies, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var tx = connection.BeginTransaction(deferred: false);
        await InsertAsync(connection, tx, queue, bodies, cancellationToken);
        await tx.CommitAsync(cancellationToken);
    }

    /// <summary>Locks the oldest visible message of the first queue in <paramref name="queues"/> that has one.</summary>
    public async Task<LockedMessage?> ReceiveAsync(IReadOnlyList<string> queues, TimeSpan lockDuration, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var tx = connection.BeginTransaction(deferred: false);
        var now = _time.GetUtcNow();
        foreach (var queue in queues)
        {
            await using var select = Command(connection, tx,
                "SELECT seq, message_id, body, delivery_count, enqueued_at FROM messages " +
                "WHERE queue = $queue AND dead_lettered_at IS NULL AND visible_at <= $now ORDER BY seq LIMIT 1",
                ("$queue", queue), ("$now", Stamp(now)));
            await using var reader = await select.ExecuteReaderAsync(cancellationToken);
            if (!await reader.ReadAsync(cancellationToken))
            {
                continue;
            }

            var message = new LockedMessage(
                reader.GetInt64(0), queue, reader.GetString(1), reader.GetString(2), reader.GetInt32(3) + 1,
                DateTimeOffset.Parse(reader.GetString(4), CultureInfo.InvariantCulture), Guid.NewGuid().ToString("N"));
            await reader.DisposeAsync();
            await using var update = Command(connection, tx,
                "UPDATE messages SET delivery_count = delivery_count + 1, visible_at = $until, lock_token = $lock, lock_owner = $owner WHERE seq = $seq",
                ("$until", Stamp(now + lockDuration)), ("$lock", message.LockToken), ("$owner", LockOwner), ("$seq", message.Sequence));
            await update.ExecuteNonQueryAsync(cancellationToken);
            await tx.CommitAsync(cancellationToken);
            return message;
        }

        return null;
    }

    /// <summary>Deletes the message and enqueues what its invocation produced, in one transaction.</summary>
    public async Task CompleteAsync(LockedMessage message, IReadOnlyList<(string Queue, string Body)> outputs, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var tx = connection.BeginTransaction(deferred: false);
        await using var delete = Command(connection, tx, "DELETE FROM messages WHERE seq = $seq AND lock_token = $lock",
            ("$seq", message.Sequence), ("$lock", message.LockToken));
        if (await delete.ExecuteNonQueryAsync(cancellationToken) == 0)
        {
            // The lock expired and someone else has the message now: its outputs will come from that delivery.
            throw new InvalidOperationException($"The lock on message {message.MessageId} in '{message.Queue}' was lost before completion.");
        }

        foreach (var group in outputs.GroupBy(o => o.Queue))
        {
            await InsertAsync(connection, tx, group.Key, group.Select(o => o.Body), cancellationToken);
        }

        await tx.CommitAsync(cancellationToken);
    }

    /// <summary>Releases the message for redelivery, or dead-letters it once it has been delivered <paramref name="maxDeliveryCount"/> times.</summary>
    public async Task<bool> AbandonAsync(LockedMessage message, string error, int maxDeliveryCount, CancellationToken cancellationToken)
    {
        var deadLetter = message.DeliveryCount >= maxDeliveryCount;
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = deadLetter
            ? Command(connection, null,
                "UPDATE messages SET dead_lettered_at = $now, dead_letter_reason = 'MaxDeliveryCountExceeded', dead_letter_description = $error, lock_token = NULL, lock_owner = NULL " +
                "WHERE seq = $seq AND lock_token = $lock",
                ("$now", Stamp(_time.GetUtcNow())), ("$error", error), ("$seq", message.Sequence), ("$lock", message.LockToken))
            : Command(connection, null,
                "UPDATE messages SET visible_at = $now, last_error = $error, lock_token = NULL, lock_owner = NULL WHERE seq = $seq AND lock_token = $lock",
                ("$now", Stamp(_time.GetUtcNow())), ("$error", error), ("$seq", message.Sequence), ("$lock", message.LockToken));
        await command.ExecuteNonQueryAsync(cancellationToken);
        return deadLetter;
    }

    /// <summary>The runs that hold locks now (locks that have not expired), other than this instance's own.</summary>
    public async Task<IReadOnlyList<string>> OtherLockOwnersAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Command(connection, null,
            "SELECT DISTINCT lock_owner FROM messages WHERE lock_token IS NOT NULL AND lock_owner IS NOT NULL AND dead_lettered_at IS NULL " +
            "AND visible_at > $now AND ($self IS NULL OR lock_owner <> $self)",
            ("$now", Stamp(_time.GetUtcNow())), ("$self", LockOwner));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var owners = new List<string>();
        while (await reader.ReadAsync(cancellationToken))
        {
            owners.Add(reader.GetString(0));
        }

        return owners;
    }

    /// <summary>
    /// Makes the messages locked by <paramref name="owner"/> visible again at once. <paramref name="countDelivery"/>
    /// false takes back the delivery their receive counted: for a run stopped on purpose, whose messages did not fail.
    /// Returns how many were released.
    /// </summary>
    public async Task<int> ReleaseLocksAsync(string owner, bool countDelivery, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Command(connection, null,
            "UPDATE messages SET visible_at = $now, lock_token = NULL, lock_owner = NULL" +
            (countDelivery ? "" : ", delivery_count = MAX(delivery_count - 1, 0)") +
            " WHERE lock_owner = $owner AND lock_token IS NOT NULL AND dead_lettered_at IS NULL",
            ("$now", Stamp(_time.GetUtcNow())), ("$owner", owner));
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<IReadOnlyList<QueueCounts>> CountsAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Command(connection, null,
            "SELECT queue, SUM(dead_lettered_at IS NULL), SUM(dead_lettered_at IS NOT NULL) FROM messages GROUP BY queue ORDER BY queue");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var counts = new List<QueueCounts>();
        while (await reader.ReadAsync(cancellationToken))
        {
            counts.Add(new QueueCounts(reader.GetString(0), reader.GetInt64(1), reader.GetInt64(2)));
        }

        return counts;
    }

    public async Task<IReadOnlyList<DeadLetter>> DeadLettersAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Command(connection, null,
            "SELECT seq, queue, message_id, body, delivery_count, dead_lettered_at, dead_letter_reason, dead_letter_description " +
            "FROM messages WHERE dead_lettered_at IS NOT NULL ORDER BY seq");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var letters = new List<DeadLetter>();
        while (await reader.ReadAsync(cancellationToken))
        {
            letters.Add(new DeadLetter(reader.GetInt64(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetInt32(4),
                DateTimeOffset.Parse(reader.GetString(5), CultureInfo.InvariantCulture), reader.GetString(6), reader.GetString(7)));
        }

        return letters;
    }

    /// <summary>
    /// Puts dead-lettered messages back on their queue (all, or one queue's) with a fresh delivery count, once the
    /// cause is fixed; as a Service Bus administrator resubmits from the dead-letter queue. Returns how many.
    /// </summary>
    public async Task<int> ReplayDeadLettersAsync(string? queue, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Command(connection, null,
            "UPDATE messages SET dead_lettered_at = NULL, dead_letter_reason = NULL, dead_letter_description = NULL, delivery_count = 0, " +
            "lock_token = NULL, lock_owner = NULL, visible_at = $now WHERE dead_lettered_at IS NOT NULL AND ($queue IS NULL OR queue = $queue)",
            ("$now", Stamp(_time.GetUtcNow())), ("$queue", queue));
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>
    /// For an erasure: passes every message's body, pending, locked or dead-lettered, through <paramref name="scrub"/>,
    /// which answers the same string (kept), another (rewritten) or null (deleted); then empties the WAL, which still
    /// holds the bodies as they were. Returns how many were rewritten and deleted.
    /// </summary>
    public async Task<(int Rewritten, int Deleted)> ScrubAsync(Func<string, string?> scrub, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        var changes = new List<(long Sequence, string? Body)>();
        await using (var tx = connection.BeginTransaction(deferred: false))
        {
            await using (var select = Command(connection, tx, "SELECT seq, body FROM messages"))
            await using (var reader = await select.ExecuteReaderAsync(cancellationToken))
            {
                while (await reader.ReadAsync(cancellationToken))
                {
                    var body = reader.GetString(1);
                    var scrubbed = scrub(body);
                    if (scrubbed != body)
                    {
                        changes.Add((reader.GetInt64(0), scrubbed));
                    }
                }
            }

            foreach (var (sequence, body) in changes)
            {
                await using var change = body is null
                    ? Command(connection, tx, "DELETE FROM messages WHERE seq = $seq", ("$seq", sequence))
                    : Command(connection, tx, "UPDATE messages SET body = $body WHERE seq = $seq", ("$seq", sequence), ("$body", body));
                await change.ExecuteNonQueryAsync(cancellationToken);
            }

            await tx.CommitAsync(cancellationToken);
        }

        // A running host takes short transactions all the time; the checkpoint is tried again between them for 30 seconds.
        for (var attempt = 1; !await Pipeline.Storage.Sqlite.SqliteTableStore.CheckpointAsync(connection, cancellationToken); attempt++)
        {
            if (attempt == 150)
            {
                throw new IOException("The queue database's write-ahead log could not be emptied while another process was using it; run the erasure again once it is idle.");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(200), _time, cancellationToken);
        }

        return (changes.Count(c => c.Body is not null), changes.Count(c => c.Body is null));
    }

    /// <summary>When a timer last fired, so a restart after a missed occurrence fires once as past due.</summary>
    public async Task<DateTimeOffset?> GetTimerLastRunAsync(string function, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Command(connection, null, "SELECT last_run FROM timers WHERE function = $f", ("$f", function));
        return await command.ExecuteScalarAsync(cancellationToken) is string s ? DateTimeOffset.Parse(s, CultureInfo.InvariantCulture) : null;
    }

    public async Task SetTimerLastRunAsync(string function, DateTimeOffset lastRun, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Command(connection, null,
            "INSERT INTO timers (function, last_run) VALUES ($f, $t) ON CONFLICT (function) DO UPDATE SET last_run = excluded.last_run",
            ("$f", function), ("$t", Stamp(lastRun)));
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private async Task InsertAsync(SqliteConnection connection, SqliteTransaction tx, string queue, IEnumerable<string> bodies, CancellationToken cancellationToken)
    {
        var now = Stamp(_time.GetUtcNow());
        foreach (var body in bodies)
        {
            await using var insert = Command(connection, tx,
                "INSERT INTO messages (queue, message_id, body, enqueued_at, visible_at) VALUES ($queue, $id, $body, $now, $now)",
                ("$queue", queue), ("$id", Guid.NewGuid().ToString()), ("$body", body), ("$now", now));
            await insert.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    private async Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync(cancellationToken);

        // As in the table store: in WAL mode a commit survives a crash of the process without an fsync of its own, and
        // each delivery commits twice (its lock, then its completion with the outputs). Deleted bodies are zeroed in
        // the file, as completed and scrubbed messages may hold a person's email.
        await using (var pragma = Command(connection, null, "PRAGMA synchronous = NORMAL; PRAGMA secure_delete = ON"))
        {
            await pragma.ExecuteNonQueryAsync(cancellationToken);
        }

        if (!_initialized)
        {
            await using var command = Command(connection, null, """
                PRAGMA journal_mode = WAL;
                CREATE TABLE IF NOT EXISTS messages (
                    seq INTEGER PRIMARY KEY AUTOINCREMENT,
                    queue TEXT NOT NULL,
                    message_id TEXT NOT NULL,
                    body TEXT NOT NULL,
                    enqueued_at TEXT NOT NULL,
                    visible_at TEXT NOT NULL,
                    delivery_count INTEGER NOT NULL DEFAULT 0,
                    lock_token TEXT NULL,
                    last_error TEXT NULL,
                    dead_lettered_at TEXT NULL,
                    dead_letter_reason TEXT NULL,
                    dead_letter_description TEXT NULL,
                    lock_owner TEXT NULL);
                CREATE INDEX IF NOT EXISTS messages_ready ON messages (queue, dead_lettered_at, visible_at, seq);
                CREATE TABLE IF NOT EXISTS timers (function TEXT PRIMARY KEY, last_run TEXT NOT NULL);
                """);
            await command.ExecuteNonQueryAsync(cancellationToken);

            // Queue files written before locks had owners get the column; their locks simply expire as before.
            await using (var columns = Command(connection, null, "SELECT COUNT(*) FROM pragma_table_info('messages') WHERE name = 'lock_owner'"))
            {
                if (Convert.ToInt64(await columns.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture) == 0)
                {
                    await using var alter = Command(connection, null, "ALTER TABLE messages ADD COLUMN lock_owner TEXT NULL");
                    try
                    {
                        await alter.ExecuteNonQueryAsync(cancellationToken);
                    }
                    catch (SqliteException e) when (e.Message.Contains("duplicate column", StringComparison.Ordinal))
                    {
                        // Another run added it first.
                    }
                }
            }

            _initialized = true;
        }

        return connection;
    }

    private static SqliteCommand Command(SqliteConnection connection, SqliteTransaction? tx, string sql, params (string Name, object? Value)[] parameters)
    {
        var command = connection.CreateCommand();
        command.Transaction = tx;
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        }

        return command;
    }

    // Fixed-width UTC stamps compare correctly as text.
    private static string Stamp(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture);
}
