using System.Collections.Immutable;
using Ebpf.Isa;
using Ebpf.Platform;

namespace Ebpf.Elf;

/// <summary>
/// One verifiable unit of the object: an entry program or a global function, with the subprograms it calls
/// appended after it and every call and map reference resolved (libbpf's bpf_program after relocation).
/// </summary>
public sealed record BpfProgram
{
    /// <summary>The C function name (or the section name when the code has no function symbol).</summary>
    public required string Name { get; init; }
    public required string SectionName { get; init; }
    public required BpfProgramKind Kind { get; init; }
    /// <summary>Byte offset of the function inside its section.</summary>
    public required ulong SectionOffset { get; init; }
    /// <summary>The registry mapping that claimed the section, or null when none did (type unknown).</summary>
    public SectionMapping? SectionMapping { get; init; }
    /// <summary>Program type GUID, <see cref="Guid.Empty"/> when unknown.</summary>
    public Guid ProgramType => SectionMapping?.ProgramType ?? Guid.Empty;
    /// <summary>Expected attach type GUID, <see cref="Guid.Empty"/> when unknown.</summary>
    public Guid ExpectedAttachType => SectionMapping?.AttachType ?? Guid.Empty;
    /// <summary>Linked instructions: the function, then each called subprogram once. lddw to maps carry src = 1/2 and imm = map index.</summary>
    public required ImmutableArray<Instruction> Instructions { get; init; }
    /// <summary>Instruction count of the function itself (before the appended subprograms).</summary>
    public required int MainInstructionCount { get; init; }
    /// <summary>The functions making up <see cref="Instructions"/>, in order; the first is this program's own.</summary>
    public required ImmutableArray<LinkedFunction> Functions { get; init; }
    public required ImmutableArray<MapReference> MapReferences { get; init; }
    /// <summary>Calls to external functions the object does not define; each such call targets slot -1 (invalid).</summary>
    public ImmutableArray<UnresolvedCall> UnresolvedCalls { get; init; } = [];
    /// <summary>
    /// The BTF-resolved functions this program calls (after <see cref="WithBtfFunctions"/>): the i-th is called as
    /// helper <see cref="BtfResolvedFunction.IdOf"/>(i).
    /// </summary>
    public ImmutableArray<BtfResolvedFunction> BtfFunctions { get; init; } = [];

    /// <summary>
    /// Binds the external calls that <paramref name="resolve"/> names as BTF-resolved functions (as eBPF for Windows
    /// binds an extern function by name to the provider that exports it): each such call becomes a helper call at
    /// <see cref="BtfResolvedFunction.IdOf"/> of the function's index. Calls it does not know stay unresolved.
    /// </summary>
    public BpfProgram WithBtfFunctions(Func<string, BtfResolvedFunction?> resolve)
    {
        if (UnresolvedCalls.IsEmpty) return this;
        var instructions = Instructions.ToBuilder();
        var functions = BtfFunctions.ToBuilder();
        var unresolved = ImmutableArray.CreateBuilder<UnresolvedCall>();
        foreach (var call in UnresolvedCalls)
        {
            if (resolve(call.Symbol) is not { } function)
            {
                unresolved.Add(call);
                continue;
            }
            int index = functions.IndexOf(function);
            if (index < 0)
            {
                index = functions.Count;
                functions.Add(function);
            }
            instructions[call.InstructionIndex] = instructions[call.InstructionIndex]
                .WithSrc(PseudoSource.HelperCall).WithImm((int)BtfResolvedFunction.IdOf(index));
        }
        return this with { Instructions = instructions.ToImmutable(), BtfFunctions = functions.ToImmutable(), UnresolvedCalls = unresolved.ToImmutable() };
    }
    /// <summary>C source positions by instruction (BTF.ext line_info), sorted by index; empty without BTF.ext.</summary>
    public required ImmutableArray<SourceLine> SourceLines { get; init; }

    /// <summary>For a global function with BTF, its parameters (verified alone, it starts with arguments of these types).</summary>
    public FunctionSignature? GlobalFunctionSignature => Kind == BpfProgramKind.GlobalFunction ? Functions[0].Signature : null;

    /// <summary>
    /// For an entry program with BTF, the name of the struct its first parameter points to (e.g. "xdp_md"): its
    /// program type's context, which a global function it calls receives when it takes a pointer to that struct.
    /// </summary>
    public string? ContextTypeName =>
        Kind == BpfProgramKind.Entry && Functions[0].Signature is { Parameters: [{ Kind: FunctionParameterKind.Pointer } first, ..] } &&
        first.PointeeName.Length > 0 ? first.PointeeName : null;

    /// <summary>
    /// The global functions this program calls, by the slot where each starts, with their arguments typed for a
    /// context of <paramref name="contextTypeName"/> (see <see cref="FunctionSignature.ToArguments"/>); only those with BTF.
    /// </summary>
    public IReadOnlyDictionary<int, ImmutableArray<FunctionArgument>> CalledGlobalFunctions(string? contextTypeName) =>
        Functions.Skip(1).Where(f => f.Kind == BpfProgramKind.GlobalFunction && f.Signature is not null)
            .ToDictionary(f => f.InstructionIndex, f => f.Signature!.ToArguments(contextTypeName));

    /// <summary>The source line that covers instruction <paramref name="index"/>, or null.</summary>
    public SourceLine? SourceLineAt(int index)
    {
        int lo = 0, hi = SourceLines.Length - 1;
        SourceLine? best = null;
        while (lo <= hi)
        {
            int mid = (lo + hi) >>> 1;
            if (SourceLines[mid].InstructionIndex <= index) { best = SourceLines[mid]; lo = mid + 1; }
            else hi = mid - 1;
        }
        return best;
    }
}
