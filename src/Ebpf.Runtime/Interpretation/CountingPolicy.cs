using System.Runtime.CompilerServices;

namespace Ebpf.Runtime.Interpretation;

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
