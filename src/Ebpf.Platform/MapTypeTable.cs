using System.Collections.Frozen;
using System.Numerics;

namespace Ebpf.Platform;

/// <summary>
/// The map types of one ABI (eBPF for Windows' or Linux's numbering) and the checks a definition must pass before
/// anything is built from it: a known type, key and value sizes, max_entries, map_flags, the memory the map may take
/// (checked 64-bit products against <see cref="MapLimits.MemoryCeiling"/>) and its inner-map template.
/// </summary>
public sealed class MapTypeTable
{
    private const uint PageSize = 4096;
    private readonly FrozenDictionary<uint, MapTypeRule> _rules;

    public MapTypeTable(string abi, IEnumerable<MapTypeRule> rules)
    {
        Abi = abi;
        _rules = rules.ToFrozenDictionary(r => r.Number);
    }

    /// <summary>The ABI's name, for messages ("eBPF for Windows", "Linux").</summary>
    public string Abi { get; }

    public IEnumerable<MapTypeRule> Rules => _rules.Values.OrderBy(r => r.Number);

    /// <summary>eBPF for Windows numbering (<c>ebpf_structs.h</c>).</summary>
    public static MapTypeTable Windows => WindowsMapTypes.Table;

    /// <summary>Linux numbering (<c>enum bpf_map_type</c>).</summary>
    public static MapTypeTable Linux => LinuxMapTypes.Table;

    public MapTypeRule? Find(uint type) => _rules.GetValueOrDefault(type);

    /// <summary>The type's name in this ABI (<c>BPF_MAP_TYPE_</c> without the prefix), or "unknown N".</summary>
    public string NameOf(uint type) => Find(type)?.Name ?? $"unknown {type}";

    /// <summary>
    /// The first problem of <paramref name="definition"/> read as a map of type <paramref name="type"/> (this table's
    /// numbering), or null when it is valid. The inner-map template is checked by <see cref="CheckTemplate"/>.
    /// </summary>
    public MapDefinitionProblem? Check(uint type, MapDefinition definition, MapLimits limits)
    {
        ArgumentNullException.ThrowIfNull(definition);
        ArgumentNullException.ThrowIfNull(limits);
        if (Find(type) is not { } rule)
            return new("type", $"{type} is not a {Abi} map type");
        string what = rule.Name;
        if (!rule.Key.Contains(definition.KeySize))
            return new("key_size", $"{definition.KeySize} bytes; {what} maps take {rule.Key}");
        if (!rule.Value.Contains(definition.ValueSize))
            return new("value_size", $"{definition.ValueSize} bytes; {what} maps take {rule.Value}");
        if (rule.Has(MapTypeTraits.ValueMultipleOf8) && definition.ValueSize % 8 != 0)
            return new("value_size", $"{definition.ValueSize} bytes; {what} maps take a multiple of 8");
        switch (rule.Entries)
        {
            case MapEntriesRule.Positive when definition.MaxEntries == 0:
                return new("max_entries", $"0; {what} maps need at least 1");
            case MapEntriesRule.Zero when definition.MaxEntries != 0:
                return new("max_entries", $"{definition.MaxEntries}; {what} maps take 0 (their storage belongs to another object)");
            case MapEntriesRule.RingBytes when !BitOperations.IsPow2(definition.MaxEntries) || definition.MaxEntries % PageSize != 0:
                return new("max_entries", $"{definition.MaxEntries}; {what} ring sizes in bytes must be a power of two and a multiple of {PageSize}");
        }
        uint unknownFlags = definition.Flags & ~rule.AllowedFlags;
        if (unknownFlags != 0)
            return new("map_flags", rule.AllowedFlags == 0
                ? $"0x{definition.Flags:x}; {what} maps take no flags in {Abi}"
                : $"0x{definition.Flags:x} has bits 0x{unknownFlags:x} that {what} maps do not take (allowed: 0x{rule.AllowedFlags:x})");
        if ((definition.Flags & rule.RequiredFlags) != rule.RequiredFlags)
            return new("map_flags", $"0x{definition.Flags:x}; {what} maps require 0x{rule.RequiredFlags:x}");
        if (rule.AllowedFlags != uint.MaxValue && LinuxMapFlags.ConflictOf(definition.Flags) is { } conflict) // an ABI that ignores flags ignores their conflicts
            return new("map_flags", $"0x{definition.Flags:x} {conflict}");
        if (Footprint(rule, definition, limits) is not { } bytes)
            return new("max_entries", $"{definition.MaxEntries} entries of key {definition.KeySize} and value {definition.ValueSize} bytes overflow 64-bit size arithmetic", TooLarge: true);
        if (bytes > limits.MemoryCeiling)
            return new("max_entries", $"{definition.MaxEntries} entries of key {definition.KeySize} and value {definition.ValueSize} bytes" +
                $"{(rule.Has(MapTypeTraits.PerCpu) ? $" on {limits.ProcessorCount} processors" : "")} take {bytes} bytes, above the {limits.MemoryCeiling}-byte ceiling", TooLarge: true);
        return null;
    }

    /// <summary>
    /// The first problem of the relation between a map of type <paramref name="type"/> and its inner-map template
    /// (<paramref name="innerType"/> and <paramref name="inner"/>, null when it has none), then of the template itself.
    /// <paramref name="field"/> names where the definition declares its template (BTF <c>values</c>, legacy <c>inner_map_idx</c>).
    /// </summary>
    public MapDefinitionProblem? CheckTemplate(uint type, uint? innerType, MapDefinition? inner, MapLimits limits, string field = "values")
    {
        bool takesMaps = Find(type)?.Has(MapTypeTraits.MapValues) == true;
        if (innerType is not { } it || inner is null)
            return takesMaps ? new(field, $"{NameOf(type)} maps need an inner-map template") : null;
        if (!takesMaps)
            return new(field, $"{NameOf(type)} maps take no inner-map template; only maps of maps do");
        if (Find(it)?.Has(MapTypeTraits.MapValues) == true)
            return new(field, $"the inner-map template is itself of type {NameOf(it)}; maps of maps nest one level only");
        return Check(it, inner, limits) is { } problem ? problem with { Field = "inner map " + problem.Field } : null;
    }

    /// <summary>Bytes the map takes at full capacity, or null when the product overflows 64 bits.</summary>
    private static ulong? Footprint(MapTypeRule rule, MapDefinition definition, MapLimits limits)
    {
        try
        {
            checked
            {
                ulong slots = rule.Has(MapTypeTraits.PerCpu) ? (ulong)Math.Max(1, limits.ProcessorCount) : 1;
                if (rule.Entries == MapEntriesRule.RingBytes) return definition.MaxEntries * slots;
                ulong key = ((ulong)definition.KeySize + 7) & ~7UL, value = ((ulong)definition.ValueSize + 7) & ~7UL;
                return definition.MaxEntries * (key + value * slots);
            }
        }
        catch (OverflowException)
        {
            return null;
        }
    }
}
