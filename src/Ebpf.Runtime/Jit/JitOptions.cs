using Ebpf.Runtime.Interpretation;

namespace Ebpf.Runtime.Jit;

/// <summary>How <see cref="JitCompiler"/> compiles a program. The defaults compile the unchecked fast path.</summary>
public sealed class JitOptions
{
    /// <summary>Checked mode emits a region check before every memory access, as the interpreter's checked mode does.</summary>
    public ExecutionMode Mode { get; init; } = ExecutionMode.Unchecked;

    /// <summary>Maximum number of instructions one run may execute; 0 means unlimited (and costs nothing).</summary>
    public long InstructionBudget { get; init; }

    /// <summary>Frames (of 512 stack bytes each) available to local calls, including the entry frame.</summary>
    public int MaxCallDepth { get; init; } = InterpreterOptions.DefaultMaxCallDepth;

    /// <summary>Resolves lddw pseudo sources at compile time; without it such a program fails to compile.</summary>
    public WideImmediateResolver? ResolveWideImmediate { get; init; }

    /// <summary>
    /// Call helpers that are static or non-virtual instance methods directly (the .NET JIT may inline them) instead
    /// of through their delegate. Off only to measure what direct calls gain.
    /// </summary>
    public bool DirectHelperCalls { get; init; } = true;

    /// <summary>
    /// The program passed a verifier, which refuses what the eBPF calling convention leaves undefined: here, reading
    /// r1-r5 after a bpf-to-bpf call before writing them. Local calls then become real calls even where a path the
    /// verifier found infeasible would read them (the liveness the JIT uses otherwise is path-insensitive).
    /// </summary>
    public bool Verified { get; init; }

    /// <summary>
    /// Run recognised counted loops (copies, sums of loaded elements; see <see cref="JitLoopIdiom"/>) as one block
    /// operation each. Unchecked code without an instruction budget only. Off only to compare with the loops as written.
    /// </summary>
    public bool LoopIdioms { get; init; } = true;

    /// <summary>
    /// Tests only: compile in regions of at most this many instruction slots even when one method would do, so that
    /// small programs exercise the region machinery large ones need. 0: regions only when one method is too large.
    /// </summary>
    internal int MaxRegionInstructions { get; init; }

    /// <summary>Tests only: always one method, however large (to show what the JIT makes of one above its limits).</summary>
    internal bool OneMethodOnly { get; init; }

    /// <summary>The options the interpreter would run the same program with.</summary>
    public InterpreterOptions ToInterpreterOptions() => new()
    {
        Mode = Mode,
        InstructionBudget = InstructionBudget,
        MaxCallDepth = MaxCallDepth,
        ResolveWideImmediate = ResolveWideImmediate,
    };

    public static JitOptions From(InterpreterOptions options) => new()
    {
        Mode = options.Mode,
        InstructionBudget = options.InstructionBudget,
        MaxCallDepth = options.MaxCallDepth,
        ResolveWideImmediate = options.ResolveWideImmediate,
    };
}
