using System.Numerics;
using Ebpf.Platform;
using Ebpf.Runtime.Pinning;

namespace Ebpf.Runtime.Maps;

/// <summary>
/// Creates maps, applying eBPF for Windows' creation rules (facts §4): max_entries &gt; 0; key size 0 only for
/// QUEUE, STACK, RINGBUF and PERF_EVENT_ARRAY, value size 0 only for RINGBUF and PERF_EVENT_ARRAY; names shorter
/// than 64 characters; an inner-map template only on map-in-map types (which require one). Violations throw
/// <see cref="EbpfMapException"/> with the matching <see cref="EbpfResult"/>.
/// </summary>
public static class MapFactory
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
            MapType.Hash or MapType.PercpuHash or MapType.LruHash or MapType.LruPercpuHash or MapType.SampleHashMap => new HashMap(name, definition),
            MapType.Array or MapType.PercpuArray => new ArrayMap(name, definition),
            MapType.ProgArray => new ProgramArrayMap(name, definition, programResolver),
            MapType.HashOfMaps => new HashOfMapsMap(name, definition, definition.InnerMap ?? innerMapTemplate!.Definition, innerMapTemplate?.Id ?? 0),
            MapType.ArrayOfMaps => new ArrayOfMapsMap(name, definition, definition.InnerMap ?? innerMapTemplate!.Definition, innerMapTemplate?.Id ?? 0),
            MapType.LpmTrie => new LpmTrieMap(name, definition),
            MapType.Queue or MapType.Stack => new QueueStackMap(name, definition),
            MapType.Ringbuf => new RingBufferMap(name, definition),
            MapType.PerfEventArray => new PerfEventArrayMap(name, definition),
            _ => throw new EbpfMapException(EbpfResult.InvalidArgument, $"map '{name}': unknown map type {(uint)definition.Type}"),
        };
        map.Publish();
        return map;
    }

    /// <summary>
    /// Creates a map, honouring <see cref="PinningType.ByName"/>: such a map is pinned at <c>BPF:\&lt;name&gt;</c>; if a
    /// map is already pinned there and has the same type, key size, value size, max_entries, flags and inner-map
    /// template, that map is returned (with a new reference for the caller; <paramref name="reused"/> = true).
    /// An incompatible pinned map gives INVALID_ARGUMENT with a message listing each difference; a pinned
    /// non-map gives INVALID_OBJECT. Maps without by-name pinning are simply created.
    /// </summary>
    public static EbpfMap CreateOrReusePinned(MapDefinition definition, string name, PinNamespace pins, out bool reused,
        EbpfMap? innerMapTemplate = null, IProgramResolver? programResolver = null)
    {
        ArgumentNullException.ThrowIfNull(definition);
        ArgumentNullException.ThrowIfNull(pins);
        reused = false;
        if (definition.Pinning != PinningType.ByName) return Create(definition, name, innerMapTemplate, programResolver);
        if (string.IsNullOrEmpty(name))
            throw new EbpfMapException(EbpfResult.InvalidArgument, $"a {definition.Type} map pinned by name needs a name");
        string path = PinPath.Canonicalize(PinPath.Root + name);
        var expected = definition.InnerMap is null && innerMapTemplate is not null ? definition with { InnerMap = innerMapTemplate.Definition } : definition;
        var map = (EbpfMap)pins.GetOrPin(path,
            create: () => Create(definition, name, innerMapTemplate, programResolver),
            reuse: existing =>
            {
                if (existing is not EbpfMap pinned)
                    throw new EbpfMapException(EbpfResult.InvalidObject, $"map '{name}': '{path}' holds a {existing.GetType().Name}, not a map");
                var differences = Differences(pinned, expected);
                if (differences.Count > 0)
                    throw new EbpfMapException(EbpfResult.InvalidArgument,
                        $"map '{name}': the map pinned at '{path}' is incompatible: {string.Join(", ", differences)} (pinned vs declared)");
                pinned.AddReference();
            },
            out bool created);
        reused = !created;
        return map;
    }

    private static List<string> Differences(EbpfMap pinned, MapDefinition declared)
    {
        var have = pinned.Definition;
        var differences = new List<string>();
        if (have.Type != declared.Type) differences.Add($"type {have.Type} vs {declared.Type}");
        if (have.KeySize != declared.KeySize) differences.Add($"key_size {have.KeySize} vs {declared.KeySize}");
        if (have.ValueSize != declared.ValueSize) differences.Add($"value_size {have.ValueSize} vs {declared.ValueSize}");
        if (have.MaxEntries != declared.MaxEntries) differences.Add($"max_entries {have.MaxEntries} vs {declared.MaxEntries}");
        if (have.Flags != declared.Flags) differences.Add($"map_flags {have.Flags} vs {declared.Flags}");
        var haveInner = pinned is MapOfMaps outer ? outer.InnerTemplate : null;
        var declaredInner = declared.InnerMap;
        if (haveInner is not null && declaredInner is not null)
        {
            if (haveInner.Type != declaredInner.Type || haveInner.KeySize != declaredInner.KeySize ||
                haveInner.ValueSize != declaredInner.ValueSize || haveInner.MaxEntries != declaredInner.MaxEntries)
                differences.Add($"inner map {Shape(haveInner)} vs {Shape(declaredInner)}");
        }
        return differences;
    }

    private static string Shape(MapDefinition d) => $"{d.Type}(key {d.KeySize}, value {d.ValueSize}, max_entries {d.MaxEntries})";

    private static void Validate(MapDefinition definition, string name, EbpfMap? innerMapTemplate)
    {
        string what = $"map '{name}' ({definition.Type})";
        if (name.Length > EbpfMap.MaxNameLength)
            Throw(EbpfResult.InvalidArgument, $"{what}: name is {name.Length} characters; the limit is {EbpfMap.MaxNameLength}");
        if (definition.Type is MapType.Unspecified || (uint)definition.Type > (uint)MapType.SampleHashMap)
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
