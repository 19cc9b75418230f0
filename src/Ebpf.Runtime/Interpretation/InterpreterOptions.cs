namespace Ebpf.Runtime.Interpretation;

public sealed class InterpreterOptions
{
    public const int DefaultMaxCallDepth = 8;

    public ExecutionMode Mode { get; init; } = ExecutionMode.Unchecked;

    /// <summary>Maximum number of instructions one run may execute; 0 means unlimited.</summary>
    public long InstructionBudget { get; init; }

    /// <summary>Frames (of 512 stack bytes each) available to local calls, including the entry frame.</summary>
    public int MaxCallDepth { get; init; } = DefaultMaxCallDepth;

    /// <summary>Resolves lddw pseudo sources at load time; without it such a program fails to load.</summary>
    public WideImmediateResolver? ResolveWideImmediate { get; init; }
}
