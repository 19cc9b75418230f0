namespace Ebpf.Platform;

/// <summary>Linux <c>BPF_F_*</c> map_flags bits (<c>uapi/linux/bpf.h</c>) and the masks each map type accepts.</summary>
public static class LinuxMapFlags
{
    public const uint NoPrealloc = 1, NoCommonLru = 2, NumaNode = 4, ReadOnly = 8, WriteOnly = 16, StackBuildId = 32,
        ZeroSeed = 64, ReadOnlyProgram = 128, WriteOnlyProgram = 256, Clone = 512, Mmapable = 1024, PreserveElements = 2048,
        InnerMap = 4096;

    /// <summary>The kernel's BPF_F_ACCESS_MASK.</summary>
    public const uint AccessMask = ReadOnly | WriteOnly | ReadOnlyProgram | WriteOnlyProgram;

    /// <summary>HTAB_CREATE_FLAG_MASK (hash, per-CPU hash, hash of maps; LRU types also take NO_COMMON_LRU, not NO_PREALLOC).</summary>
    public const uint HashMask = NoPrealloc | NumaNode | AccessMask | ZeroSeed;
    public const uint LruHashMask = NoCommonLru | NumaNode | AccessMask | ZeroSeed;

    /// <summary>ARRAY_CREATE_FLAG_MASK as array_map_alloc_check narrows it per type.</summary>
    public const uint ArrayMask = NumaNode | Mmapable | AccessMask | InnerMap;
    public const uint PercpuArrayMask = NumaNode | AccessMask | InnerMap;
    /// <summary>fd_array_map_alloc_check: no program-side access flags on arrays of fds.</summary>
    public const uint FdArrayMask = NumaNode | ReadOnly | WriteOnly | InnerMap;
    public const uint PerfEventArrayMask = FdArrayMask | PreserveElements;

    public const uint LpmTrieMask = NoPrealloc | NumaNode | AccessMask;
    public const uint QueueStackMask = NumaNode | AccessMask;
    public const uint StackTraceMask = StackBuildId | NumaNode | AccessMask;
    public const uint StorageMask = NoPrealloc | Clone;
    public const uint RingbufMask = NumaNode;

    /// <summary>Why the flags contradict themselves (the kernel refuses read-only and write-only together), or null.</summary>
    public static string? ConflictOf(uint flags) =>
        (flags & (ReadOnly | WriteOnly)) == (ReadOnly | WriteOnly) ? "sets both BPF_F_RDONLY and BPF_F_WRONLY"
        : (flags & (ReadOnlyProgram | WriteOnlyProgram)) == (ReadOnlyProgram | WriteOnlyProgram) ? "sets both BPF_F_RDONLY_PROG and BPF_F_WRONLY_PROG"
        : null;
}
