using System.Globalization;
using System.Text.Json;
using Pipeline.Domain.Certifications;
using Pipeline.Domain.Feeds;
using Pipeline.Domain.Requisitions;

namespace Pipeline.Core.Configuration;

/// <summary>
/// Reads a configuration document that is entirely as it should be, straight from a <see cref="JsonDocument"/>. Every
/// start (each scale-out) reads feeds.json, requisitions.json and the catalogue before it answers, and the serializer's
/// contracts, even generated ones, cost most of that start in first-use work (#20). This reader knows each document's
/// shape by hand, takes only what the strict reader (<see cref="ConfigFile"/>) would take without a single problem,
/// and gives up at the first thing it is not sure of; the strict reader then reads the file and names every problem.
/// So the strict reader stays the only one that judges a file, and this one only ever agrees with it
/// (ConfigFastReaderTests, and every test that reads configuration, hold the two to the same result).
/// </summary>
internal static class ConfigFastReader
{
    private static readonly JsonDocumentOptions DocumentOptions = new() { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip };

    /// <summary>The document, or null when anything in it is for the strict reader to judge.</summary>
    public static T? TryRead<T>(ReadOnlyMemory<byte> json)
        where T : class
    {
        Func<JsonElement, object>? read =
            typeof(T) == typeof(FeedsDocument) ? root => new FeedsDocument(List(Property(root, "feeds", "feeds"), Feed)) :
            typeof(T) == typeof(RequisitionsDocument) ? root => new RequisitionsDocument(List(Property(root, "requisitions", "requisitions"), Requisition)) :
            typeof(T) == typeof(CertificationCatalogue) ? Catalogue :
            null;
        if (read is null)
        {
            return null;
        }

        try
        {
            using var document = JsonDocument.Parse(json, DocumentOptions);
            return document.RootElement.ValueKind == JsonValueKind.Object ? (T)read(document.RootElement) : null;
        }
        catch (Exception e) when (e is NotSure or JsonException)
        {
            return null;
        }
    }

    /// <summary>Something only the strict reader may judge.</summary>
    private sealed class NotSure : Exception;

    private static FeedDefinition Feed(JsonElement e)
    {
        Known(e, "id", "kind", "source", "format", "location", "auth", "maxBytes", "timeoutSeconds", "pageSize", "mapping",
            "defaultRegion", "delimiter", "encoding", "enabled", "schedule", "recordsPath", "pagination", "incremental");
        var defaults = new FeedDefinition { Id = "", Source = "", Location = "" };
        return new FeedDefinition(
            maxBytes: Long(e, "maxBytes") ?? defaults.MaxBytes,
            timeoutSeconds: Int(e, "timeoutSeconds") ?? defaults.TimeoutSeconds,
            pageSize: Int(e, "pageSize") ?? defaults.PageSize,
            mapping: Has(e, "mapping", out var mapping) ? Mapping(mapping) : null,
            delimiter: Char(e, "delimiter") ?? defaults.Delimiter,
            encoding: Text(e, "encoding") ?? defaults.Encoding,
            enabled: Bool(e, "enabled") ?? defaults.Enabled,
            schedule: Text(e, "schedule") ?? defaults.Schedule)
        {
            Id = Required(e, "id"),
            Kind = Enum<FeedKind>(e, "kind") ?? default,
            Source = Required(e, "source"),
            Format = Enum<FeedFormat>(e, "format") ?? default,
            Location = Required(e, "location"),
            Auth = Has(e, "auth", out var auth) ? Auth(auth) : null,
            DefaultRegion = Text(e, "defaultRegion"),
            RecordsPath = Text(e, "recordsPath"),
            Pagination = Has(e, "pagination", out var pagination) ? Pagination(pagination) : null,
            Incremental = Has(e, "incremental", out var incremental) ? Incremental(incremental) : null,
        };
    }

    private static FeedAuth Auth(JsonElement e)
    {
        Known(e, "type", "header", "username", "secret", "tokenUrl", "clientId", "scope");
        return new FeedAuth(Text(e, "header") ?? new FeedAuth().Header)
        {
            Type = Enum<FeedAuthType>(e, "type") ?? default,
            Username = Text(e, "username"),
            Secret = Text(e, "secret"),
            TokenUrl = Text(e, "tokenUrl"),
            ClientId = Text(e, "clientId"),
            Scope = Text(e, "scope"),
        };
    }

    private static FeedPagination Pagination(JsonElement e)
    {
        Known(e, "nextPath", "cursorParameter");
        return new FeedPagination { NextPath = Text(e, "nextPath"), CursorParameter = Text(e, "cursorParameter") };
    }

    private static FeedIncremental Incremental(JsonElement e)
    {
        Known(e, "parameter");
        return new FeedIncremental { Parameter = Required(e, "parameter") };
    }

