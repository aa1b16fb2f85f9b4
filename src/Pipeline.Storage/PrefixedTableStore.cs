namespace Pipeline.Storage;

/// <summary>Puts a prefix before every table name, so several environments can share one storage account.</summary>
public sealed class PrefixedTableStore(ITableStore inner, string prefix) : ITableStore
{
    public ITable GetTable(string name) => inner.GetTable(prefix + name);

    public Task PurgeDeletedAsync(CancellationToken cancellationToken = default) => inner.PurgeDeletedAsync(cancellationToken);
}
