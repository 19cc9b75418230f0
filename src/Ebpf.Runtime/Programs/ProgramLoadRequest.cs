using System.Collections.Immutable;
using Ebpf.Isa;
using Ebpf.Runtime.Interpretation;

namespace Ebpf.Runtime.Programs;

/// <summary>
/// What the runtime needs to load one program: its code in object form (lddw map references carry map indices; the
/// verifier reads them against <see cref="Maps"/>, and <see cref="WideImmediates"/> turns them into map addresses
/// when the executor is built), its type, and optionally the program-information hash it was built against (a
/// native module carries one; a mismatch refuses the load).
/// </summary>
public sealed record ProgramLoadRequest(string Name, string Section, Guid ProgramType, ImmutableArray<Instruction> Instructions)
{
    public Guid? ExpectedAttachType { get; init; }
    public ExecutionEngine Engine { get; init; } = ExecutionEngine.Jit;
    /// <summary>Checked mode validates every access against the regions each invocation grants (for unverified code).</summary>
    public ExecutionMode Mode { get; init; } = ExecutionMode.Unchecked;
    /// <summary>Instructions one run may execute before it is stopped; 0 means unlimited.</summary>
    public long InstructionBudget { get; init; }
    public WideImmediateResolver? WideImmediates { get; init; }
    /// <summary>The maps lddw map references index (object form), as the verifier sees them.</summary>
    public IReadOnlyList<Platform.MapDefinition> Maps { get; init; } = [];
    /// <summary>
    /// Global functions the program calls (by the slot their code starts at) with their BTF argument types: the
    /// verifier checks every call passes compatible arguments, as the kernel's contract for global functions is.
    /// </summary>
    public IReadOnlyDictionary<int, ImmutableArray<Platform.FunctionArgument>>? GlobalFunctions { get; init; }
    /// <summary>The BTF-resolved functions the program calls, at <see cref="Platform.BtfResolvedFunction.IdOf"/> of their index.</summary>
    public ImmutableArray<Platform.BtfResolvedFunction> BtfFunctions { get; init; } = [];
    public byte[]? ExpectedHash { get; init; }
    /// <summary>Skip verification. Only for tests that run deliberately unsafe code in checked mode.</summary>
    public bool Unverified { get; init; }
    /// <summary>
    /// The program's compiled code from a native module: it was verified when the module was compiled, so the load
    /// does not verify it again; <see cref="ExpectedHash"/> is the module's hash.
    /// </summary>
    public Native.NativeProgramCode? Native { get; init; }
}
