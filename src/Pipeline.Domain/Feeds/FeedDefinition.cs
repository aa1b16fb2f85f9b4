using System.Text.Json.Serialization;

namespace Pipeline.Domain.Feeds;

[JsonConverter(typeof(JsonStringEnumConverter<FeedKind>))]
public enum FeedKind
{
    University,
    Bootcamp,
}

[JsonConverter(typeof(JsonStringEnumConverter<FeedFormat>))]
public enum FeedFormat
{
    Csv,

    /// <summary>A JSON array of records (or one record), read with the feed's mapping.</summary>
    Json,

    /// <summary>One JSON record per line.</summary>
    Ndjson,

    /// <summary>JSON Resume (resume-schema v1) documents.</summary>
    JsonResume,
}

/// <summary>One candidate feed, as configured in <c>feeds.json</c>.</summary>
public sealed record FeedDefinition
{
    // The defaults of what the file may leave out are the constructor's, not property initialisers: the source-generated
    // reader sets every init-only property it is not given to its type's default (dotnet/runtime#84484).
    [JsonConstructor]
    public FeedDefinition(
        long maxBytes = 512L * 1024 * 1024,
        int timeoutSeconds = 100,
        int pageSize = 50,
        IReadOnlyDictionary<string, FieldMapping>? mapping = null,
        char delimiter = ',',
        string encoding = "utf-8",
        bool enabled = true,
        string schedule = "0 0 */6 * * *")
    {
        MaxBytes = maxBytes;
        TimeoutSeconds = timeoutSeconds;
        PageSize = pageSize;
        Mapping = mapping ?? new Dictionary<string, FieldMapping>();
        Delimiter = delimiter;
        Encoding = encoding;
        Enabled = enabled;
        Schedule = schedule;
    }

    public required string Id { get; init; }

    public FeedKind Kind { get; init; }

    /// <summary>Who publishes it, shown to recruiters (e.g. "Northfield University Careers Office").</summary>
    public required string Source { get; init; }

    public FeedFormat Format { get; init; }

    /// <summary>An https URL, or a file path relative to the configuration folder.</summary>
    public required string Location { get; init; }

    /// <summary>How to authenticate to an HTTPS feed; secrets are named configuration settings, never inline.</summary>
    public FeedAuth? Auth { get; init; }

    /// <summary>The most an HTTPS feed may send in one response.</summary>
    public long MaxBytes { get; init; }

    public int TimeoutSeconds { get; init; }

    public bool IsHttp => Location.StartsWith("https://", StringComparison.OrdinalIgnoreCase) || Location.StartsWith("http://", StringComparison.OrdinalIgnoreCase);

    /// <summary>Candidates per queue message.</summary>
    public int PageSize { get; init; }

    /// <summary>
    /// Where each of our fields is, where it differs from the field's name: the column header (CSV) or a dotted path
    /// (JSON, NDJSON), several joined, or the first non-empty of several (<see cref="FieldMapping"/>).
    /// </summary>
    public IReadOnlyDictionary<string, FieldMapping> Mapping { get; init; }

    /// <summary>
    /// The ISO 3166-1 alpha-2 region (<c>GB</c>, <c>US</c>) whose numbering plan reads phone numbers written without
    /// their country code. Without it, only numbers in international form become E.164 and identity keys. Left out of
    /// the JSON when absent, so a feed without it keeps its fingerprint.
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? DefaultRegion { get; init; }

    /// <summary>Where <paramref name="field"/> comes from: its mapping, or the column or property of its own name.</summary>
    public FieldMapping MappingOf(string field) => Mapping.GetValueOrDefault(field) ?? OwnName.GetValueOrDefault(field) ?? FieldMapping.Single(field);

    // Asked for every field of every row: the unmapped fields' mappings are made once.
    private static readonly Dictionary<string, FieldMapping> OwnName = CandidateFields.All.ToDictionary(f => f, FieldMapping.Single, StringComparer.Ordinal);

    /// <summary>CSV only.</summary>
    public char Delimiter { get; init; }

    /// <summary>CSV only: <c>utf-8</c> (default; a byte order mark is allowed) or <c>windows-1252</c>.</summary>
    public string Encoding { get; init; }

