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

    public static PlatformAbi Instance { get; } = new("linux", MapTypeNumbering.Linux,
        id => id <= int.MaxValue ? LinuxHelpers.Find((int)id) : null, hasCoreImplementation: _ => false,
        LinuxHelperIds.TailCall, contextPointerWidth: 4,
        // A device map's slots hold interface indexes (0: empty, as no device has index 0): an array of them.
        new Dictionary<uint, MapType> { [DevMapType] = MapType.Array });
}
