namespace Ebpf.Elf;

/// <summary>The role the loader gives a section.</summary>
public enum BpfSectionKind
{
    Program,
    Text,
    BtfMaps,
    LegacyMaps,
    Data,
    ReadOnlyData,
    Bss,
    License,
    Version,
    Btf,
    BtfExt,
    Relocations,
    Symbols,
    Strings,
    Debug,
    Other,
}
