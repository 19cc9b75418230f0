using System.Runtime.CompilerServices;

namespace Ebpf.Runtime.Interpretation;

/// <summary>
/// What the interpreter loop checks on each step and memory access. The loop is generic over a struct policy, so the
/// JIT compiles one specialised copy per policy and the unchecked copy contains no checks at all.
/// </summary>
internal interface IExecutionPolicy
{
    void Step(int pc);
    void Access(int pc, ulong address, ulong size, MemoryAccess access);
    MemoryRegionSet? Regions { get; }
}

/// <summary>No budget, no memory checks: the fast path for verified programs.</summary>
internal struct UncheckedPolicy : IExecutionPolicy
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly void Step(int pc) { }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly void Access(int pc, ulong address, ulong size, MemoryAccess access) { }

    public readonly MemoryRegionSet? Regions => null;
}

/// <summary>Counts executed instructions against a budget; no memory checks.</summary>
internal struct CountingPolicy(long budget) : IExecutionPolicy
{
    public readonly long Budget = budget;
    public long Executed;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Step(int pc)
    {
        if (++Executed > Budget) ThrowBudget(pc, Budget);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly void Access(int pc, ulong address, ulong size, MemoryAccess access) { }

    public readonly MemoryRegionSet? Regions => null;

    [MethodImpl(MethodImplOptions.NoInlining)]
    internal static void ThrowBudget(int pc, long budget) => throw new InstructionBudgetExceededException(pc, budget);
}

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
        throw new MemoryAccessFaultException(pc, address, size, access, _regions.Containing(address));
}
