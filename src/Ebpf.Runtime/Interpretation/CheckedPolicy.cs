using System.Runtime.CompilerServices;

namespace Ebpf.Runtime.Interpretation;

/// <summary>Counts instructions against a budget and validates every access against the run's regions.</summary>
internal struct CheckedPolicy(long budget, MemoryRegionSet regions) : IExecutionPolicy
{
    public readonly long Budget = budget;
    public long Executed;
    private readonly MemoryRegionSet _regions = regions;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Step(int pc)
    {
        if (++Executed > Budget) CountingPolicy.ThrowBudget(pc, Budget);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly void Access(int pc, ulong address, ulong size, MemoryAccess access)
    {
        if (!_regions.Allows(address, size, access)) Fault(pc, address, size, access);
    }

    public readonly MemoryRegionSet? Regions => _regions;

    [MethodImpl(MethodImplOptions.NoInlining)]
    private readonly void Fault(int pc, ulong address, ulong size, MemoryAccess access) =>
        throw new MemoryAccessFaultException(pc, address, size, access, _regions.Nearest(address));
}
