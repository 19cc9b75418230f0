using Ebpf.Platform;

namespace Ebpf.Elf;

/// <summary>Options of <see cref="BpfObject.Open(string, BpfObjectOpenOptions?)"/>, after libbpf's bpf_object_open_opts.</summary>
public sealed record BpfObjectOpenOptions
{
    /// <summary>Section name to program/attach type; the eBPF for Windows defaults when null.</summary>
    public SectionRegistry? Sections { get; init; }

    /// <summary>Refuse program sections that no registered mapping claims (default: load them with an unknown type).</summary>
    public bool Strict { get; init; }

    /// <summary>How to interpret the map type numbers declared in the object.</summary>
    public MapTypeNumbering MapTypeNumbering { get; init; } = MapTypeNumbering.Windows;

    /// <summary>The object's name (libbpf's object_name); the file name without directory when null.</summary>
    public string? ObjectName { get; init; }

    public static BpfObjectOpenOptions Default { get; } = new();
}
