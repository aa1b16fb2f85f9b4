using System.Text.Json.Serialization;
using Pipeline.Domain.Candidates;
using Pipeline.Domain.Feeds;

namespace Pipeline.Domain.Requisitions;

[JsonConverter(typeof(JsonStringEnumConverter<RequisitionStatus>))]
public enum RequisitionStatus
{
    Open,
    Closed,
}

public sealed record Contact(string Email, string? Name = null);

/// <summary>
/// A skill a requisition asks for: a name (<c>"PyTorch"</c>) or an object with a weight
/// (<c>{ "name": "PyTorch", "weight": 3 }</c>). Without a weight a required skill weighs 2 and a preferred one 1.
/// </summary>
[JsonConverter(typeof(SkillRequirementConverter))]
public sealed record SkillRequirement(string Name, double? Weight = null)
{
    public static implicit operator SkillRequirement(string name) => new(name);

    public override string ToString() => Name;
}

/// <summary>Reads a skill requirement given as a name or as <c>{ name, weight }</c>.</summary>
public sealed class SkillRequirementConverter : JsonConverter<SkillRequirement>
{
    public override SkillRequirement Read(ref System.Text.Json.Utf8JsonReader reader, Type typeToConvert, System.Text.Json.JsonSerializerOptions options)
    {
        if (reader.TokenType == System.Text.Json.JsonTokenType.String)
        {
            return new SkillRequirement(reader.GetString()!);
        }

        using var document = System.Text.Json.JsonDocument.ParseValue(ref reader);
        var root = document.RootElement;
        if (root.ValueKind != System.Text.Json.JsonValueKind.Object || !root.TryGetProperty("name", out var name) || name.ValueKind != System.Text.Json.JsonValueKind.String)
        {
            throw new System.Text.Json.JsonException("A skill is a name, or an object with 'name' and optionally 'weight'.");
        }

        foreach (var property in root.EnumerateObject().Where(p => p.Name is not ("name" or "weight")))
        {
            throw new System.Text.Json.JsonException($"A skill has 'name' and 'weight', not '{property.Name}'.");
        }

        if (root.TryGetProperty("weight", out var weight) && weight.ValueKind != System.Text.Json.JsonValueKind.Number)
        {
            throw new System.Text.Json.JsonException("A skill's 'weight' is a number.");
        }

        return new SkillRequirement(name.GetString()!, root.TryGetProperty("weight", out weight) ? weight.GetDouble() : null);
    }

    public override void Write(System.Text.Json.Utf8JsonWriter writer, SkillRequirement value, System.Text.Json.JsonSerializerOptions options)
    {
        if (value.Weight is null)
        {
            writer.WriteStringValue(value.Name);
            return;
        }

        writer.WriteStartObject();
        writer.WriteString("name", value.Name);
        writer.WriteNumber("weight", value.Weight.Value);
        writer.WriteEndObject();
    }
}

/// <summary>
/// Knowledge of a field (e.g. healthcare imaging), recognised by any of its keywords in the candidate's skills or
/// programme of study.
/// </summary>
public sealed record DomainRequirement
{
    /// <summary>List defaults are the constructor's, so the source-generated reader keeps them (see <see cref="Requisition"/>).</summary>
    [JsonConstructor]
    public DomainRequirement(IReadOnlyList<string>? keywords = null) => Keywords = keywords ?? [];

    public required string Name { get; init; }

    /// <summary>Words that show the knowledge: <c>"medical imaging"</c>, <c>"dicom"</c>, <c>"radiology"</c>.</summary>
    public IReadOnlyList<string> Keywords { get; init; }

    public bool Required { get; init; }

    public double? Weight { get; init; }
}

[JsonConverter(typeof(JsonStringEnumConverter<WorkMode>))]
public enum WorkMode
{
    Onsite,
    Hybrid,
    Remote,
}

