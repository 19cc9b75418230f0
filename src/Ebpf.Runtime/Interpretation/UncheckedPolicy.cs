using System.Runtime.CompilerServices;

namespace Ebpf.Runtime.Interpretation;

/// <summary>No budget, no memory checks: the fast path for verified programs.</summary>
internal struct UncheckedPolicy : IExecutionPolicy
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly void Step(int pc) { }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly void Access(int pc, ulong address, ulong size, MemoryAccess access) { }

    public readonly MemoryRegionSet? Regions => null;
}
