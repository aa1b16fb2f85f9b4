namespace Pipeline.Core.Configuration;

/// <summary>
/// Real paths (every symbolic link followed, in the file and in each of its folders, as realpath does) and whether
/// one lies inside another, so a feed's file cannot be pointed outside the configuration folder by <c>..</c>, an
/// absolute path or a link.
/// </summary>
public static class ConfinedPath
{
    private const int MaxLinks = 40;

    private static StringComparison Comparison => OperatingSystem.IsWindows() || OperatingSystem.IsMacOS() ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;

    /// <summary>The absolute path with every link in it resolved; parts that do not exist are kept as written.</summary>
    public static string Real(string fullPath)
    {
        var path = Path.GetFullPath(fullPath);
        for (var links = 0; ; links++)
        {
            if (links > MaxLinks)
            {
                throw new IOException("Too many levels of symbolic links.");
            }

            if (FirstLink(path) is not { } resolved)
            {
                return path;
            }

            path = resolved;
        }
    }

    public static bool IsInside(string folder, string path)
    {
        var root = Path.TrimEndingDirectorySeparator(folder) + Path.DirectorySeparatorChar;
        return path.StartsWith(root, Comparison);
    }

    /// <summary>The path with its first link (from the root down) replaced by the link's target, or null if it has none.</summary>
    private static string? FirstLink(string path)
    {
        var root = Path.GetPathRoot(path)!;
        var parts = path[root.Length..].Split(Path.DirectorySeparatorChar, StringSplitOptions.RemoveEmptyEntries);
        var current = root;
        for (var i = 0; i < parts.Length; i++)
        {
            current = Path.Combine(current, parts[i]);
            if (new FileInfo(current).LinkTarget is { } target)
            {
                var resolved = Path.GetFullPath(target, Path.GetDirectoryName(current)!);
                return Path.Combine([resolved, .. parts[(i + 1)..]]);
            }
        }

        return null;
    }
}