/// <summary>
/// Where the work is. For a remote role location is not considered at all; otherwise the candidate's stated
/// location must name one of <see cref="Places"/> (a city, region or country code, as feeds write them).
/// </summary>
public sealed record LocationRequirement
{
    [JsonConstructor]
    public LocationRequirement(IReadOnlyList<string>? places = null) => Places = places ?? [];

    /// <summary>Onsite unless said (the enum's first value).</summary>
    public WorkMode Mode { get; init; }

    public IReadOnlyList<string> Places { get; init; }

    public bool Required { get; init; }

    public double? Weight { get; init; }
}

/// <summary>When the work starts, and for how long; candidates must have finished their studies by the start.</summary>
public sealed record AvailabilityRequirement
{
    public required DateOnly Start { get; init; }

    /// <summary>The engagement's length, shown to recruiters; not scored.</summary>
    public int? DurationMonths { get; init; }

    public bool Required { get; init; }

    public double? Weight { get; init; }
}

/// <summary>A security clearance the role needs; met when a feed states the same level for the candidate.</summary>
public sealed record ClearanceRequirement
{
    public required string Level { get; init; }

    public bool Required { get; init; }

    public double? Weight { get; init; }
}

/// <summary>A vendor certification a requisition asks for, by catalogue id.</summary>
public sealed record CertificationRequirement
{
    [JsonConstructor]
    public CertificationRequirement(bool acceptSuccessors = true) => AcceptSuccessors = acceptSuccessors;

    /// <summary>The catalogue id (<c>catalogue/certifications.json</c>), e.g. <c>aws-mla-c01</c>.</summary>
    public required string Id { get; init; }

    /// <summary>A hard requirement: candidates without it are not shortlisted. Otherwise it only adds to the score.</summary>
    public bool Required { get; init; }

    /// <summary>Whether the certification's successors (a retired exam's replacement) count as well. Default: yes.</summary>
    public bool AcceptSuccessors { get; init; }

    /// <summary>Only a credential verified at its source counts; a claim alone leaves the requirement unknown.</summary>
    public bool VerifiedOnly { get; init; }

    public double? Weight { get; init; }
}

/// <summary>A role profile candidates are scored against, as configured in <c>requisitions.json</c>.</summary>
public sealed record Requisition
{
    // The defaults of what the file may leave out are the constructor's, not property initialisers: the source-generated
    // reader sets every init-only property it is not given to its type's default (dotnet/runtime#84484).
    [JsonConstructor]
    public Requisition(
        IReadOnlyList<string>? recruiters = null,
        IReadOnlyList<SkillRequirement>? requiredSkills = null,
        IReadOnlyList<SkillRequirement>? preferredSkills = null,
        IReadOnlyList<CertificationRequirement>? certifications = null,
        IReadOnlyList<DomainRequirement>? domainKnowledge = null,
        int shortlistSize = 5,
        bool blindMode = true,
        IReadOnlyList<Contact>? delegates = null,
        int reminderDays = 3,
        int escalationDays = 6)
    {
        Recruiters = recruiters ?? [];
        RequiredSkills = requiredSkills ?? [];
        PreferredSkills = preferredSkills ?? [];
        Certifications = certifications ?? [];
        DomainKnowledge = domainKnowledge ?? [];
        ShortlistSize = shortlistSize;
        BlindMode = blindMode;
        Delegates = delegates ?? [];
        ReminderDays = reminderDays;
        EscalationDays = escalationDays;
    }

    public required string Id { get; init; }

    public required string Title { get; init; }

    /// <summary>Open unless said (the enum's first value).</summary>
    public RequisitionStatus Status { get; init; }

    public required Contact HiringManager { get; init; }

    /// <summary>Recruiters' Entra user ids or user principal names: they get the Teams notifications.</summary>
    public IReadOnlyList<string> Recruiters { get; init; }

    public IReadOnlyList<SkillRequirement> RequiredSkills { get; init; }

    public IReadOnlyList<SkillRequirement> PreferredSkills { get; init; }

