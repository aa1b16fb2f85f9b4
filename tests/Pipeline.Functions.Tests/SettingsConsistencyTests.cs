using System.Reflection;
using System.Text.Json;
using System.Text.RegularExpressions;
using Pipeline.Functions.Configuration;

namespace Pipeline.Functions.Tests;

/// <summary>
/// Every setting the code binds is documented in the README's configuration table and listed in
/// local.settings.sample.json, and neither names a setting the code does not read. (The Bicep app settings join this
/// check when infra/ is written.)
/// </summary>
public sealed partial class SettingsConsistencyTests
{
    private static readonly string Root = RepositoryRoot();

    private static IReadOnlySet<string> CodeSettings { get; } =
        Settings<PipelineOptions>(PipelineOptions.Section).Concat(Settings<GraphOptions>(GraphOptions.Section)).ToHashSet(StringComparer.Ordinal);

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
            .Where(n => n.StartsWith(PipelineOptions.Section + "__", StringComparison.Ordinal) || n.StartsWith(GraphOptions.Section + "__", StringComparison.Ordinal))
            .ToHashSet(StringComparer.Ordinal);

        Assert.Empty(CodeSettings.Except(listed).Order());
        Assert.Empty(listed.Except(CodeSettings).Order());
    }

    private static IEnumerable<string> Settings<T>(string section) =>
        typeof(T).GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.SetMethod?.IsPublic == true)
            .Select(p => $"{section}__{p.Name}");

    private static string RepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Pipeline.sln")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new InvalidOperationException("Pipeline.sln not found above " + AppContext.BaseDirectory);
    }

    [GeneratedRegex(@"\b(Pipeline|Graph)__[A-Za-z]+")]
    private static partial Regex SettingName();
}
