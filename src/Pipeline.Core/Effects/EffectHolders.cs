namespace Pipeline.Core.Effects;

/// <summary>
/// Names the process whose invocations claim effects in the <see cref="EffectLedger"/>, and says whether the holder of
/// a claim is known to have ended. In Azure no instance can tell that another has died, so a claim there lasts its
/// lease (<see cref="Configuration.PipelineOptions.EffectLease"/>); the local host can tell (a run holds an OS lock for
/// as long as its process lives), so a run started right after a killed one takes over the dead run's claims at once
/// instead of failing their messages until the lease ends.
/// </summary>
public interface IEffectHolders
{
    /// <summary>This process's id, written on each claim it makes.</summary>
    string Self { get; }

    /// <summary>True only when <paramref name="holder"/> is known to have ended; false when unknown.</summary>
    bool HasEnded(string holder);
}

/// <summary>The default: a fresh id per process, and no knowledge of other processes.</summary>
public sealed class ProcessEffectHolders : IEffectHolders
{
    public string Self { get; } = Guid.NewGuid().ToString("N");

    public bool HasEnded(string holder) => false;
}
