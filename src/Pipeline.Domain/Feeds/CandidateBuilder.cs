using Pipeline.Domain.Candidates;

namespace Pipeline.Domain.Feeds;

/// <summary>Where a row's values come from: a text per field, and for list fields possibly a list.</summary>
public interface IFieldSource
{
    string? Text(string field);

    /// <summary>A list value, where the format has real lists (JSON arrays); null means "use <see cref="Text"/> and split it".</summary>
    IReadOnlyList<string>? List(string field) => null;

    /// <summary>Certifications given as objects (JSON); null means "names only".</summary>
    IReadOnlyList<ClaimedCertification>? Certifications() => null;
}

/// <summary>Builds a normalised candidate from one row's fields, the same way for every format.</summary>
public static class CandidateBuilder
{
    /// <param name="row">The row's fields.</param>
    /// <param name="defaultRegion">The feed's region for phone numbers written without their country code.</param>
    /// <exception cref="FieldException">A field cannot be accepted; the row goes to quarantine.</exception>
    public static CandidateRecord Build(IFieldSource row, string? defaultRegion = null) => new()
    {
        Email = Normalizer.Email(row.Text(CandidateFields.Email)),
        Name = Normalizer.Name(row.Text(CandidateFields.Name)),
        Phone = Normalizer.Phone(row.Text(CandidateFields.Phone), defaultRegion),
        Location = Normalizer.Text(row.Text(CandidateFields.Location), CandidateFields.Location),
        Institution = Normalizer.Text(row.Text(CandidateFields.Institution), CandidateFields.Institution),
        Program = Normalizer.Text(row.Text(CandidateFields.Program), CandidateFields.Program),
        GraduationDate = Normalizer.Date(row.Text(CandidateFields.GraduationDate), CandidateFields.GraduationDate),
        Skills = row.List(CandidateFields.Skills) is { } skills ? Normalizer.Skills(skills) : Normalizer.SkillList(row.Text(CandidateFields.Skills)),
        Certifications = row.Certifications() ?? CertificationNames(row.List(CandidateFields.Certifications), row.Text(CandidateFields.Certifications)),
        ProfileUrls = ((IEnumerable<string?>?)row.List(CandidateFields.ProfileUrl) ?? [row.Text(CandidateFields.ProfileUrl)])
            .Select(u => Normalizer.Url(u, CandidateFields.ProfileUrl))
            .OfType<string>()
            .Distinct()
            .ToList(),
        Clearance = Normalizer.Text(row.Text(CandidateFields.Clearance), CandidateFields.Clearance),
    };

    private static IReadOnlyList<ClaimedCertification> CertificationNames(IReadOnlyList<string>? list, string? text) =>
        (list ?? CandidateFields.Split(CandidateFields.Certifications, text))
            .Select(name => Normalizer.Text(name, CandidateFields.Certifications))
            .OfType<string>()
            .Select(name => new ClaimedCertification(name))
            .ToList();
}
