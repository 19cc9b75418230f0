using System.Collections.Immutable;
using Ebpf.Platform;

namespace Ebpf.Verifier;

/// <summary>Switches of an analysis. The defaults suit loading real programs.</summary>
public sealed record VerifierOptions
{
    public static VerifierOptions Default { get; } = new();

    /// <summary>When false, a divisor that may be zero is an error (eBPF itself defines x/0 = 0 and x%0 = x).</summary>
    public bool AllowDivisionByZero { get; init; } = true;
    /// <summary>Prove that every loop terminates: count loop-head visits and require at most <see cref="MaxLoopIterations"/>.</summary>
    public bool CheckTermination { get; init; } = true;
    public long MaxLoopIterations { get; init; } = 100_000;
    /// <summary>
    /// When the fixpoint cannot prove a program, explore its paths one by one (as the Linux verifier does) before
    /// refusing it. Loops then need no counter bound: each path must end within <see cref="MaxExploredInstructions"/>.
    /// </summary>
    public bool ExplorePaths { get; init; } = true;
    /// <summary>Skip the fixpoint and prove by path exploration alone: for testing the second pass on its own.</summary>
    public bool PathsOnly { get; init; }
    /// <summary>
    /// Instructions the path pass may execute over all paths, as the Linux verifier's limit of processed instructions
    /// (1M), for a program whose zone has at most <see cref="PathBudgetReferenceVariables"/> variables (one function,
    /// a few loops); a larger zone (more loops, deeper calls) gets proportionally fewer, as each instruction costs in
    /// proportion to the zone's size squared. The budget, not the program's size, bounds the pass: what a refused
    /// program spends.
    /// </summary>
    public long MaxExploredInstructions { get; init; } = 1_000_000;
    /// <summary>The zone size at which <see cref="MaxExploredInstructions"/> applies unscaled.</summary>
    public const int PathBudgetReferenceVariables = 80;
    /// <summary>The program's return value (r0 at the final exit) must be a number.</summary>
    public bool ReturnValueMustBeNumber { get; init; } = true;
    /// <summary>
    /// Every reference (ring buffer record) must be released before the program exits or tail-calls, as the Linux
    /// kernel requires. Off only to compare with a verifier that does not track references (PREVAIL); a released
    /// record stays dead either way.
    /// </summary>
    public bool RequireReferencesReleased { get; init; } = true;
    /// <summary>The last instruction must not fall through; false treats falling off the end as an exit.</summary>
    public bool MustHaveExit { get; init; } = true;
    /// <summary>
    /// A load may read stack bytes never written (an unknown number), as PREVAIL allows. Off by default: in user mode
    /// those bytes are whatever the host process left there (a callee's frame may even hold a spilled pointer of an
    /// earlier call), so reading them leaks host memory; the kernel refuses them too for unprivileged programs.
    /// Helpers always need initialized memory, and bytes of a spilled pointer are never readable as a number.
    /// </summary>
    public bool AllowUninitializedStackReads { get; init; }
    /// <summary>Multi-byte stack values composed from single bytes use big-endian order.</summary>
    public bool BigEndian { get; init; }
    /// <summary>Keep the abstract state before every instruction in <see cref="VerificationResult.States"/>.</summary>
    public bool RecordStates { get; init; }
    /// <summary>Maps an instruction index to its source line (from BTF line info), for messages.</summary>
    public Func<int, string?>? SourceLineResolver { get; init; }
    /// <summary>Disassembles an instruction index for messages; the IR's own text form is used otherwise.</summary>
    public Func<int, string?>? Disassembler { get; init; }
    /// <summary>Maximum depth of bpf-to-bpf calls (frames, including the entry).</summary>
    public int MaxCallDepth { get; init; } = 8;
    /// <summary>Upper bound of packet_size: the largest packet the program can be given.</summary>
    public int MaxPacketSize { get; init; } = 0xFFFF;
    /// <summary>
    /// The arguments the program starts with, in r1-r5, when it is a global function verified alone (from its BTF
    /// prototype; empty for one without parameters). Default (<see cref="ImmutableArray{T}.IsDefault"/>): an entry
    /// program, r1 = the context.
    /// </summary>
    public ImmutableArray<FunctionArgument> EntryArguments { get; init; }
    /// <summary>
    /// Global functions the program calls, by the slot their code starts at, with their argument types: each call
    /// must pass compatible arguments (the kernel verifies a global function once, for any caller, on that contract).
    /// </summary>
    public IReadOnlyDictionary<int, ImmutableArray<FunctionArgument>>? GlobalFunctions { get; init; }
}
