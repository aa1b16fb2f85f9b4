using System.Runtime.InteropServices;

namespace Pipeline.Cli.Commands;

/// <summary>
/// Turns the first Ctrl+C (SIGINT) or SIGTERM into a graceful stop: the token is cancelled, no new message is taken,
/// the invocations in hand finish (or are cut off after the host's grace period), the run's remaining locks are
/// released for the next run, and the summary of what was done is printed. A second signal ends the process at once;
/// the next run then releases that run's locks itself.
/// </summary>
internal sealed class Interruption : IDisposable
{
    private readonly CancellationTokenSource _cts;
    private readonly PosixSignalRegistration[] _registrations;

    public Interruption(CancellationToken outer)
    {
        _cts = CancellationTokenSource.CreateLinkedTokenSource(outer);
        _registrations = [PosixSignalRegistration.Create(PosixSignal.SIGINT, Handle), PosixSignalRegistration.Create(PosixSignal.SIGTERM, Handle)];
    }

    public CancellationToken Token => _cts.Token;

    public void Dispose()
    {
        foreach (var registration in _registrations)
        {
            registration.Dispose();
        }

        _cts.Dispose();
    }

    private void Handle(PosixSignalContext context)
    {
        if (_cts.IsCancellationRequested)
        {
            return; // second signal: let the default action end the process
        }

        context.Cancel = true;
        _cts.Cancel();
    }
}
