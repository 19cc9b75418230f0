namespace Ebpf.Elf.Format;

/// <summary>One symbol table entry with its name resolved.</summary>
internal readonly record struct ElfSymbol(int Index, string Name, ulong Value, ulong Size, byte Info, ushort SectionIndex)
{
    public byte Type => (byte)(Info & 0xF);
    public byte Bind => (byte)(Info >> 4);
    public bool IsFunction => Type == ElfConstants.SttFunc;
    public bool IsSection => Type == ElfConstants.SttSection;
    public bool IsGlobal => Bind is ElfConstants.StbGlobal or ElfConstants.StbWeak;
    public bool IsUndefined => SectionIndex == ElfConstants.ShnUndef;
    /// <summary>True when the symbol lives in a real section (not undefined, absolute or common).</summary>
    public bool IsInSection => SectionIndex != ElfConstants.ShnUndef && SectionIndex < ElfConstants.ShnLoReserve;
}
