using Ebpf.Platform;

namespace Ebpf.Runtime.Maps;

/// <summary>The rule a map-in-map applies to every inner map inserted: same type, key size, value size and max_entries as the template.</summary>
internal static class InnerMapTemplate
{
    public static EbpfResult Check(MapDefinition template, EbpfMap inner) =>
        inner.Type == template.Type && inner.Definition.KeySize == template.KeySize &&
        inner.Definition.ValueSize == template.ValueSize && inner.MaxEntries == template.MaxEntries
            ? EbpfResult.Success
            : EbpfResult.InvalidObject;

    public static string Describe(MapDefinition template, EbpfMap inner)
    {
        var differences = new List<string>();
        if (inner.Type != template.Type) differences.Add($"type {inner.Type} vs {template.Type}");
        if (inner.Definition.KeySize != template.KeySize) differences.Add($"key_size {inner.Definition.KeySize} vs {template.KeySize}");
        if (inner.Definition.ValueSize != template.ValueSize) differences.Add($"value_size {inner.Definition.ValueSize} vs {template.ValueSize}");
        if (inner.MaxEntries != template.MaxEntries) differences.Add($"max_entries {inner.MaxEntries} vs {template.MaxEntries}");
        return string.Join(", ", differences);
    }
}
