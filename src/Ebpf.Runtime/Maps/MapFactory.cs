using System.Numerics;
using Ebpf.Platform;

namespace Ebpf.Runtime.Maps;

/// <summary>
/// Creates maps, applying eBPF for Windows' creation rules (facts §4): max_entries &gt; 0; key size 0 only for
/// QUEUE, STACK, RINGBUF and PERF_EVENT_ARRAY, value size 0 only for RINGBUF and PERF_EVENT_ARRAY; names shorter
/// than 64 characters; an inner-map template only on map-in-map types (which require one). Violations throw
/// <see cref="EbpfMapException"/> with the matching <see cref="EbpfResult"/>.
/// </summary>
public static partial class MapFactory
{
    /// <summary>Creates a map. <paramref name="innerMapTemplate"/> is an existing map used as the inner-map template
    /// of a map-in-map when the definition carries no <see cref="MapDefinition.InnerMap"/>.</summary>
    public static EbpfMap Create(MapDefinition definition, string name = "", EbpfMap? innerMapTemplate = null, IProgramResolver? programResolver = null)
    {
        ArgumentNullException.ThrowIfNull(definition);
        name ??= "";
        Validate(definition, name, innerMapTemplate);
        EbpfMap map = definition.Type switch
        {
            MapType.Hash or MapType.PercpuHash or MapType.LruHash or MapType.LruPercpuHash => new HashMap(name, definition),
            MapType.Array or MapType.PercpuArray => new ArrayMap(name, definition),
            MapType.ProgArray => new ProgramArrayMap(name, definition, programResolver),
            MapType.HashOfMaps => new HashOfMapsMap(name, definition, definition.InnerMap ?? innerMapTemplate!.Definition),
            MapType.ArrayOfMaps => new ArrayOfMapsMap(name, definition, definition.InnerMap ?? innerMapTemplate!.Definition),
            MapType.LpmTrie => new LpmTrieMap(name, definition),
            MapType.Queue or MapType.Stack => new QueueStackMap(name, definition),
            MapType.Ringbuf => new RingBufferMap(name, definition),
            MapType.PerfEventArray => new PerfEventArrayMap(name, definition),
            _ => throw new EbpfMapException(EbpfResult.InvalidArgument, $"map '{name}': unknown map type {(uint)definition.Type}"),
        };
        map.Publish();
        return map;
    }

    private static void Validate(MapDefinition definition, string name, EbpfMap? innerMapTemplate)
    {
        string what = $"map '{name}' ({definition.Type})";
        if (name.Length > EbpfMap.MaxNameLength)
            Throw(EbpfResult.InvalidArgument, $"{what}: name is {name.Length} characters; the limit is {EbpfMap.MaxNameLength}");
        if (definition.Type is MapType.Unspecified || (uint)definition.Type > (uint)MapType.PerfEventArray)
            Throw(EbpfResult.InvalidArgument, $"{what}: unknown map type {(uint)definition.Type}");
        if (definition.MaxEntries == 0)
            Throw(EbpfResult.InvalidArgument, $"{what}: max_entries must be greater than 0");
        bool keyless = definition.Type is MapType.Queue or MapType.Stack or MapType.Ringbuf or MapType.PerfEventArray;
        bool valueless = definition.Type is MapType.Ringbuf or MapType.PerfEventArray;
        if (definition.KeySize == 0 && !keyless)
            Throw(EbpfResult.InvalidArgument, $"{what}: key_size 0 is allowed only for QUEUE, STACK, RINGBUF and PERF_EVENT_ARRAY");
        if (definition.ValueSize == 0 && !valueless)
            Throw(EbpfResult.InvalidArgument, $"{what}: value_size 0 is allowed only for RINGBUF and PERF_EVENT_ARRAY");
        bool hasTemplate = definition.InnerMap is not null || innerMapTemplate is not null;
        if (definition.IsMapOfMaps)
        {
            if (!hasTemplate) Throw(EbpfResult.InvalidFd, $"{what}: a map-in-map needs an inner-map template");
        }
        else if (hasTemplate)
        {
            Throw(EbpfResult.InvalidArgument, $"{what}: only HASH_OF_MAPS and ARRAY_OF_MAPS take an inner-map template");
        }
        switch (definition.Type)
        {
            case MapType.Array or MapType.PercpuArray or MapType.ArrayOfMaps or MapType.ProgArray when definition.KeySize != 4:
                Throw(EbpfResult.InvalidArgument, $"{what}: key_size must be 4 (a u32 index), not {definition.KeySize}");
                break;
            case MapType.ProgArray or MapType.HashOfMaps or MapType.ArrayOfMaps when definition.ValueSize != 4:
                Throw(EbpfResult.InvalidArgument, $"{what}: value_size must be 4 (an id), not {definition.ValueSize}");
                break;
            case MapType.LpmTrie when definition.KeySize < 4:
                Throw(EbpfResult.InvalidArgument, $"{what}: key_size must be at least 4 (u32 prefix length + data), not {definition.KeySize}");
                break;
            case MapType.Queue or MapType.Stack or MapType.Ringbuf or MapType.PerfEventArray when definition.KeySize != 0:
                Throw(EbpfResult.InvalidArgument, $"{what}: key_size must be 0, not {definition.KeySize}");
                break;
            case MapType.Ringbuf or MapType.PerfEventArray when !BitOperations.IsPow2(definition.MaxEntries) || definition.MaxEntries % 4096 != 0:
                Throw(EbpfResult.InvalidArgument, $"{what}: max_entries is the ring size in bytes and must be a power of two and a multiple of 4096, not {definition.MaxEntries}");
                break;
        }
    }

    private static void Throw(EbpfResult result, string message) => throw new EbpfMapException(result, message);
}
