using System.Collections.Concurrent;

namespace Ebpf.Runtime.Maps;

/// <summary>Map IDs (what user-mode map-of-maps lookups return and updates take), from 1 upward, never reused.</summary>
public static class MapRegistry
{
    private static readonly ConcurrentDictionary<uint, EbpfMap> s_maps = new();
    private static int s_lastId;

    internal static uint Register(EbpfMap map)
    {
        uint id = (uint)Interlocked.Increment(ref s_lastId);
        s_maps[id] = map;
        return id;
    }

    internal static void Unregister(uint id) => s_maps.TryRemove(id, out _);

    /// <summary>The live map with this id, or null.</summary>
    public static EbpfMap? TryGet(uint id) => s_maps.TryGetValue(id, out var map) ? map : null;

    /// <summary>Live map ids in increasing order (<c>bpf_map_get_next_id</c>).</summary>
    public static IReadOnlyList<uint> Ids => s_maps.Keys.Order().ToArray();
}
