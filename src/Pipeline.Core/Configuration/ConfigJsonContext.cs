using System.Text.Json;
using System.Text.Json.Serialization;
using Pipeline.Domain.Certifications;
using Pipeline.Domain.Feeds;
using Pipeline.Domain.Requisitions;

namespace Pipeline.Core.Configuration;

/// <summary>
/// The configuration documents' contracts, generated at build time. Built by reflection they were most of the
/// handler's start-up work (#20); every start (each scale-out) reads these documents before it answers.
/// Web names (camelCase), comments and trailing commas allowed, numbers never read from text, unknown keys refused.
/// </summary>
[JsonSourceGenerationOptions(
    JsonSerializerDefaults.Web,
    AllowTrailingCommas = true,
    ReadCommentHandling = JsonCommentHandling.Skip,
    NumberHandling = JsonNumberHandling.Strict,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow)]
[JsonSerializable(typeof(FeedsDocument))]
[JsonSerializable(typeof(RequisitionsDocument))]
[JsonSerializable(typeof(CertificationCatalogue))]
[JsonSerializable(typeof(Dictionary<string, FieldMapping>))]
internal sealed partial class ConfigJsonContext : JsonSerializerContext;
