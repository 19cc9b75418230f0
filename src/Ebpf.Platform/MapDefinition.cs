namespace Ebpf.Platform;

/// <summary>
/// A map's shape as declared in an object file or by a user: the fields of eBPF for Windows'
/// <c>ebpf_map_definition_in_file_t</c>. <see cref="InnerMap"/> is the template of a map-in-map.
/// </summary>
public sealed record MapDefinition(
    MapType Type,
    uint KeySize,
    uint ValueSize,
    uint MaxEntries,
    uint Flags = 0,
    PinningType Pinning = PinningType.None,
    MapDefinition? InnerMap = null)
{
    /// <summary>
    /// The type's number in the numbering of the ABI that declared the map, where that is not eBPF for Windows' own
    /// (a Linux object's BPF_MAP_TYPE_*, also for a type that runs here as a stand-in, such as DEVMAP as an array);
    /// null: <see cref="Type"/>'s own number. The verifier's helper/map-type rules are those of that ABI.
    /// </summary>
    public uint? AbiType { get; init; }

    /// <summary>
    /// Programs may read the map's values but never change them (a <c>.rodata</c> section; Linux's
    /// BPF_F_RDONLY_PROG): the verifier refuses stores into its values and the helpers that modify it.
    /// </summary>
    public bool ReadOnlyForPrograms { get; init; }

    public bool IsPerCpu => Type is MapType.PercpuHash or MapType.PercpuArray or MapType.LruPercpuHash or MapType.PerfEventArray;
    public bool IsMapOfMaps => Type is MapType.HashOfMaps or MapType.ArrayOfMaps;
}
