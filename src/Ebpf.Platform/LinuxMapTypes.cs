using static Ebpf.Platform.LinuxMapFlags;
using static Ebpf.Platform.MapTypeTraits;

namespace Ebpf.Platform;

/// <summary>
/// Linux map types (<c>enum bpf_map_type</c>) with the limits of their <c>map_alloc_check</c> in the kernel:
/// hash keys up to MAX_BPF_STACK (512) bytes, hash values below KMALLOC_MAX_SIZE less the stack and element header,
/// per-CPU values up to PCPU_MIN_UNIT_SIZE (32 KiB), array values up to INT_MAX, LPM keys of 5..260 bytes with
/// BPF_F_NO_PREALLOC required, storage maps with max_entries 0, and the map_flags masks of each type.
/// </summary>
internal static class LinuxMapTypes
{
    private const uint MaxBpfStack = 512, KmallocMax = 4u << 20, PercpuUnit = 32u << 10, HtabElement = 48, PageSize = 4096;
    private static readonly MapSizeRange
        HashKey = new(1, MaxBpfStack),
        HashValue = new(1, KmallocMax - MaxBpfStack - HtabElement - 1),
        PercpuValue = new(1, PercpuUnit),
        ArrayValue = new(1, int.MaxValue),
        U32 = MapSizeRange.Exactly(4),
        FdValue = new(4, 8), // u32 fd/ifindex, or a struct that adds a u32 program fd (devmap, cpumap, sockmap)
        None = MapSizeRange.Exactly(0),
        StorageValue = new(1, KmallocMax - 128);

    private static MapTypeRule R(uint number, string name, MapSizeRange key, MapSizeRange value, uint flags,
        MapTypeTraits traits = MapTypeTraits.None, MapEntriesRule entries = MapEntriesRule.Positive, uint required = 0) =>
        new(number, name, key, value, entries, flags, required, traits);

    public static MapTypeTable Table { get; } = new("Linux",
    [
        R(1, "HASH", HashKey, HashValue, HashMask),
        R(2, "ARRAY", U32, ArrayValue, ArrayMask),
        R(3, "PROG_ARRAY", U32, U32, FdArrayMask, ProgramValues),
        R(4, "PERF_EVENT_ARRAY", U32, U32, PerfEventArrayMask, entries: MapEntriesRule.ZeroMeansCpuCount),
        R(5, "PERCPU_HASH", HashKey, PercpuValue, HashMask, PerCpu),
        R(6, "PERCPU_ARRAY", U32, PercpuValue, PercpuArrayMask, PerCpu),
        R(7, "STACK_TRACE", U32, new(8, 127 * 32), StackTraceMask, ValueMultipleOf8),
        R(8, "CGROUP_ARRAY", U32, U32, FdArrayMask),
        R(9, "LRU_HASH", HashKey, HashValue, LruHashMask),
        R(10, "LRU_PERCPU_HASH", HashKey, PercpuValue, LruHashMask, PerCpu),
        R(11, "LPM_TRIE", new(5, 4 + 256), HashValue, LpmTrieMask, required: NoPrealloc),
        R(12, "ARRAY_OF_MAPS", U32, U32, FdArrayMask, MapValues),
        R(13, "HASH_OF_MAPS", HashKey, U32, HashMask, MapValues),
        R(14, "DEVMAP", U32, FdValue, NumaNode | AccessMask),
        R(15, "SOCKMAP", U32, FdValue, NumaNode | AccessMask),
        R(16, "CPUMAP", U32, FdValue, NumaNode | AccessMask),
        R(17, "XSKMAP", U32, U32, NumaNode | AccessMask),
        R(18, "SOCKHASH", HashKey, FdValue, NumaNode | AccessMask),
        R(19, "CGROUP_STORAGE", new(8, 16), new(1, PageSize), NumaNode | AccessMask, entries: MapEntriesRule.Zero),
        R(20, "REUSEPORT_SOCKARRAY", U32, FdValue, NumaNode | AccessMask),
        R(21, "PERCPU_CGROUP_STORAGE", new(8, 16), PercpuValue, NumaNode | AccessMask, PerCpu, MapEntriesRule.Zero),
        R(22, "QUEUE", None, new(1, KmallocMax), QueueStackMask),
        R(23, "STACK", None, new(1, KmallocMax), QueueStackMask),
        R(24, "SK_STORAGE", U32, StorageValue, StorageMask, entries: MapEntriesRule.Zero, required: NoPrealloc),
        R(25, "DEVMAP_HASH", U32, FdValue, NumaNode | AccessMask),
        R(26, "STRUCT_OPS", U32, new(1, int.MaxValue), 0),
        R(27, "RINGBUF", None, None, RingbufMask, entries: MapEntriesRule.RingBytes),
        R(28, "INODE_STORAGE", U32, StorageValue, StorageMask, entries: MapEntriesRule.Zero, required: NoPrealloc),
        R(29, "TASK_STORAGE", U32, StorageValue, StorageMask, entries: MapEntriesRule.Zero, required: NoPrealloc),
        R(30, "BLOOM_FILTER", None, HashValue, NumaNode | ZeroSeed | AccessMask),
        R(31, "USER_RINGBUF", None, None, RingbufMask, entries: MapEntriesRule.RingBytes),
        R(32, "CGRP_STORAGE", U32, StorageValue, StorageMask, entries: MapEntriesRule.Zero, required: NoPrealloc),
        R(33, "ARENA", None, None, NumaNode | Mmapable | 0x20000 /* BPF_F_SEGV_ON_FAULT */ | 0x40000 /* BPF_F_NO_USER_CONV */),
    ]);
}
