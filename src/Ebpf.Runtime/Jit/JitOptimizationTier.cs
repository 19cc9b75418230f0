namespace Ebpf.Runtime.Jit;

/// <summary>
/// How the .NET JIT compiled a method, as the runtime's MethodLoad event reports it (bits 7-9 of MethodFlags).
/// <see cref="MinOptJitted"/> is what a method above the JIT's optimizer limits gets.
/// </summary>
public enum JitOptimizationTier
{
    Unknown = 0,
    MinOptJitted = 1,
    Optimized = 2,
    QuickJitted = 3,
    OptimizedTier1 = 4,
    ReadyToRun = 5,
    PreJitted = 6,
    QuickJittedInstrumented = 7,
}
