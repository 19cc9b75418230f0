namespace Ebpf.Elf;

/// <summary>A section of the object as the loader sees it (for listings such as <c>ebpf show sections</c>).</summary>
public sealed record BpfSection(int Index, string Name, BpfSectionKind Kind, uint ElfType, ulong Flags, ulong Size,
    int ProgramCount);
