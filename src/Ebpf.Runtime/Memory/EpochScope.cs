namespace Ebpf.Runtime.Memory;

/// <summary>An entered epoch; disposing it leaves the epoch (on the thread that entered it).</summary>
public readonly struct EpochScope : IDisposable
{
    private readonly EpochParticipant? _participant;

    internal EpochScope(EpochParticipant participant) => _participant = participant;

    public void Dispose()
    {
        if (_participant is not null) EpochManager.Exit(_participant);
    }
}
