using System.Runtime.CompilerServices;
using System.Text.Json;
using Pipeline.Domain.Candidates;

namespace Pipeline.Domain.Feeds;

/// <summary>
/// Reads JSON Resume (resume-schema v1) documents: a JSON array of resumes, streamed element by element, or a single
/// resume. Positions are 1-based indexes into the array.
/// </summary>
public static class JsonResumeFeedParser
{
    public static async IAsyncEnumerable<FeedRow> ParseAsync(
        Stream stream, FeedDefinition feed, FeedResume? resume, FeedDocumentInfo info, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var seen = new DuplicateTracker();
        await foreach (var item in JsonItems.ReadAsync(stream, feed, resume, info, cancellationToken).ConfigureAwait(false))
        {
            yield return (item.Failure is null
                ? ToRow(item.Element, item.Position, feed.DefaultRegion, seen)
                : new RejectedRow(item.Position, item.Fatal ? "document" : "resume", item.Failure, null)) with { Next = item.Next };
        }
    }

    private static FeedRow ToRow(JsonElement resume, long position, string? defaultRegion, DuplicateTracker seen)
    {
        var excerpt = RejectedRow.Cut(resume.ValueKind == JsonValueKind.Undefined ? null : resume.GetRawText());
        if (resume.ValueKind != JsonValueKind.Object)
        {
            return new RejectedRow(position, "resume", $"expected a resume object, found a JSON {resume.ValueKind}", excerpt);
        }

        try
        {
            var candidate = CandidateBuilder.Build(new ResumeRow(resume), defaultRegion);
            return seen.IsDuplicate(candidate.Email, position) is { } first
                ? new RejectedRow(position, CandidateFields.Email, $"duplicate of entry {first} in the same document", excerpt)
                : new AcceptedRow(position, candidate);
        }
        catch (FieldException e)
        {
            return new RejectedRow(position, e.Field, e.Reason, excerpt);
        }
    }

    private static JsonElement? Object(JsonElement? parent, string name) =>
        parent is { ValueKind: JsonValueKind.Object } p && p.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Object ? v : null;

    private static IEnumerable<JsonElement> Array(JsonElement? parent, string name) =>
        parent is { ValueKind: JsonValueKind.Object } p && p.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Array
            ? v.EnumerateArray()
            : [];

    private static string? String(JsonElement? parent, string name, string field)
    {
        if (parent is not { ValueKind: JsonValueKind.Object } p || !p.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        return v.ValueKind == JsonValueKind.String ? v.GetString() : throw new FieldException(field, $"'{name}' must be a string, not a JSON {v.ValueKind}");
    }

    private static string? Location(JsonElement? basics)
    {
        var location = Object(basics, "location");
        var parts = new[] { String(location, "city", "location"), String(location, "region", "location"), String(location, "countryCode", "location") }
            .Where(p => !string.IsNullOrWhiteSpace(p));
        var text = string.Join(", ", parts);
        return text.Length == 0 ? null : text;
    }

    /// <summary>The education entry that ends last (or has no end date yet, i.e. is current).</summary>
    private static JsonElement? LatestEducation(JsonElement resume) =>
        Array(resume, "education")
            .Where(e => e.ValueKind == JsonValueKind.Object)
            .OrderByDescending(e => e.TryGetProperty("endDate", out var d) && d.ValueKind == JsonValueKind.String ? d.GetString() : "9999")
            .Select(e => (JsonElement?)e)
            .FirstOrDefault();

    private static string? Program(JsonElement? education)
    {
        var parts = new[] { String(education, "studyType", "program"), String(education, "area", "program") }.Where(p => !string.IsNullOrWhiteSpace(p));
        var text = string.Join(", ", parts);
        return text.Length == 0 ? null : text;
    }

    private static IEnumerable<string> Skills(JsonElement resume)
    {
        foreach (var skill in Array(resume, "skills"))
        {
            if (String(skill, "name", "skills") is { } name)
            {
                yield return name;
            }

            foreach (var keyword in Array(skill, "keywords"))
            {
                if (keyword.ValueKind == JsonValueKind.String)
                {
                    yield return keyword.GetString()!;
                }
            }
        }
    }

    /// <summary>
    /// <c>certificates[]</c> of resume-schema v1, each with an optional extension block for verification:
    /// <c>"credential": {"badgeUrl", "credentialId", "badgeEmail"}</c> (the badge URL wins over <c>url</c>).
    /// </summary>
    private static IReadOnlyList<ClaimedCertification> Certificates(JsonElement resume) =>
        Array(resume, "certificates")
            .Select(c =>
            {
                if (String(c, "name", CandidateFields.Certifications) is not { } name)
                {
                    return null;
                }

                var credential = Object(c, "credential");
                return new ClaimedCertification(
                    Normalizer.Text(name, CandidateFields.Certifications)!,
                    Normalizer.Text(String(c, "issuer", CandidateFields.Certifications), CandidateFields.Certifications),
                    Normalizer.Url(String(credential, "badgeUrl", CandidateFields.Certifications) ?? String(c, "url", CandidateFields.Certifications), CandidateFields.Certifications),
                    Normalizer.Date(String(c, "date", CandidateFields.Certifications), CandidateFields.Certifications))
                {
                    CredentialId = Normalizer.Text(String(credential, "credentialId", CandidateFields.Certifications), CandidateFields.Certifications, 200),
                    BadgeEmail = Normalizer.OptionalEmail(String(credential, "badgeEmail", CandidateFields.Certifications), CandidateFields.Certifications),
                };
            })
            .OfType<ClaimedCertification>()
            .ToList();

    private static IReadOnlyList<string> ProfileUrls(JsonElement? basics) =>
        new[] { String(basics, "url", CandidateFields.ProfileUrl) }
            .Concat(Array(basics, "profiles").Select(p => String(p, "url", CandidateFields.ProfileUrl)))
            .OfType<string>()
            .ToList();

    /// <summary>Where each of our fields is in a resume-schema v1 document; <see cref="CandidateBuilder"/> does the rest.</summary>
    private sealed class ResumeRow(JsonElement resume) : IFieldSource
    {
        private readonly JsonElement? _basics = Object(resume, "basics");
        private readonly JsonElement? _education = LatestEducation(resume);

        public string? Text(string field) => field switch
        {
            CandidateFields.Email => String(_basics, "email", field),
            CandidateFields.Name => String(_basics, "name", field),
            CandidateFields.Phone => String(_basics, "phone", field),
            CandidateFields.Location => Location(_basics),
            CandidateFields.Institution => String(_education, "institution", field),
            CandidateFields.Program => Program(_education),
            CandidateFields.GraduationDate => String(_education, "endDate", field),
            _ => null,
        };

        public IReadOnlyList<string>? List(string field) => field switch
        {
            CandidateFields.Skills => Skills(resume).ToList(),
            CandidateFields.ProfileUrl => ProfileUrls(_basics),
            CandidateFields.Certifications => [],
            _ => null,
        };

        public IReadOnlyList<ClaimedCertification>? Certifications() => Certificates(resume);
    }
}
