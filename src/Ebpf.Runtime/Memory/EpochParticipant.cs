namespace Ebpf.Runtime.Memory;

/// <summary>One thread's state in one <see cref="EpochManager"/>: the epoch it entered (0 when idle) and nesting depth.</summary>
internal sealed class EpochParticipant(EpochManager manager, Thread owner)
{
    public readonly EpochManager Manager = manager;
    public readonly Thread Owner = owner;
    public long LocalEpoch;
    public int Depth;
}
