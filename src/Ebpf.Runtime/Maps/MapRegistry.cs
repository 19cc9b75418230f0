using System.Collections.Concurrent;

namespace Ebpf.Runtime.Maps;

/// <summary>Map IDs (what user-mode map-of-maps lookups return and updates take), from 1 upward, never reused.</summary>
public static class MapRegistry
{
    private static readonly ConcurrentDictionary<uint, EbpfMap> s_maps = new();
    // By handle too: code that holds a 64-bit value it was told is a map handle can check it without dereferencing it.
    private static readonly ConcurrentDictionary<nint, EbpfMap> s_byHandle = new();
    private static int s_lastId;

    internal static uint Register(EbpfMap map, nint handle)
    {
        uint id = (uint)Interlocked.Increment(ref s_lastId);
        s_maps[id] = map;
        s_byHandle[handle] = map;
        return id;
    }

    internal static void Unregister(EbpfMap map)
    {
        s_maps.TryRemove(map.Id, out _);
        s_byHandle.TryRemove(map.Handle, out _);
    }

    /// <summary>The live map whose handle is <paramref name="handle"/>, or null (any value may be asked about).</summary>
    internal static EbpfMap? TryGetByHandle(nint handle) => s_byHandle.TryGetValue(handle, out var map) ? map : null;

    /// <summary>The live map with this id, or null.</summary>
    public static EbpfMap? TryGet(uint id) => s_maps.TryGetValue(id, out var map) ? map : null;

    /// <summary>Live map ids in increasing order (<c>bpf_map_get_next_id</c>).</summary>
    public static IReadOnlyList<uint> Ids => s_maps.Keys.Order().ToArray();
}
