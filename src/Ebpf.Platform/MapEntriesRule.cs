namespace Ebpf.Platform;

/// <summary>What a map type's max_entries means and which values it takes.</summary>
public enum MapEntriesRule
{
    /// <summary>A number of entries, at least 1.</summary>
    Positive,
    /// <summary>Any count; 0 stands for one per CPU (Linux PERF_EVENT_ARRAY: libbpf fills in the CPU count).</summary>
    ZeroMeansCpuCount,
    /// <summary>Must be 0: storage attached to another object (Linux cgroup, socket, inode, task storage).</summary>
    Zero,
    /// <summary>A ring size in bytes: a power of two and a multiple of the 4096-byte page.</summary>
    RingBytes,
}