    public IReadOnlyList<CertificationRequirement> Certifications { get; init; }

    public IReadOnlyList<DomainRequirement> DomainKnowledge { get; init; }

    public LocationRequirement? Location { get; init; }

    public AvailabilityRequirement? Availability { get; init; }

    public ClearanceRequirement? Clearance { get; init; }

    public int ShortlistSize { get; init; }

    /// <summary>Between 0 and 1: candidates scoring lower are not shortlisted.</summary>
    public double MinimumScore { get; init; }

    /// <summary>
    /// Blind by default: the hiring manager's shortlist shows numbered profiles with evidence and no names, so that
    /// the first decision rests on skills.
    /// </summary>
    public bool BlindMode { get; init; }

    /// <summary>People who may decide in the hiring manager's place; escalations go to them too.</summary>
    public IReadOnlyList<Contact> Delegates { get; init; }

    /// <summary>Days after a shortlist is sent without any decision before the hiring manager is reminded (0: never).</summary>
    public int ReminderDays { get; init; }

    /// <summary>Days after a shortlist is sent without any decision before delegates and recruiters are told (0: never).</summary>
    public int EscalationDays { get; init; }

    public bool IsOpen => Status == RequisitionStatus.Open;

    /// <summary>Whether <paramref name="email"/> may decide on this requisition's shortlists: the hiring manager or a delegate.</summary>
    public bool MayDecide(string email) =>
        string.Equals(email.Trim(), HiringManager.Email, StringComparison.OrdinalIgnoreCase) ||
        Delegates.Any(d => string.Equals(email.Trim(), d.Email, StringComparison.OrdinalIgnoreCase));
}

public sealed record RequisitionsDocument
{
    [JsonConstructor]
    public RequisitionsDocument(IReadOnlyList<Requisition>? requisitions = null) => Requisitions = requisitions ?? [];

    public IReadOnlyList<Requisition> Requisitions { get; init; }

