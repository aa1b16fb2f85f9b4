using Microsoft.Extensions.Options;

namespace Pipeline.Core.Configuration;

/// <summary>Reads why the core refused to start: each bad setting (options validation) or configuration file, one line per problem.</summary>
public static class StartRefusal
{
    /// <summary>The problems, when <paramref name="exception"/> is a start-up refusal; null for anything else, which is a bug to show in full.</summary>
    public static IReadOnlyList<string>? Problems(Exception exception) => exception switch
    {
        OptionsValidationException e => [.. e.Failures],
        InvalidOperationException e => [e.Message],
        _ => null,
    };
}
