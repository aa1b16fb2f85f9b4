using Microsoft.Extensions.Hosting;
using Pipeline.Storage;

namespace Pipeline.Core;

/// <summary>The tables Pipeline keeps, created at start.</summary>
public static class Tables
{
    public const string Candidates = "candidates";
    public const string Quarantine = "quarantine";
    public const string Feeds = "feeds";
    public const string Shortlists = "shortlists";
    public const string Effects = "effects";

    /// <summary>Strong keys of people (hashed email, badge email, phone, profile URL) and whom each belongs to.</summary>
    public const string Identities = "identities";

    /// <summary>Hiring managers' decisions per requisition, shortlist version and candidate.</summary>
    public const string Decisions = "decisions";

    /// <summary>Where reading the shared mailbox goes on from (the Inbox delta link).</summary>
    public const string Mailbox = "mailbox";

    /// <summary>Events to look into: replies from people who may not decide, replies about no shortlist.</summary>
    public const string Audit = "audit";

    /// <summary>Credential checks per person and credential URL, with when each is due again.</summary>
    public const string Verifications = "verifications";

    /// <summary>Each requisition's pool of qualifying candidates with their scores, so shortlists are ranked without reading everyone.</summary>
    public const string Pools = "pools";

    /// <summary>Hashed emails of people who were erased, so that feeds do not bring them back.</summary>
    public const string Suppressions = "suppressions";

    public static IReadOnlyList<string> All { get; } = [Candidates, Quarantine, Feeds, Shortlists, Effects, Identities, Decisions, Mailbox, Audit, Verifications, Pools, Suppressions];
}

/// <summary>
/// Creates every table before the handler listens, so no request pays for it or races on it. The handler begins it
/// as soon as the app is built, so it runs beside the checks of settings and declarations; starting the host waits for
/// it. The tables are asked for together: against Table storage that is one round trip's wait, not twelve.
/// </summary>
public sealed class StoreInitializer(ITableStore store) : IHostedService
{
    private readonly Lock _lock = new();
    private Task? _creating;

    /// <summary>Starts creating the tables, once; what <see cref="StartAsync"/> then waits for.</summary>
    public Task BeginAsync()
    {
        lock (_lock)
        {
            return _creating ??= Task.Run(() => Task.WhenAll(Tables.All.Select(table => store.GetTable(table).CreateIfNotExistsAsync())));
        }
    }

    public Task StartAsync(CancellationToken cancellationToken) => BeginAsync().WaitAsync(cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
