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
