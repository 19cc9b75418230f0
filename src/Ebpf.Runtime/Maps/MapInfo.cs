using Ebpf.Platform;

namespace Ebpf.Runtime.Maps;

/// <summary>The fields of <c>bpf_map_info</c> a map reports (<c>bpf_obj_get_info_by_fd</c>).</summary>
public sealed record MapInfo(uint Id, MapType Type, uint KeySize, uint ValueSize, uint MaxEntries, uint Flags, string Name, uint InnerMapId);
