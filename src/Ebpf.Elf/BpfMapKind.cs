namespace Ebpf.Elf;

/// <summary>Where a map of the object was declared.</summary>
public enum BpfMapKind
{
    /// <summary>A libbpf BTF-defined map in <c>.maps</c> (<c>__uint</c>/<c>__type</c>/<c>__array</c>).</summary>
    BtfDefined,
    /// <summary>A fixed-layout definition in the legacy <c>maps</c> section.</summary>
    Legacy,
    /// <summary>A global-data section (.data, .rodata, .bss and their suffixed forms) turned into a one-entry array.</summary>
    GlobalData,
    /// <summary>The template of a map-in-map's inner maps, declared inline in the outer map's <c>values</c>.</summary>
    InnerTemplate,
}
