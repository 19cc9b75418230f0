using Ebpf.Elf;
using Ebpf.Platform;

namespace Ebpf.Runtime.Native;

/// <summary>One program of a native module: identity, what it was hashed against, its eBPF code and its methods.</summary>
internal sealed record NativeProgramEntry
{
    public required string Name { get; init; }
    public required string Section { get; init; }
    public required ulong SectionOffset { get; init; }
    public required Guid ProgramType { get; init; }
    public required Guid AttachType { get; init; }
    public required uint BpfAttachType { get; init; }
    public required string ProgramTypeName { get; init; }
    /// <summary>The provider the program was compiled against (for messages).</summary>
    public required string Provider { get; init; }
    /// <summary>The program-information hash and its algorithm ("SHA256", as upstream records it).</summary>
    public required string HashAlgorithm { get; init; }
    public required string Hash { get; init; }
    public required NativeHelperEntry[] Helpers { get; init; }
    public required BtfResolvedFunction[] BtfFunctions { get; init; }
    /// <summary>The program as loaded (object form: lddw map references carry map indexes), base64 of its slots.</summary>
    public required string Instructions { get; init; }
    /// <summary>What the methods were compiled from: <see cref="Instructions"/> with context loads rewritten for the provider.</summary>
    public required string Executable { get; init; }
    public required int MainInstructionCount { get; init; }
    public required LinkedFunction[] Functions { get; init; }
    public required MapReference[] MapReferences { get; init; }
    /// <summary>The type holding the program's methods, and the methods: the entry first.</summary>
    public required string TypeName { get; init; }
    public required string[] Methods { get; init; }
    /// <summary>The slot of each helper call site, by the ordinal the code reads the closure's delegates at.</summary>
    public required int[] CallSitePcs { get; init; }
    /// <summary>Per inlined array lookup, the slot of the lddw of its map (its layout is this load's).</summary>
    public int[] ArrayLookupMaps { get; init; } = [];
    public required int IlSize { get; init; }
    public required bool HasLocalCalls { get; init; }
    public required bool UsesStack { get; init; }
    public required bool CallsTailCall { get; init; }
    public required Interpretation.ExecutionMode Mode { get; init; }
    public required long InstructionBudget { get; init; }
    public required int MaxCallDepth { get; init; }
}
