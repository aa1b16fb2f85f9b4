using System.Text.Json;
using Pipeline.Functions.Hosting;

namespace Pipeline.Functions.Tests.Hosting;

public sealed class MetadataValuesTests
{
    private static Dictionary<string, JsonElement> Metadata(string json) =>
        JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(json)!;

    [Theory]
    [InlineData("""{ "MessageId": "\"3f1d8c52\"" }""", "3f1d8c52")]
    [InlineData("""{ "MessageId": "plain" }""", "plain")]
    [InlineData("""{ "MessageId": "\"with \\\"escape\\\"\"" }""", "with \"escape\"")]
    [InlineData("""{ }""", null)]
    public void GetString_UnquotesDoubleQuotedScalars(string json, string? expected) =>
        Assert.Equal(expected, MetadataValues.GetString(Metadata(json), "MessageId"));

    [Theory]
    [InlineData("""{ "DeliveryCount": "3" }""", 3)]
    [InlineData("""{ "DeliveryCount": 4 }""", 4)]
    [InlineData("""{ "DeliveryCount": "x" }""", null)]
    public void GetInt32_AcceptsStringsAndNumbers(string json, int? expected) =>
        Assert.Equal(expected, MetadataValues.GetInt32(Metadata(json), "DeliveryCount"));

    [Fact]
    public void GetDateTimeOffset_ReadsTheHostsZoneLessUtcStamps() =>
        Assert.Equal(new DateTimeOffset(2026, 11, 22, 12, 0, 1, TimeSpan.Zero),
            MetadataValues.GetDateTimeOffset(Metadata("""{ "EnqueuedTimeUtc": "2026-11-22T12:00:01" }"""), "EnqueuedTimeUtc"));
}