    public bool Enabled { get; init; }

    /// <summary>When to read the feed: an NCRONTAB expression with seconds, in UTC (default every six hours).</summary>
    public string Schedule { get; init; }

    /// <summary>JSON: the dotted path to the array of records when the response wraps it (<c>data</c>, <c>result.items</c>).</summary>
    public string? RecordsPath { get; init; }

    /// <summary>HTTPS: how to find the next page. A <c>Link: rel="next"</c> header is always followed.</summary>
    public FeedPagination? Pagination { get; init; }

    /// <summary>HTTPS: ask only for records changed since the last successful run.</summary>
    public FeedIncremental? Incremental { get; init; }

    /// <summary>
    /// Bumped when normalisation changes what a row becomes or which identity keys it brings (2: phones read by
    /// libphonenumber), so every feed is read in full once more and its records and keys are brought up to date.
    /// </summary>
    public const int ReadingRules = 2;

    /// <summary>A short hash of the definition and the reading rules: when it changes (a new mapping), the feed is read in full again.</summary>
    public string Fingerprint() =>
        Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(
            [.. System.Text.Encoding.UTF8.GetBytes($"rules {ReadingRules}\n"), .. System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(this, DomainJson.Options)]))[..16];
}

/// <summary>Where a paginated JSON feed says what comes next.</summary>
public sealed record FeedPagination
{
    /// <summary>The dotted path in each response to the next page's URL, or to a cursor if <see cref="CursorParameter"/> is set.</summary>
    public string? NextPath { get; init; }

    /// <summary>The query parameter that carries the cursor to the next request (<c>cursor</c>, <c>page_token</c>).</summary>
    public string? CursorParameter { get; init; }
}

/// <summary>An <c>updated_since</c>-style query parameter, set to when the last successful run started reading.</summary>
public sealed record FeedIncremental
{
    public required string Parameter { get; init; }
}

[JsonConverter(typeof(JsonStringEnumConverter<FeedAuthType>))]
public enum FeedAuthType
{
    None,

    /// <summary>A key sent in a header (<see cref="FeedAuth.Header"/>, default X-Api-Key).</summary>
    ApiKey,

    /// <summary>HTTP basic authentication with <see cref="FeedAuth.Username"/> and the secret as password.</summary>
    Basic,

    /// <summary>OAuth 2.0 client credentials: a bearer token from <see cref="FeedAuth.TokenUrl"/> for <see cref="FeedAuth.ClientId"/>, the secret being the client secret.</summary>
    OAuth2ClientCredentials,
}

/// <summary>Feed authentication. <see cref="Secret"/> names the app setting holding the key or password.</summary>
public sealed record FeedAuth
{
    /// <summary>The header's default is the constructor's, so the source-generated reader keeps it (see <see cref="FeedDefinition"/>).</summary>
    [JsonConstructor]
    public FeedAuth(string header = "X-Api-Key") => Header = header;

    public FeedAuthType Type { get; init; }

    public string Header { get; init; }

    public string? Username { get; init; }

    /// <summary>The name of the setting (environment variable, Key Vault reference) that holds the secret.</summary>
    public string? Secret { get; init; }

    /// <summary>OAuth2 only: the token endpoint.</summary>
    public string? TokenUrl { get; init; }

    /// <summary>OAuth2 only.</summary>
    public string? ClientId { get; init; }

    /// <summary>OAuth2 only, optional.</summary>
    public string? Scope { get; init; }
}

public sealed record FeedsDocument
{
    [JsonConstructor]
    public FeedsDocument(IReadOnlyList<FeedDefinition>? feeds = null) => Feeds = feeds ?? [];

    public IReadOnlyList<FeedDefinition> Feeds { get; init; }

