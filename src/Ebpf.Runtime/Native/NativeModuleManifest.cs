using Ebpf.Elf;
using Ebpf.Platform;

namespace Ebpf.Runtime.Native;

/// <summary>
/// What a native module says about itself besides its code (JSON in the assembly's metadata, covered by the module
/// digest): where it came from, the maps with their initial data, and the program table.
/// </summary>
internal sealed record NativeModuleManifest
{
    public required int FormatVersion { get; init; }
    public required string Tool { get; init; }
    public required string ToolVersion { get; init; }
    public required DateTimeOffset CompiledAt { get; init; }
    public required string SourceName { get; init; }
    /// <summary>SHA-256 of the object file the module was compiled from, hex.</summary>
    public required string SourceSha256 { get; init; }
    /// <summary>Compiled with <c>--unverified</c>: its programs were not verified and run in checked mode.</summary>
    public required bool Unverified { get; init; }
    public required string Abi { get; init; }
    public required MapTypeNumbering MapTypeNumbering { get; init; }
    public string? License { get; init; }
    public required BpfMap[] Maps { get; init; }
    public required NativeProgramEntry[] Programs { get; init; }
}

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
    public required int IlSize { get; init; }
    public required bool HasLocalCalls { get; init; }
    public required bool UsesStack { get; init; }
    public required bool CallsTailCall { get; init; }
    public required Interpretation.ExecutionMode Mode { get; init; }
    public required long InstructionBudget { get; init; }
    public required int MaxCallDepth { get; init; }
}

/// <summary>A helper a module's program calls: its id and the name its prototype had at compile time.</summary>
internal sealed record NativeHelperEntry(uint Id, string Name);
