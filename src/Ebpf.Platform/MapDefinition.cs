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
    public bool IsPerCpu => Type is MapType.PercpuHash or MapType.PercpuArray or MapType.LruPercpuHash or MapType.PerfEventArray;
    public bool IsMapOfMaps => Type is MapType.HashOfMaps or MapType.ArrayOfMaps;
}
