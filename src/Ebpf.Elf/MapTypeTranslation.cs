using Ebpf.Platform;

namespace Ebpf.Elf;

/// <summary>Raw map type numbers to <see cref="MapType"/> under a <see cref="MapTypeNumbering"/>.</summary>
public static class MapTypeTranslation
{
    // Index = Linux BPF_MAP_TYPE_* value; Unspecified where Windows has no counterpart.
    private static readonly MapType[] LinuxToWindows =
    [
        MapType.Unspecified,    // 0 UNSPEC
        MapType.Hash,           // 1 HASH
        MapType.Array,          // 2 ARRAY
        MapType.ProgArray,      // 3 PROG_ARRAY
        MapType.PerfEventArray, // 4 PERF_EVENT_ARRAY
        MapType.PercpuHash,     // 5 PERCPU_HASH
        MapType.PercpuArray,    // 6 PERCPU_ARRAY
        MapType.Unspecified,    // 7 STACK_TRACE
        MapType.Unspecified,    // 8 CGROUP_ARRAY
        MapType.LruHash,        // 9 LRU_HASH
        MapType.LruPercpuHash,  // 10 LRU_PERCPU_HASH
        MapType.LpmTrie,        // 11 LPM_TRIE
        MapType.ArrayOfMaps,    // 12 ARRAY_OF_MAPS
        MapType.HashOfMaps,     // 13 HASH_OF_MAPS
        MapType.Unspecified,    // 14 DEVMAP
        MapType.Unspecified,    // 15 SOCKMAP
        MapType.Unspecified,    // 16 CPUMAP
        MapType.Unspecified,    // 17 XSKMAP
        MapType.Unspecified,    // 18 SOCKHASH
        MapType.Unspecified,    // 19 CGROUP_STORAGE
        MapType.Unspecified,    // 20 REUSEPORT_SOCKARRAY
        MapType.Unspecified,    // 21 PERCPU_CGROUP_STORAGE
        MapType.Queue,          // 22 QUEUE
        MapType.Stack,          // 23 STACK
        MapType.Unspecified,    // 24 SK_STORAGE
        MapType.Unspecified,    // 25 DEVMAP_HASH
        MapType.Unspecified,    // 26 STRUCT_OPS
        MapType.Ringbuf,        // 27 RINGBUF
    ];

    /// <summary>
    /// <paramref name="type"/>'s number in <paramref name="numbering"/>, or 0 (unspecified) when that numbering has
    /// no counterpart.
    /// </summary>
    public static uint ToRaw(MapType type, MapTypeNumbering numbering) => numbering switch
    {
        MapTypeNumbering.Linux => type == MapType.Unspecified ? 0u : (uint)Math.Max(0, Array.IndexOf(LinuxToWindows, type)),
        _ => (uint)type,
    };

    /// <summary>The platform map type for <paramref name="raw"/>, or null when the numbering has no counterpart.</summary>
    public static MapType? Translate(uint raw, MapTypeNumbering numbering)
    {
        if (raw == 0) return MapType.Unspecified;
        return numbering switch
        {
            MapTypeNumbering.Windows => raw <= (uint)MapType.SampleHashMap ? (MapType)raw : null,
            MapTypeNumbering.Linux => raw < (uint)LinuxToWindows.Length && LinuxToWindows[raw] != MapType.Unspecified
                ? LinuxToWindows[raw] : null,
            _ => null,
        };
    }
}
