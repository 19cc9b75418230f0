using Ebpf.Platform;
using Ebpf.Verifier.Platforms;

namespace Ebpf.Extensions.Linux;

/// <summary>
/// Linux's ABI: helper ids and prototypes of <c>enum bpf_func_id</c> (the verifier's <see cref="LinuxHelpers"/>, the
/// one table both the verifier's Linux platform and these program types read), <c>uapi/linux/bpf.h</c> map types,
/// 32-bit context pointer fields, bpf_tail_call as helper 12. No helper has a core implementation for every Linux
/// program type: each type names the ones it implements.
/// </summary>
public static class LinuxAbi
{
    /// <summary>Linux BPF_MAP_TYPE_DEVMAP: the target of bpf_redirect_map.</summary>
    public const uint DevMapType = 14;

    /// <summary>Linux BPF_MAP_TYPE_CPUMAP, XSKMAP and DEVMAP_HASH: the other targets of bpf_redirect_map.</summary>
    public const uint CpuMapType = 16, XskMapType = 17, DevMapHashType = 25;

    public static PlatformAbi Instance { get; } = new("linux", MapTypeNumbering.Linux,
        id => id <= int.MaxValue ? LinuxHelpers.Find((int)id) : null, hasCoreImplementation: _ => false,
        LinuxHelperIds.TailCall, contextPointerWidth: 4,
        // Redirect targets hold what names the target, 0 when empty: a device map's slots interface indexes (no device
        // has index 0), a CPU map's a queue size first (0 removes the CPU), an AF_XDP map's socket descriptors (user
        // mode puts them there; the standard input is never one). Arrays of them, or a hash for DEVMAP_HASH.
        new Dictionary<uint, MapType>
        {
            [DevMapType] = MapType.Array, [CpuMapType] = MapType.Array, [XskMapType] = MapType.Array, [DevMapHashType] = MapType.Hash,
        });
}
