using System.Collections.Immutable;
using Ebpf.Platform;

namespace Ebpf.Elf;

/// <summary>
/// A map declared by the object. <see cref="RawType"/> is the number as written in the file;
/// <see cref="Definition"/> carries the platform interpretation under the open options' numbering
/// (<see cref="MapType.Unspecified"/> when there is none: see <see cref="PlatformType"/>).
/// </summary>
public sealed record BpfMap
{
    /// <summary>Position in <see cref="BpfObject.Maps"/>; -1 for inner-map templates, which are not listed.</summary>
    public required int Index { get; init; }
    public required string Name { get; init; }
    public required string SectionName { get; init; }
    public required BpfMapKind Kind { get; init; }
    public required uint RawType { get; init; }
    /// <summary>The platform type, or null when <see cref="RawType"/> has no counterpart in the numbering used.</summary>
    public required MapType? PlatformType { get; init; }
    public required MapDefinition Definition { get; init; }
    /// <summary>Raw pinning value as declared (0 none, 1 by name); <see cref="MapDefinition.Pinning"/> has the typed form.</summary>
    public uint RawPinning { get; init; }
    /// <summary>The inner-map template of a map-in-map (BTF <c>values</c>, or the legacy inner_map_idx), else null.</summary>
    public BpfMap? InnerMap { get; init; }
    /// <summary>Legacy definitions: index of the inner map template in <see cref="BpfObject.Maps"/> (inner_map_idx), else null.</summary>
    public int? InnerMapIndex { get; init; }
    /// <summary>Legacy definitions: why the template named by inner_id or inner_map_idx could not be found, else null.</summary>
    public MapDefinitionProblem? InnerMapProblem { get; init; }
    /// <summary>Legacy definitions: the id and inner_id fields (iproute2 / eBPF for Windows), 0 when absent.</summary>
    public uint Id { get; init; }
    public uint InnerId { get; init; }
    /// <summary>Initial contents of the value (global data: the section bytes; zeros for .bss); empty for other maps.</summary>
    public ImmutableArray<byte> InitialData { get; init; } = [];
    /// <summary>True for .rodata-backed maps (libbpf freezes them and sets BPF_F_RDONLY_PROG).</summary>
    public bool IsReadOnly => Definition.ReadOnlyForPrograms;
    /// <summary>Byte offset of the definition inside <see cref="SectionName"/>.</summary>
    public ulong SectionOffset { get; init; }
    /// <summary>Initial slots of a PROG_ARRAY or map-in-map (<c>.values = { [i] = &amp;x }</c>): slot index to program or map name.</summary>
    public ImmutableArray<KeyValuePair<int, string>> InitialSlots { get; init; } = [];
}
