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
    public static CandidateRecord Build(IFieldSource row, string? defaultRegion = null) => TryBuild(row, out var problem, defaultRegion) ?? throw problem!;

    /// <summary>The candidate, or null and why the row goes to quarantine; the commonest reason, a bad email, is found without throwing.</summary>
    public static CandidateRecord? TryBuild(IFieldSource row, out FieldException? problem, string? defaultRegion = null)
    {
        try
        {
            problem = Normalizer.TryEmail(row.Text(CandidateFields.Email), out var email);
            return problem is null ? Fields(row, email, defaultRegion) : null;
        }
        catch (FieldException e)
        {
            problem = e;
            return null;
        }
    }

    private static CandidateRecord Fields(IFieldSource row, string email, string? defaultRegion) => new()
    {
        Email = email,
        Name = Normalizer.Name(row.Text(CandidateFields.Name)),
        Phone = Normalizer.Phone(row.Text(CandidateFields.Phone), defaultRegion),
        Location = Normalizer.Text(row.Text(CandidateFields.Location), CandidateFields.Location),
        Institution = Normalizer.Text(row.Text(CandidateFields.Institution), CandidateFields.Institution),
        Program = Normalizer.Text(row.Text(CandidateFields.Program), CandidateFields.Program),
        GraduationDate = Normalizer.Date(row.Text(CandidateFields.GraduationDate), CandidateFields.GraduationDate),
        Skills = row.List(CandidateFields.Skills) is { } skills ? Normalizer.Skills(skills) : Normalizer.SkillList(row.Text(CandidateFields.Skills)),
        Certifications = row.Certifications() ?? CertificationNames(row),
        ProfileUrls = ProfileUrls(row),
        Clearance = Normalizer.Text(row.Text(CandidateFields.Clearance), CandidateFields.Clearance),
    };

    // Loops rather than LINQ here: these run for every row, and most rows have one URL and no certification.
    private static List<string> ProfileUrls(IFieldSource row)
    {
        var urls = new List<string>(1);
        if (row.List(CandidateFields.ProfileUrl) is { } list)
        {
            foreach (var raw in list)
            {
                Add(raw);
            }
        }
        else
        {
            Add(row.Text(CandidateFields.ProfileUrl));
        }

        return urls;

        void Add(string? raw)
        {
            if (Normalizer.Url(raw, CandidateFields.ProfileUrl) is { } url && !urls.Contains(url))
            {
                urls.Add(url);
            }
        }
    }

    private static List<ClaimedCertification> CertificationNames(IFieldSource row)
    {
        // The text is read only when there is no list: a JSON array of names is a list, not text of the wrong type.
        IReadOnlyList<string> names = row.List(CandidateFields.Certifications)
            ?? CandidateFields.Split(CandidateFields.Certifications, row.Text(CandidateFields.Certifications));
        var certifications = new List<ClaimedCertification>(names.Count);
        foreach (var raw in names)
        {
            if (Normalizer.Text(raw, CandidateFields.Certifications) is { } name)
            {
                certifications.Add(new ClaimedCertification(name));
            }
        }

        return certifications;
    }
}
