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