    private static Dictionary<string, FieldMapping> Mapping(JsonElement e)
    {
        var mapping = new Dictionary<string, FieldMapping>();
        foreach (var field in Object(e).EnumerateObject())
        {
            var sources = field.Value.ValueKind switch
            {
                JsonValueKind.String => null,
                JsonValueKind.Array => Texts(field.Value),
                JsonValueKind.Object when field.Value.GetPropertyCount() == 1 && field.Value.TryGetProperty("firstOf", out var firstOf) => Texts(firstOf),
                _ => throw new NotSure(),
            };
            var value = sources is null ? FieldMapping.Single(field.Value.GetString()!)
                : field.Value.ValueKind == JsonValueKind.Array ? FieldMapping.Join(sources) : FieldMapping.FirstOf(sources);
            if (!mapping.TryAdd(field.Name, value))
            {
                throw new NotSure();
            }
        }

        return mapping;
    }

    private static Requisition Requisition(JsonElement e)
    {
        Known(e, "id", "title", "status", "hiringManager", "recruiters", "requiredSkills", "preferredSkills", "certifications",
            "domainKnowledge", "location", "availability", "clearance", "shortlistSize", "minimumScore", "blindMode", "delegates",
            "reminderDays", "escalationDays");
        var defaults = new Requisition { Id = "", Title = "", HiringManager = new Contact("") };
        return new Requisition(
            recruiters: Has(e, "recruiters", out var recruiters) ? Texts(recruiters) : null,
            requiredSkills: Has(e, "requiredSkills", out var required) ? List(required, Skill) : null,
            preferredSkills: Has(e, "preferredSkills", out var preferred) ? List(preferred, Skill) : null,
            certifications: Has(e, "certifications", out var certifications) ? List(certifications, CertificationRequirement) : null,
            domainKnowledge: Has(e, "domainKnowledge", out var domains) ? List(domains, DomainRequirement) : null,
            shortlistSize: Int(e, "shortlistSize") ?? defaults.ShortlistSize,
            blindMode: Bool(e, "blindMode") ?? defaults.BlindMode,
            delegates: Has(e, "delegates", out var delegates) ? List(delegates, Contact) : null,
            reminderDays: Int(e, "reminderDays") ?? defaults.ReminderDays,
            escalationDays: Int(e, "escalationDays") ?? defaults.EscalationDays)
        {
            Id = Required(e, "id"),
            Title = Required(e, "title"),
            Status = Enum<RequisitionStatus>(e, "status") ?? default,
            HiringManager = Has(e, "hiringManager", out var manager) ? Contact(manager) : throw new NotSure(),
            Location = Has(e, "location", out var location) ? LocationRequirement(location) : null,
            Availability = Has(e, "availability", out var availability) ? AvailabilityRequirement(availability) : null,
            Clearance = Has(e, "clearance", out var clearance) ? ClearanceRequirement(clearance) : null,
            MinimumScore = Double(e, "minimumScore") ?? default,
        };
    }

    private static Contact Contact(JsonElement e)
    {
        Known(e, "email", "name");
        return new Contact(Required(e, "email"), Text(e, "name"));
    }

    private static SkillRequirement Skill(JsonElement e)
    {
        if (e.ValueKind == JsonValueKind.String)
        {
            return new SkillRequirement(e.GetString()!);
        }

        Known(e, "name", "weight");
        return new SkillRequirement(Required(e, "name"), Double(e, "weight"));
    }

    private static CertificationRequirement CertificationRequirement(JsonElement e)
    {
        Known(e, "id", "required", "acceptSuccessors", "verifiedOnly", "weight");
        return new CertificationRequirement(Bool(e, "acceptSuccessors") ?? new CertificationRequirement { Id = "" }.AcceptSuccessors)
        {
            Id = Required(e, "id"),
            Required = Bool(e, "required") ?? default,
            VerifiedOnly = Bool(e, "verifiedOnly") ?? default,
            Weight = Double(e, "weight"),
        };
    }

    private static DomainRequirement DomainRequirement(JsonElement e)
    {
        Known(e, "name", "keywords", "required", "weight");
        return new DomainRequirement(Has(e, "keywords", out var keywords) ? Texts(keywords) : null)
        {
            Name = Required(e, "name"), Required = Bool(e, "required") ?? default, Weight = Double(e, "weight"),
        };
    }

    private static LocationRequirement LocationRequirement(JsonElement e)
    {
        Known(e, "mode", "places", "required", "weight");
        return new LocationRequirement(Has(e, "places", out var places) ? Texts(places) : null)
        {
            Mode = Enum<WorkMode>(e, "mode") ?? default, Required = Bool(e, "required") ?? default, Weight = Double(e, "weight"),
        };
    }

    private static AvailabilityRequirement AvailabilityRequirement(JsonElement e)
    {
        Known(e, "start", "durationMonths", "required", "weight");
        return new AvailabilityRequirement
        {
            Start = Date(e, "start") ?? throw new NotSure(),
            DurationMonths = Int(e, "durationMonths"),
            Required = Bool(e, "required") ?? default,
            Weight = Double(e, "weight"),
        };
    }

