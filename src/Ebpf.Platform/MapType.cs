namespace Ebpf.Platform;

/// <summary>Map types in eBPF for Windows numbering (<c>ebpf_structs.h</c>), which differs from Linux past 2.</summary>
public enum MapType : uint
{
    Unspecified = 0,
    Hash = 1,
    Array = 2,
    ProgArray = 3,
    PercpuHash = 4,
    PercpuArray = 5,
    HashOfMaps = 6,
    ArrayOfMaps = 7,
    LruHash = 8,
    LpmTrie = 9,
    Queue = 10,
    LruPercpuHash = 11,
    Stack = 12,
    Ringbuf = 13,
    PerfEventArray = 14,
    /// <summary>The sample extension's custom map: a hash map underneath (facts sheet §4; upstream's sample provider).</summary>
    SampleHashMap = 15,
}
