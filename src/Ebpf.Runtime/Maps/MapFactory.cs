using Ebpf.Platform;
using Ebpf.Runtime.Pinning;

namespace Ebpf.Runtime.Maps;

/// <summary>
/// Creates maps, applying eBPF for Windows' creation rules (facts §4, <see cref="MapTypeTable.Windows"/>): max_entries
/// &gt; 0; key size 0 only for QUEUE, STACK, RINGBUF and PERF_EVENT_ARRAY, value size 0 only for RINGBUF and
/// PERF_EVENT_ARRAY; names shorter than 64 characters; an inner-map template only on map-in-map types (which require
/// one); storage within <see cref="MapLimits.MemoryCeiling"/>. Violations throw <see cref="EbpfMapException"/> with the
/// matching <see cref="EbpfResult"/> (ARITHMETIC_OVERFLOW for storage too large).
/// </summary>
public static class MapFactory
{
    /// <summary>Creates a map. <paramref name="innerMapTemplate"/> is an existing map used as the inner-map template
    /// of a map-in-map when the definition carries no <see cref="MapDefinition.InnerMap"/>.</summary>
    public static EbpfMap Create(MapDefinition definition, string name = "", EbpfMap? innerMapTemplate = null,
        IProgramResolver? programResolver = null, MapLimits? limits = null)
    {
        ArgumentNullException.ThrowIfNull(definition);
        name ??= "";
        Validate(definition, name, innerMapTemplate, limits ?? MapLimits.Default);
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
        EbpfMap? innerMapTemplate = null, IProgramResolver? programResolver = null, MapLimits? limits = null)
    {
        ArgumentNullException.ThrowIfNull(definition);
        ArgumentNullException.ThrowIfNull(pins);
        reused = false;
        if (definition.Pinning != PinningType.ByName) return Create(definition, name, innerMapTemplate, programResolver, limits);
        if (string.IsNullOrEmpty(name))
            throw new EbpfMapException(EbpfResult.InvalidArgument, $"a {definition.Type} map pinned by name needs a name");
        string path = PinPath.Canonicalize(PinPath.Root + name);
        var expected = definition.InnerMap is null && innerMapTemplate is not null ? definition with { InnerMap = innerMapTemplate.Definition } : definition;
        var map = (EbpfMap)pins.GetOrPin(path,
            create: () => Create(definition, name, innerMapTemplate, programResolver, limits),
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

    /// <summary>The definition and its template against eBPF for Windows' rules (<see cref="MapTypeTable.Windows"/>).</summary>
    private static void Validate(MapDefinition definition, string name, EbpfMap? innerMapTemplate, MapLimits limits)
    {
        string what = $"map '{name}' ({definition.Type})";
        if (name.Length > EbpfMap.MaxNameLength)
            Throw(EbpfResult.InvalidArgument, $"{what}: name is {name.Length} characters; the limit is {EbpfMap.MaxNameLength}");
        var table = MapTypeTable.Windows;
        var template = definition.InnerMap ?? innerMapTemplate?.Definition;
        if (definition.IsMapOfMaps && template is null)
            Throw(EbpfResult.InvalidFd, $"{what}: a map-in-map needs an inner-map template");
        var problem = table.Check((uint)definition.Type, definition, limits)
            ?? table.CheckTemplate((uint)definition.Type, (uint?)template?.Type, template, limits);
        if (problem is not null)
            Throw(problem.TooLarge ? EbpfResult.ArithmeticOverflow : EbpfResult.InvalidArgument, $"{what}: {problem}");
    }

    private static void Throw(EbpfResult result, string message) => throw new EbpfMapException(result, message);
}
