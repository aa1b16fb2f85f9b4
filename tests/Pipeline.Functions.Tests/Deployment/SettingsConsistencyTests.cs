using System.Reflection;
using System.Text.Json;
using System.Text.RegularExpressions;
using Pipeline.Core.Configuration;

namespace Pipeline.Functions.Tests.Deployment;

/// <summary>
/// Every setting the code binds is documented in the README's configuration table and listed in
/// local.settings.sample.json, and neither names a setting the code does not read; the Bicep app settings set only
/// settings the code reads, and every setting they leave out is optional.
/// </summary>
public sealed partial class SettingsConsistencyTests
{
    private static readonly string Root = Pipeline.Testing.Repository.Root;

    private static IReadOnlySet<string> CodeSettings { get; } =
        Settings<PipelineOptions>(PipelineOptions.Section).Concat(Settings<GraphOptions>(GraphOptions.Section)).Concat(Settings<TeamsOptions>(TeamsOptions.Section))
            .ToHashSet(StringComparer.Ordinal);

    [Fact]
    public void Readme_DocumentsExactlyTheSettingsTheCodeReads()
    {
        var readme = File.ReadAllText(Path.Combine(Root, "README.md"));
        var table = readme[readme.IndexOf("| setting | meaning |", StringComparison.Ordinal)..];
        table = table[..table.IndexOf("\n\n", StringComparison.Ordinal)];
        var documented = SettingName().Matches(table).Select(m => m.Value).ToHashSet(StringComparer.Ordinal);

        Assert.Empty(CodeSettings.Except(documented).Order());
        Assert.Empty(documented.Except(CodeSettings).Order());
    }

    [Fact]
    public void LocalSettingsSample_ListsExactlyTheSettingsTheCodeReads()
    {
        using var sample = JsonDocument.Parse(File.ReadAllText(Path.Combine(Root, "local.settings.sample.json")));
        var listed = sample.RootElement.GetProperty("Values").EnumerateObject().Select(p => p.Name)
            .Where(n => new[] { PipelineOptions.Section, GraphOptions.Section, TeamsOptions.Section }.Any(s => n.StartsWith(s + "__", StringComparison.Ordinal)))
            .ToHashSet(StringComparer.Ordinal);

        Assert.Empty(CodeSettings.Except(listed).Order());
        Assert.Empty(listed.Except(CodeSettings).Order());
    }

    /// <summary>The Pipeline and Graph app settings the Bicep template sets.</summary>
    private static IReadOnlySet<string> BicepSettings()
    {
        var bicep = File.ReadAllText(Path.Combine(Root, "infra", "app", "functions.bicep"));
        return BicepSetting().Matches(bicep).Select(m => m.Groups[1].Value).ToHashSet(StringComparer.Ordinal);
    }

    [Fact]
    public void Bicep_SetsOnlySettingsTheCodeReads()
    {
        var bicep = BicepSettings();
        Assert.NotEmpty(bicep);
        Assert.Empty(bicep.Except(CodeSettings).Order());
    }

    [Fact]
    public void EverySettingTheCodeReads_IsSetByBicep_OrDocumentedAsOptional()
    {
        var readme = File.ReadAllText(Path.Combine(Root, "README.md"));
        var bicep = BicepSettings();
        foreach (var setting in CodeSettings.Except(bicep))
        {
            var row = readme.Split('\n').FirstOrDefault(l => l.StartsWith("| `", StringComparison.Ordinal) && l.Split('|')[1].Contains($"`{setting}`", StringComparison.Ordinal));
            Assert.True(row is not null, $"{setting} is neither set by infra/app/functions.bicep nor in the README's settings table");
            var cells = row!.Split('|', StringSplitOptions.TrimEntries);
            // "required unless …" is fine when the template sets the alternative (e.g. a Table endpoint instead of a data folder).
            Assert.False(cells[3].StartsWith("required", StringComparison.OrdinalIgnoreCase) && !cells[3].Contains("unless", StringComparison.Ordinal),
                $"{setting} is required but infra/app/functions.bicep does not set it");
        }
    }

    private static IEnumerable<string> Settings<T>(string section) =>
        typeof(T).GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.SetMethod?.IsPublic == true)
            .Select(p => $"{section}__{p.Name}");


    [GeneratedRegex(@"\b(Pipeline|Graph|Teams)__[A-Za-z]+")]
    private static partial Regex SettingName();

    [GeneratedRegex(@"^\s*((?:Pipeline|Graph|Teams)__[A-Za-z]+):", RegexOptions.Multiline)]
    private static partial Regex BicepSetting();
}