    private static ClearanceRequirement ClearanceRequirement(JsonElement e)
    {
        Known(e, "level", "required", "weight");
        return new ClearanceRequirement { Level = Required(e, "level"), Required = Bool(e, "required") ?? default, Weight = Double(e, "weight") };
    }

    private static CertificationCatalogue Catalogue(JsonElement e)
    {
        Known(e, "version", "certifications", "$comment");
        return new CertificationCatalogue(Text(e, "version") ?? "", Has(e, "certifications", out var entries) ? List(entries, CertificationEntry) : null)
        {
            Comment = Text(e, "$comment"),
        };
    }

    private static CertificationEntry CertificationEntry(JsonElement e)
    {
        Known(e, "id", "vendor", "name", "examCode", "issuers", "namePatterns", "validityMonths", "doesNotExpire", "retired",
            "successor", "noSuccessor", "source", "checked", "unconfirmed", "note");
        return new CertificationEntry(
            issuers: Has(e, "issuers", out var issuers) ? Texts(issuers) : null,
            namePatterns: Has(e, "namePatterns", out var patterns) ? Texts(patterns) : null,
            unconfirmed: Has(e, "unconfirmed", out var unconfirmed) ? Texts(unconfirmed) : null)
        {
            Id = Required(e, "id"),
            Vendor = Required(e, "vendor"),
            Name = Required(e, "name"),
            ExamCode = Text(e, "examCode"),
            ValidityMonths = Int(e, "validityMonths"),
            DoesNotExpire = Bool(e, "doesNotExpire") ?? default,
            Retired = Date(e, "retired"),
            Successor = Text(e, "successor"),
            NoSuccessor = Bool(e, "noSuccessor") ?? default,
            Source = Text(e, "source"),
            Checked = Date(e, "checked"),
            Note = Text(e, "note"),
        };
    }

    // The object's keys, exactly as spelled (the strict reader names any other key, or a key given twice, as a problem).
    private static void Known(JsonElement e, params ReadOnlySpan<string> names)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var property in Object(e).EnumerateObject())
        {
            if (!names.Contains(property.Name) || !seen.Add(property.Name))
            {
                throw new NotSure();
            }
        }
    }

    private static JsonElement Object(JsonElement e) => e.ValueKind == JsonValueKind.Object ? e : throw new NotSure();

    private static JsonElement Property(JsonElement e, string name, params ReadOnlySpan<string> known)
    {
        Known(e, known);
        return e.TryGetProperty(name, out var value) ? value : throw new NotSure();
    }

    // Present and not null; a null is the strict reader's to judge.
    private static bool Has(JsonElement e, string name, out JsonElement value) =>
        e.TryGetProperty(name, out value) && (value.ValueKind != JsonValueKind.Null ? true : throw new NotSure());

    private static List<T> List<T>(JsonElement e, Func<JsonElement, T> read)
    {
        if (e.ValueKind != JsonValueKind.Array)
        {
            throw new NotSure();
        }

        var list = new List<T>(e.GetArrayLength());
        foreach (var item in e.EnumerateArray())
        {
            list.Add(read(item));
        }

        return list;
    }

    private static List<string> Texts(JsonElement e) => List(e, item => item.ValueKind == JsonValueKind.String ? item.GetString()! : throw new NotSure());

    private static string Required(JsonElement e, string name) => Text(e, name) ?? throw new NotSure();

    private static string? Text(JsonElement e, string name) =>
        !Has(e, name, out var value) ? null : value.ValueKind == JsonValueKind.String ? value.GetString() : throw new NotSure();

    private static int? Int(JsonElement e, string name) =>
        !Has(e, name, out var value) ? null : value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var number) ? number : throw new NotSure();

    private static long? Long(JsonElement e, string name) =>
        !Has(e, name, out var value) ? null : value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var number) ? number : throw new NotSure();

    private static double? Double(JsonElement e, string name) =>
        !Has(e, name, out var value) ? null
        : value.ValueKind == JsonValueKind.Number && value.TryGetDouble(out var number) && double.IsFinite(number) ? number : throw new NotSure();

    private static bool? Bool(JsonElement e, string name) =>
        !Has(e, name, out var value) ? null : value.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => throw new NotSure(),
        };

    private static char? Char(JsonElement e, string name) =>
        Text(e, name) is not { } text ? null : text.Length == 1 ? text[0] : throw new NotSure();

    // Only the plain ISO 8601 date the serializer reads.
    private static DateOnly? Date(JsonElement e, string name) =>
        Text(e, name) is not { } text ? null
        : DateOnly.TryParseExact(text, "yyyy'-'MM'-'dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date) ? date : throw new NotSure();

    // A member's name in any case, as the serializer reads it; never a number or a list of names.
    private static T? Enum<T>(JsonElement e, string name)
        where T : struct, Enum
    {
        if (Text(e, name) is not { } text)
        {
            return null;
        }

        return System.Enum.GetNames(typeof(T)).Contains(text, StringComparer.OrdinalIgnoreCase) && System.Enum.TryParse<T>(text, ignoreCase: true, out var member)
            ? member
            : throw new NotSure();
    }
}
