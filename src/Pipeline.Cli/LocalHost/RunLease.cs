using System.Diagnostics;
using System.Globalization;
using Pipeline.Core.Effects;

namespace Pipeline.Cli.LocalHost;

/// <summary>
/// Says whether the run that holds a queue lock is still alive. Each run holds an exclusive OS file lock on
/// <c>runs/{owner}.lock</c> next to the queue database for as long as its process lives; the OS drops the lock when the
/// process ends in any way (Ctrl+C, SIGKILL, a power cut), so a lock file that can be opened exclusively belongs to a
/// run that has ended. Unlike a process id, which the OS reuses, the owner is a fresh id per run. The run's function app
/// claims its effects under the same id (<see cref="IEffectHolders"/>), so a run after a killed one takes over the
/// dead run's claims at once.
/// </summary>
public sealed class RunLease : IDisposable, IEffectHolders
{
    private readonly FileStream _file;
    private readonly string _directory;

    private RunLease(string directory, string owner, FileStream file)
    {
        _directory = directory;
        Owner = owner;
        _file = file;
    }

    /// <summary>This run's id, recorded on every lock it takes.</summary>
    public string Owner { get; }

    string IEffectHolders.Self => Owner;

    /// <summary>Takes a lease for this process in <paramref name="directory"/> (created if missing).</summary>
    public static RunLease Acquire(string directory)
    {
        Directory.CreateDirectory(directory);
        string owner;
        FileStream file;
        for (var attempt = 1; ; attempt++)
        {
            owner = Guid.NewGuid().ToString("N");
            try
            {
                // FileShare.None takes an exclusive lock (flock on Unix, a share mode on Windows) that lives as long as the handle.
                file = new FileStream(PathOf(directory, owner), FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException) when (attempt < 5)
            {
                continue; // another run's sweep held it for the instant between its creation and its lock
            }

            // That sweep may also have removed it before the lock was taken: a lease whose file is gone would look ended.
            if (File.Exists(PathOf(directory, owner)))
            {
                break;
            }

            file.Dispose();
        }

        using (var process = Process.GetCurrentProcess())
        {
            // For an operator who looks: which process holds the run's locks.
            var text = string.Create(CultureInfo.InvariantCulture, $"pid {Environment.ProcessId}, started {process.StartTime.ToUniversalTime():O}\n");
            file.Write(System.Text.Encoding.UTF8.GetBytes(text));
            file.Flush();
        }

        // Runs killed while holding no lock leave their files too; nobody would ask about them again.
        foreach (var path in Directory.EnumerateFiles(directory, "*.lock"))
        {
            if (Path.GetFileNameWithoutExtension(path) != owner)
            {
                RemoveIfEnded(path);
            }
        }

        return new RunLease(directory, owner, file);
    }

    /// <summary>
    /// True when <paramref name="owner"/> has ended: its lock file is missing or no process holds it any more. The lock
    /// file of an ended run is removed.
    /// </summary>
    public bool HasEnded(string owner)
    {
        if (owner == Owner)
        {
            return false;
        }

        return RemoveIfEnded(PathOf(_directory, owner));
    }

    public void Dispose()
    {
        _file.Dispose();
        try
        {
            File.Delete(PathOf(_directory, Owner));
        }
        catch (IOException)
        {
            // Left behind: the next run finds it unlocked and removes it.
        }
    }

    /// <summary>Whether no process holds the lease file at <paramref name="path"/>; if none does, the file is removed.</summary>
    private static bool RemoveIfEnded(string path)
    {
        try
        {
            // Removed while the lock is held, so no run can take the lock of a file that is about to disappear.
            using (new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.DeleteOnClose))
            {
            }

            return true;
        }
        catch (FileNotFoundException)
        {
            return true;
        }
        catch (DirectoryNotFoundException)
        {
            return true;
        }
        catch (IOException)
        {
            // Held by a live run (a sharing violation / flock conflict).
            return false;
        }
        catch (UnauthorizedAccessException)
        {
            return false;
        }
    }

    private static string PathOf(string directory, string owner) => Path.Combine(directory, owner + ".lock");
}
