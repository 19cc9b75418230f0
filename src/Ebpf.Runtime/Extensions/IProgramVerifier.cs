using System.Collections.Immutable;
using Ebpf.Isa;
using Ebpf.Platform;

namespace Ebpf.Runtime.Extensions;

/// <summary>Proves a program safe against the program information of its type before it may run.</summary>
public interface IProgramVerifier
{
    /// <summary>
    /// Null when the program is accepted; otherwise the reason, naming the instruction. Map references in
    /// <paramref name="instructions"/> are in object form (lddw src 1/2 with imm = index into <paramref name="maps"/>).
    /// <paramref name="globalFunctions"/>: the global functions called, by start slot, with their BTF argument types.
    /// </summary>
    ProgramVerificationFailure? Verify(string programName, ImmutableArray<Instruction> instructions, ProgramInformation information,
        IReadOnlyList<MapDefinition> maps, IReadOnlyDictionary<int, ImmutableArray<FunctionArgument>>? globalFunctions = null);
}

/// <summary>Why a program was refused: the instruction index and a message.</summary>
public sealed record ProgramVerificationFailure(int InstructionIndex, string Message);