    /// <summary>Every problem in the document, each naming the feed and the field.</summary>
    /// <param name="isTestHost">Whether a URL's host and port are a configured test host, the only place plain http may go.</param>
    public IReadOnlyList<string> Validate(Func<Uri, bool>? isTestHost = null)
    {
        isTestHost ??= _ => false;
        var errors = new List<string>();
        var ids = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < Feeds.Count; i++)
        {
            var feed = Feeds[i];
            var name = string.IsNullOrWhiteSpace(feed.Id) ? $"feeds[{i}]" : $"feed '{feed.Id}'";
            if (string.IsNullOrWhiteSpace(feed.Id) || !ConfigIds.IsValid(feed.Id))
            {
                errors.Add($"{name}: 'id' must be 1-64 lower-case letters, digits or dashes (got '{feed.Id}').");
            }
            else if (!ids.Add(feed.Id))
            {
                errors.Add($"{name}: 'id' is used by another feed.");
            }

            if (string.IsNullOrWhiteSpace(feed.Source))
            {
                errors.Add($"{name}: 'source' is required.");
            }

            if (string.IsNullOrWhiteSpace(feed.Location))
            {
                errors.Add($"{name}: 'location' is required.");
            }

            if (feed.IsHttp)
            {
                if (!Uri.TryCreate(feed.Location, UriKind.Absolute, out var url) || (url.Scheme != Uri.UriSchemeHttps && !isTestHost(url)))
                {
                    errors.Add($"{name}: 'location' must be an https URL (plain http only for a loopback test server listed in Pipeline:FeedTestHosts), got '{feed.Location}'.");
                }
                else if (!string.IsNullOrEmpty(url.UserInfo))
                {
                    errors.Add($"{name}: 'location' must not carry credentials; use 'auth' with a secret setting.");
                }
            }

            if (feed.Auth is { Type: not FeedAuthType.None } auth)
            {
                if (!feed.IsHttp)
                {
                    errors.Add($"{name}: 'auth' applies to https feeds only.");
                }

                if (string.IsNullOrWhiteSpace(auth.Secret))
                {
                    errors.Add($"{name}: 'auth.secret' must name the setting that holds the secret (secrets are never written in feeds.json).");
                }

                if (auth.Type == FeedAuthType.Basic && string.IsNullOrWhiteSpace(auth.Username))
                {
                    errors.Add($"{name}: 'auth.username' is required for basic authentication.");
                }

                if (auth.Type == FeedAuthType.OAuth2ClientCredentials)
                {
                    if (!Uri.TryCreate(auth.TokenUrl, UriKind.Absolute, out var tokenUrl) || (tokenUrl.Scheme != Uri.UriSchemeHttps && !isTestHost(tokenUrl)))
                    {
                        errors.Add($"{name}: 'auth.tokenUrl' must be an https URL (got '{auth.TokenUrl}').");
                    }

                    if (string.IsNullOrWhiteSpace(auth.ClientId))
                    {
                        errors.Add($"{name}: 'auth.clientId' is required for OAuth2 client credentials.");
                    }
                }
            }

            if (feed.PageSize is < 1 or > 500)
            {
                errors.Add($"{name}: 'pageSize' must be between 1 and 500 (got {feed.PageSize}).");
            }

            if (feed.Encoding.ToLowerInvariant() is not ("utf-8" or "utf8" or "windows-1252" or "cp1252"))
            {
                errors.Add($"{name}: 'encoding' must be utf-8 or windows-1252 (got '{feed.Encoding}').");
            }

            try
            {
                _ = Scheduling.CronSchedule.Parse(feed.Schedule);
            }
            catch (FormatException e)
            {
                errors.Add($"{name}: 'schedule' is not a valid NCRONTAB expression with seconds: {e.Message}");
            }

            var json = feed.Format is FeedFormat.Json or FeedFormat.JsonResume;
            if (feed.RecordsPath is not null && !json)
            {
                errors.Add($"{name}: 'recordsPath' applies to json and jsonResume feeds only.");
            }

            if (feed.Pagination is { } pagination)
            {
                if (!feed.IsHttp)
                {
                    errors.Add($"{name}: 'pagination' applies to https feeds only.");
                }

                if (pagination.NextPath is not null && !json)
                {
                    errors.Add($"{name}: 'pagination.nextPath' applies to json and jsonResume feeds; csv and ndjson feeds paginate with Link headers.");
                }

                if (pagination.CursorParameter is not null && pagination.NextPath is null)
                {
                    errors.Add($"{name}: 'pagination.cursorParameter' needs 'pagination.nextPath', where the cursor is found.");
                }
            }

            if (feed.Incremental is { } incremental && (!feed.IsHttp || string.IsNullOrWhiteSpace(incremental.Parameter)))
            {
                errors.Add($"{name}: 'incremental.parameter' must name a query parameter, and applies to https feeds only.");
            }

            if (feed.DefaultRegion is not null && !Candidates.Phones.IsKnownRegion(feed.DefaultRegion))
            {
                var hint = feed.DefaultRegion.Equals("UK", StringComparison.OrdinalIgnoreCase) ? " (the United Kingdom is GB)" : "";
                errors.Add($"{name}: 'defaultRegion' must be an ISO 3166-1 alpha-2 region code such as GB or US (got '{feed.DefaultRegion}'){hint}.");
            }

            if (feed.Format == FeedFormat.JsonResume && feed.Mapping.Count > 0)
            {
                // Read by the schema's own places (basics.name, basics.email, certificates[].url…); left unread, a
                // mapping would look as if it took effect.
                errors.Add($"{name}: 'mapping' applies to csv, json and ndjson feeds; a jsonResume feed is read by the JSON Resume schema. Remove 'mapping', or read the file as 'json' with a mapping.");
            }

            foreach (var (field, mapping) in feed.Mapping)
            {
                if (!CandidateFields.All.Contains(field))
                {
                    errors.Add($"{name}: 'mapping' names unknown field '{field}'; known fields: {string.Join(", ", CandidateFields.All)}.");
                }
                else if (mapping is null || mapping.Sources.Count == 0)
                {
                    errors.Add($"{name}: 'mapping.{field}' names no {(json || feed.Format == FeedFormat.Ndjson ? "path" : "column")}; name at least one.");
                }
                else if (mapping.Sources.Any(string.IsNullOrWhiteSpace))
                {
                    errors.Add($"{name}: 'mapping.{field}' names an empty {(json || feed.Format == FeedFormat.Ndjson ? "path" : "column")}.");
                }
                else if (mapping.Kind == FieldMappingKind.Join && field is CandidateFields.Email or CandidateFields.GraduationDate)
                {
                    errors.Add($"{name}: 'mapping.{field}' cannot join several into one {field}; use {{\"firstOf\": [...]}} to take the first that has one.");
                }
            }
        }

