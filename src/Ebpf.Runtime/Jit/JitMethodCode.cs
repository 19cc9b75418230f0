namespace Ebpf.Runtime.Jit;

/// <summary>One method as the .NET JIT compiled it: its tier and the bytes of native code.</summary>
public sealed record JitMethodCode(string Name, JitOptimizationTier Tier, long NativeBytes)
{
    /// <summary>Compiled with the optimizer (not MinOpts, not tier 0).</summary>
    public bool Optimized => Tier is JitOptimizationTier.Optimized or JitOptimizationTier.OptimizedTier1 or JitOptimizationTier.ReadyToRun;
}
