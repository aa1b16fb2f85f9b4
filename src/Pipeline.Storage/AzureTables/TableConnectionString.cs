namespace Pipeline.Storage.AzureTables;

/// <summary>Reads a storage connection string: the Table endpoint and, if given, the account key.</summary>
public sealed record TableConnectionString(Uri Endpoint, TableSharedKeyCredential? Credential)
{
    /// <summary>Azurite's documented, public development account.</summary>
    public const string DevelopmentAccountName = "devstoreaccount1";
    public const string DevelopmentAccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    public static TableConnectionString Parse(string connectionString)
    {
        var parts = connectionString.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(p => p.Split('=', 2))
            .Where(p => p.Length == 2)
            .ToDictionary(p => p[0], p => p[1], StringComparer.OrdinalIgnoreCase);

        if (parts.TryGetValue("UseDevelopmentStorage", out var dev) && bool.TryParse(dev, out var isDev) && isDev)
        {
            return new TableConnectionString(
                new Uri($"http://127.0.0.1:10002/{DevelopmentAccountName}"),
                new TableSharedKeyCredential(DevelopmentAccountName, DevelopmentAccountKey));
        }

        parts.TryGetValue("AccountName", out var account);
        var credential = account is not null && parts.TryGetValue("AccountKey", out var key) ? new TableSharedKeyCredential(account, key) : null;
        if (parts.TryGetValue("TableEndpoint", out var endpoint))
        {
            return new TableConnectionString(new Uri(endpoint.TrimEnd('/')), credential);
        }

        if (account is null)
        {
            throw new FormatException("The storage connection string has neither TableEndpoint nor AccountName.");
        }

        var protocol = parts.GetValueOrDefault("DefaultEndpointsProtocol", "https");
        var suffix = parts.GetValueOrDefault("EndpointSuffix", "core.windows.net");
        return new TableConnectionString(new Uri($"{protocol}://{account}.table.{suffix}"), credential);
    }
}