        return errors;
    }
}

/// <summary>The fields a feed row can carry.</summary>
public static class CandidateFields
{
    public const string Email = "email";
    public const string Name = "name";
    public const string Phone = "phone";
    public const string Location = "location";
    public const string Institution = "institution";
    public const string Program = "program";
    public const string GraduationDate = "graduationDate";
    public const string Skills = "skills";
    public const string Certifications = "certifications";
    public const string ProfileUrl = "profileUrl";

    /// <summary>A security clearance the candidate states (e.g. <c>SC</c>, <c>Secret</c>), for requisitions that need one.</summary>
    public const string Clearance = "clearance";

    public static IReadOnlySet<string> All { get; } = new HashSet<string>(StringComparer.Ordinal)
    {
        Email, Name, Phone, Location, Institution, Program, GraduationDate, Skills, Certifications, ProfileUrl, Clearance,
    };

    /// <summary>The fields that hold lists: joining several columns or paths gives one list after another.</summary>
    public static bool IsList(string field) => field is Skills or Certifications or ProfileUrl;

    /// <summary>The items of a list field written as text: skills separated by <c>;</c>, <c>|</c> or <c>,</c>; certifications by <c>;</c> or <c>|</c>; one URL.</summary>
    public static IReadOnlyList<string> Split(string field, string? text) =>
        string.IsNullOrWhiteSpace(text) ? []
        : field switch
        {
            Skills => text.Split([';', '|', ','], StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries),
            Certifications => text.Split([';', '|'], StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries),
            _ => [text],
        };
}

public static class ConfigIds
{
    public static bool IsValid(string id) =>
        id.Length is > 0 and <= 64 && id.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-') && id[0] != '-';
}
