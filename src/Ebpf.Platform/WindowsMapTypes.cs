using static Ebpf.Platform.MapTypeTraits;

namespace Ebpf.Platform;

/// <summary>
/// eBPF for Windows' map types and creation rules (facts §4, <c>ebpf_maps.c</c>): key size 0 only for queue, stack,
/// ring buffer and perf event array, value size 0 only for the last two; u32 keys for array-like types; 4-byte ids as
/// the values of program arrays and maps of maps; LPM keys of at least 4 bytes; ring sizes a power of two and a page
/// multiple. Its definitions keep no flags: map_flags a BTF map declares (libbpf habits such as BPF_F_NO_PREALLOC
/// on an LPM trie) are ignored, as upstream ignores them. A map type an extension adds (a custom map, <see cref="MapType"/> past the
/// built-in ones) follows HASH, its required base type.
/// </summary>
internal static class WindowsMapTypes
{
    private static readonly MapSizeRange Any = MapSizeRange.AtLeast(1), U32 = MapSizeRange.Exactly(4), None = MapSizeRange.Exactly(0);

    private static MapTypeRule R(MapType type, MapSizeRange key, MapSizeRange value, MapTypeTraits traits = MapTypeTraits.None,
        MapEntriesRule entries = MapEntriesRule.Positive) => new((uint)type, Name(type), key, value, entries, AllowedFlags: uint.MaxValue, Traits: traits);

    private static readonly MapTypeRule[] BuiltIn =
    [
        R(MapType.Hash, Any, Any),
        R(MapType.Array, U32, Any),
        R(MapType.ProgArray, U32, U32, ProgramValues),
        R(MapType.PercpuHash, Any, Any, PerCpu),
        R(MapType.PercpuArray, U32, Any, PerCpu),
        R(MapType.HashOfMaps, Any, U32, MapValues),
        R(MapType.ArrayOfMaps, U32, U32, MapValues),
        R(MapType.LruHash, Any, Any),
        R(MapType.LpmTrie, MapSizeRange.AtLeast(4), Any),
        R(MapType.Queue, None, Any),
        R(MapType.LruPercpuHash, Any, Any, PerCpu),
        R(MapType.Stack, None, Any),
        R(MapType.Ringbuf, None, MapSizeRange.AtLeast(0), entries: MapEntriesRule.RingBytes),
        R(MapType.PerfEventArray, None, MapSizeRange.AtLeast(0), PerCpu, MapEntriesRule.RingBytes),
    ];

    public static MapTypeTable Table { get; } = new("eBPF for Windows",
        BuiltIn.Concat(Enum.GetValues<MapType>()
            .Where(t => t != MapType.Unspecified && BuiltIn.All(r => r.Number != (uint)t))
            .Select(t => R(t, Any, Any, ProvidedByExtension))));

    /// <summary>BPF_MAP_TYPE_ name without the prefix: PercpuArray → PERCPU_ARRAY.</summary>
    private static string Name(MapType type) =>
        string.Concat(type.ToString().Select((c, i) => i > 0 && char.IsUpper(c) ? "_" + c : char.ToUpperInvariant(c).ToString()));
}