    /// <summary>Every problem, naming the requisition and the field; certification ids are checked against <paramref name="catalogue"/> when given.</summary>
    public IReadOnlyList<string> Validate(Certifications.CertificationCatalogue? catalogue = null)
    {
        var errors = new List<string>();
        var ids = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < Requisitions.Count; i++)
        {
            var r = Requisitions[i];
            var name = string.IsNullOrWhiteSpace(r.Id) ? $"requisitions[{i}]" : $"requisition '{r.Id}'";
            if (string.IsNullOrWhiteSpace(r.Id) || !ConfigIds.IsValid(r.Id))
            {
                errors.Add($"{name}: 'id' must be 1-64 lower-case letters, digits or dashes (got '{r.Id}').");
            }
            else if (!ids.Add(r.Id))
            {
                errors.Add($"{name}: 'id' is used by another requisition.");
            }

            if (string.IsNullOrWhiteSpace(r.Title))
            {
                errors.Add($"{name}: 'title' is required.");
            }

            try
            {
                Normalizer.Email(r.HiringManager?.Email);
            }
            catch (FieldException e)
            {
                errors.Add($"{name}: 'hiringManager.email' is {e.Reason} (got '{r.HiringManager?.Email}').");
            }

            if (r.RequiredSkills.Count == 0 && r.PreferredSkills.Count == 0 && r.Certifications.Count == 0)
            {
                errors.Add($"{name}: give at least one of 'requiredSkills', 'preferredSkills' or 'certifications'.");
            }

            static bool BadWeight(double? w) => w is { } x && (double.IsNaN(x) || x < 0.1 || x > 10);
            foreach (var (skill, index, field) in r.RequiredSkills.Select((k, i) => (k, i, "requiredSkills")).Concat(r.PreferredSkills.Select((k, i) => (k, i, "preferredSkills"))))
            {
                if (string.IsNullOrWhiteSpace(skill?.Name))
                {
                    errors.Add($"{name}: '{field}[{index}]' needs a name.");
                }
                else if (BadWeight(skill.Weight))
                {
                    errors.Add($"{name}: '{field}[{index}].weight' must be between 0.1 and 10 (got {skill.Weight}).");
                }
            }

            foreach (var (d, index) in r.DomainKnowledge.Select((d, index) => (d, index)))
            {
                if (string.IsNullOrWhiteSpace(d?.Name) || d.Keywords.Count == 0 || d.Keywords.Any(string.IsNullOrWhiteSpace))
                {
                    errors.Add($"{name}: 'domainKnowledge[{index}]' needs a 'name' and at least one non-empty 'keywords' entry.");
                }
                else if (BadWeight(d.Weight))
                {
                    errors.Add($"{name}: 'domainKnowledge[{index}].weight' must be between 0.1 and 10 (got {d.Weight}).");
                }
            }

            if (r.Location is { } location && (location.Mode != WorkMode.Remote && (location.Places.Count == 0 || location.Places.Any(string.IsNullOrWhiteSpace))))
            {
                errors.Add($"{name}: 'location' of an {location.Mode.ToString().ToLowerInvariant()} role needs 'places' (cities, regions or country codes).");
            }

            if (r.Clearance is { } clearance && string.IsNullOrWhiteSpace(clearance.Level))
            {
                errors.Add($"{name}: 'clearance.level' is required.");
            }

            if (r.Availability is { DurationMonths: < 1 or > 120 })
            {
                errors.Add($"{name}: 'availability.durationMonths' must be between 1 and 120 (got {r.Availability.DurationMonths}).");
            }

            if (BadWeight(r.Location?.Weight) || BadWeight(r.Availability?.Weight) || BadWeight(r.Clearance?.Weight) || r.Certifications.Any(c => BadWeight(c?.Weight)))
            {
                errors.Add($"{name}: every 'weight' must be between 0.1 and 10.");
            }

            foreach (var (c, index) in r.Certifications.Select((c, index) => (c, index)))
            {
                if (string.IsNullOrWhiteSpace(c?.Id))
                {
                    errors.Add($"{name}: 'certifications[{index}].id' is required.");
                }
                else if (catalogue is not null && catalogue.Find(c.Id) is null)
                {
                    errors.Add($"{name}: 'certifications[{index}].id' is '{c.Id}', which is not in the certification catalogue ({string.Join(", ", catalogue.Certifications.Select(e => e.Id))}).");
                }
                else if (r.Certifications.Take(index).Any(o => o.Id == c.Id))
                {
                    errors.Add($"{name}: 'certifications[{index}].id' '{c.Id}' is listed twice.");
                }
            }

            if (r.ShortlistSize is < 1 or > 50)
            {
                errors.Add($"{name}: 'shortlistSize' must be between 1 and 50 (got {r.ShortlistSize}).");
            }

            if (r.MinimumScore is < 0 or > 1 || double.IsNaN(r.MinimumScore))
            {
                errors.Add($"{name}: 'minimumScore' must be between 0 and 1 (got {r.MinimumScore}).");
            }

            foreach (var (d, index) in r.Delegates.Select((d, index) => (d, index)))
            {
                try
                {
                    Normalizer.Email(d?.Email);
                }
                catch (FieldException e)
                {
                    errors.Add($"{name}: 'delegates[{index}].email' is {e.Reason} (got '{d?.Email}').");
                }
            }

            if (r.ReminderDays is < 0 or > 60 || r.EscalationDays is < 0 or > 60 || (r.EscalationDays > 0 && r.ReminderDays > 0 && r.EscalationDays <= r.ReminderDays))
            {
                errors.Add($"{name}: 'reminderDays' and 'escalationDays' are 0 (off) to 60, the escalation after the reminder (got {r.ReminderDays} and {r.EscalationDays}).");
            }

            if (r.Recruiters.Count > 100)
            {
                errors.Add($"{name}: at most 100 'recruiters' (got {r.Recruiters.Count}).");
            }
        }

        return errors;
    }
}
