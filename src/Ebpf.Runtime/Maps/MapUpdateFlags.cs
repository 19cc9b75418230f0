namespace Ebpf.Runtime.Maps;

/// <summary>Update flags shared by <c>bpf_map_update_elem</c> and <c>ebpf_map_option_t</c>.</summary>
public enum MapUpdateFlags : ulong
{
    /// <summary>Insert or replace.</summary>
    Any = 0,
    /// <summary>Insert only; an existing key gives <see cref="EbpfResult.ObjectAlreadyExists"/>.</summary>
    NoExist = 1,
    /// <summary>Replace only; a missing key gives <see cref="EbpfResult.KeyNotFound"/>. Queue/stack: overwrite the oldest when full.</summary>
    Exist = 2,
}
