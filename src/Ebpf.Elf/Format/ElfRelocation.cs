namespace Ebpf.Elf.Format;

/// <summary>One REL/RELA entry: the byte offset it patches in the target section, its type and symbol index.</summary>
internal readonly record struct ElfRelocation(ulong Offset, uint Type, uint SymbolIndex, long Addend);
