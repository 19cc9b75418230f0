namespace Ebpf.Elf;

/// <summary>How an lddw refers to a map after relocation (the src field it carries).</summary>
public enum MapReferenceKind
{
    /// <summary>BPF_PSEUDO_MAP_FD (src 1): the register receives the map itself.</summary>
    Map = 1,
    /// <summary>BPF_PSEUDO_MAP_VALUE (src 2): the register receives the address of the map's single value plus an offset (global data).</summary>
    MapValue = 2,
}
