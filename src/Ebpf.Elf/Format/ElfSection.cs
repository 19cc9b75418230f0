namespace Ebpf.Elf.Format;

/// <summary>One section header, with its name resolved and its file range already checked against the file.</summary>
internal readonly record struct ElfSection(
    int Index, string Name, uint Type, ulong Flags, ulong FileOffset, ulong Size, uint Link, uint Info, ulong EntrySize)
{
    public bool IsExecutable => (Flags & ElfConstants.ShfExecInstr) != 0;
    public bool IsAllocated => (Flags & ElfConstants.ShfAlloc) != 0;
    public bool IsWritable => (Flags & ElfConstants.ShfWrite) != 0;
    /// <summary>True when the section occupies bytes in the file (everything but SHT_NOBITS and SHT_NULL).</summary>
    public bool HasFileData => Type is not (ElfConstants.ShtNoBits or ElfConstants.ShtNull);
}
