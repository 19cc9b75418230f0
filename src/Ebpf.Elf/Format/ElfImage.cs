using System.Buffers.Binary;
using System.Text;

namespace Ebpf.Elf.Format;

/// <summary>
/// A checked view of an ELF64 little-endian relocatable object for EM_BPF. Every offset, size, index and string
/// read from the file is validated before it is used, and every failure is a <see cref="BpfObjectException"/>.
/// </summary>
/// <remarks>
/// A focused reader rather than LibObjectFile: the loader needs only section headers, one symbol table, REL
/// sections and raw section bytes; it must treat every file as hostile (fuzzed corpus, mutation tests) and turn
/// each defect into one exception type naming the section and offset, which is simpler to guarantee over ~300
/// lines of span reads than over a general-purpose object model that allocates a node per entry and raises its
/// own diagnostics; and the BPF relocation types (R_BPF_64_64 split over two instructions, R_BPF_64_32 call
/// offsets) are interpreted by the loader anyway. It also opens the 2 MB Cilium objects without copying them.
/// </remarks>
internal sealed class ElfImage
{
    private readonly ReadOnlyMemory<byte> _file;
    private readonly ElfSection[] _sections;
    private readonly ElfSymbol[] _symbols;
    private readonly Dictionary<string, int> _sectionByName = new(StringComparer.Ordinal);

    public string FileName { get; }
    public IReadOnlyList<ElfSection> Sections => _sections;
    public IReadOnlyList<ElfSymbol> Symbols => _symbols;
    /// <summary>Index of the symbol table section, or -1 when the object has none.</summary>
    public int SymbolTableIndex { get; }

    private ElfImage(string fileName, ReadOnlyMemory<byte> file, ElfSection[] sections, int symtabIndex, ElfSymbol[] symbols)
    {
        FileName = fileName;
        _file = file;
        _sections = sections;
        SymbolTableIndex = symtabIndex;
        _symbols = symbols;
        foreach (var s in sections) _sectionByName.TryAdd(s.Name, s.Index);
    }

    public BpfObjectException Error(string reason, string? section = null, long? offset = null, int? instruction = null) =>
        new(FileName, reason, section, offset, instruction);

    public ElfSection? FindSection(string name) => _sectionByName.TryGetValue(name, out var i) ? _sections[i] : null;

    /// <summary>The bytes of a section; empty for SHT_NOBITS.</summary>
    public ReadOnlyMemory<byte> Data(in ElfSection section) =>
        section.HasFileData ? _file.Slice((int)section.FileOffset, (int)section.Size) : ReadOnlyMemory<byte>.Empty;

    public ElfSymbol Symbol(uint index, in ElfSection relocationSection, ulong offset)
    {
        if (index >= (uint)_symbols.Length)
            throw Error($"relocation names symbol {index}, but the symbol table has {_symbols.Length} entries",
                relocationSection.Name, (long)offset);
        return _symbols[index];
    }

    /// <summary>The relocations of a REL or RELA section, each checked to lie inside the section it patches.</summary>
    public ElfRelocation[] Relocations(in ElfSection relocationSection, in ElfSection target)
    {
        bool rela = relocationSection.Type == ElfConstants.ShtRela;
        int entrySize = rela ? ElfConstants.RelaSize : ElfConstants.RelSize;
        if (relocationSection.EntrySize != 0 && relocationSection.EntrySize != (ulong)entrySize)
            throw Error($"relocation entry size is {relocationSection.EntrySize}, expected {entrySize}", relocationSection.Name);
        if (relocationSection.Size % (ulong)entrySize != 0)
            throw Error($"relocation section size {relocationSection.Size} is not a multiple of {entrySize}", relocationSection.Name);
        if (SymbolTableIndex < 0)
            throw Error("relocations present but the object has no symbol table", relocationSection.Name);
        var bytes = Data(relocationSection).Span;
        var result = new ElfRelocation[bytes.Length / entrySize];
        for (int i = 0; i < result.Length; i++)
        {
            var entry = bytes.Slice(i * entrySize, entrySize);
            ulong offset = BinaryPrimitives.ReadUInt64LittleEndian(entry);
            ulong info = BinaryPrimitives.ReadUInt64LittleEndian(entry[8..]);
            long addend = rela ? BinaryPrimitives.ReadInt64LittleEndian(entry[16..]) : 0;
            if (offset >= target.Size)
                throw Error($"relocation {i} patches offset 0x{offset:x}, past the end of '{target.Name}' (size 0x{target.Size:x})",
                    relocationSection.Name, i * entrySize);
            result[i] = new ElfRelocation(offset, (uint)info, (uint)(info >> 32), addend);
        }
        return result;
    }

    public static ElfImage Parse(string fileName, ReadOnlyMemory<byte> file)
    {
        var bytes = file.Span;
        BpfObjectException Fail(string reason, long? offset = null) => new(fileName, reason, null, offset);

        if (bytes.Length < ElfConstants.HeaderSize) throw Fail($"file is {bytes.Length} bytes, too short for an ELF header");
        if (bytes[0] != 0x7F || bytes[1] != (byte)'E' || bytes[2] != (byte)'L' || bytes[3] != (byte)'F')
            throw Fail("not an ELF file (bad magic)", 0);
        if (bytes[4] != ElfConstants.ClassElf64) throw Fail($"ELF class {bytes[4]} is not ELFCLASS64", 4);
        if (bytes[5] != ElfConstants.DataLittleEndian) throw Fail($"ELF data encoding {bytes[5]} is not little-endian", 5);
        ushort type = BinaryPrimitives.ReadUInt16LittleEndian(bytes[16..]);
        ushort machine = BinaryPrimitives.ReadUInt16LittleEndian(bytes[18..]);
        if (machine is not (ElfConstants.MachineBpf or ElfConstants.MachineNone))
            throw Fail($"machine {machine} is not EM_BPF (247) or EM_NONE (0)", 18);
        if (type != ElfConstants.TypeRelocatable) throw Fail($"ELF type {type} is not a relocatable object (ET_REL)", 16);
        ulong shoff = BinaryPrimitives.ReadUInt64LittleEndian(bytes[40..]);
        ushort shentsize = BinaryPrimitives.ReadUInt16LittleEndian(bytes[58..]);
        ushort shnum = BinaryPrimitives.ReadUInt16LittleEndian(bytes[60..]);
        ushort shstrndx = BinaryPrimitives.ReadUInt16LittleEndian(bytes[62..]);
        if (shnum == 0) throw Fail("the object has no section headers", 60);
        if (shentsize != ElfConstants.SectionHeaderSize) throw Fail($"section header size {shentsize} is not 64", 58);
        if (shoff > (ulong)bytes.Length || (ulong)shnum * ElfConstants.SectionHeaderSize > (ulong)bytes.Length - shoff)
            throw Fail($"section header table ({shnum} entries at 0x{shoff:x}) goes past the end of the file", 40);
        if (shstrndx >= shnum) throw Fail($"section name table index {shstrndx} is out of range ({shnum} sections)", 62);

        var raw = new (uint Name, uint Type, ulong Flags, ulong Offset, ulong Size, uint Link, uint Info, ulong EntSize)[shnum];
        for (int i = 0; i < shnum; i++)
        {
            var h = bytes.Slice((int)shoff + i * ElfConstants.SectionHeaderSize, ElfConstants.SectionHeaderSize);
            raw[i] = (BinaryPrimitives.ReadUInt32LittleEndian(h), BinaryPrimitives.ReadUInt32LittleEndian(h[4..]),
                BinaryPrimitives.ReadUInt64LittleEndian(h[8..]), BinaryPrimitives.ReadUInt64LittleEndian(h[24..]),
                BinaryPrimitives.ReadUInt64LittleEndian(h[32..]), BinaryPrimitives.ReadUInt32LittleEndian(h[40..]),
                BinaryPrimitives.ReadUInt32LittleEndian(h[44..]), BinaryPrimitives.ReadUInt64LittleEndian(h[56..]));
            bool hasData = raw[i].Type is not (ElfConstants.ShtNoBits or ElfConstants.ShtNull);
            if (hasData && (raw[i].Offset > (ulong)bytes.Length || raw[i].Size > (ulong)bytes.Length - raw[i].Offset))
                throw Fail($"section {i} (offset 0x{raw[i].Offset:x}, size 0x{raw[i].Size:x}) goes past the end of the file",
                    (long)shoff + i * ElfConstants.SectionHeaderSize);
        }

        var shstr = raw[shstrndx];
        if (shstr.Type != ElfConstants.ShtStrTab) throw Fail($"section name table (section {shstrndx}) is not SHT_STRTAB", 62);
        var shstrBytes = bytes.Slice((int)shstr.Offset, (int)shstr.Size);
        var sections = new ElfSection[shnum];
        for (int i = 0; i < shnum; i++)
        {
            // A name offset outside the table (seen in fuzzed files) leaves the section unnamed rather than refusing the
            // object: an unnamed section is never a program, map or data section, as ELFIO-based loaders also treat it.
            var name = ReadString(shstrBytes, raw[i].Name) ?? string.Empty;
            sections[i] = new ElfSection(i, name, raw[i].Type, raw[i].Flags, raw[i].Offset, raw[i].Size, raw[i].Link,
                raw[i].Info, raw[i].EntSize);
        }

        int symtabIndex = -1;
        for (int i = 0; i < shnum; i++)
        {
            if (sections[i].Type != ElfConstants.ShtSymTab) continue;
            if (symtabIndex >= 0) throw new BpfObjectException(fileName, "the object has more than one symbol table", sections[i].Name);
            symtabIndex = i;
        }
        var symbols = symtabIndex < 0 ? [] : ReadSymbols(fileName, bytes, sections, sections[symtabIndex]);
        return new ElfImage(fileName, file, sections, symtabIndex, symbols);
    }

    private static ElfSymbol[] ReadSymbols(string fileName, ReadOnlySpan<byte> bytes, ElfSection[] sections, in ElfSection symtab)
    {
        if (symtab.EntrySize != ElfConstants.SymbolSize)
            throw new BpfObjectException(fileName, $"symbol entry size is {symtab.EntrySize}, expected {ElfConstants.SymbolSize}", symtab.Name);
        if (symtab.Size % ElfConstants.SymbolSize != 0)
            throw new BpfObjectException(fileName, $"symbol table size {symtab.Size} is not a multiple of {ElfConstants.SymbolSize}", symtab.Name);
        if (symtab.Link >= (uint)sections.Length || sections[symtab.Link].Type != ElfConstants.ShtStrTab)
            throw new BpfObjectException(fileName, $"symbol table links to section {symtab.Link}, which is not a string table", symtab.Name);
        var strtab = sections[symtab.Link];
        var strings = bytes.Slice((int)strtab.FileOffset, (int)strtab.Size);
        var table = bytes.Slice((int)symtab.FileOffset, (int)symtab.Size);
        var symbols = new ElfSymbol[table.Length / ElfConstants.SymbolSize];
        var names = new Dictionary<uint, string>();
        for (int i = 0; i < symbols.Length; i++)
        {
            var s = table.Slice(i * ElfConstants.SymbolSize, ElfConstants.SymbolSize);
            uint nameOffset = BinaryPrimitives.ReadUInt32LittleEndian(s);
            byte info = s[4];
            ushort shndx = BinaryPrimitives.ReadUInt16LittleEndian(s[6..]);
            ulong value = BinaryPrimitives.ReadUInt64LittleEndian(s[8..]);
            ulong size = BinaryPrimitives.ReadUInt64LittleEndian(s[16..]);
            if (!names.TryGetValue(nameOffset, out var name))
            {
                // As for sections: a bad name offset leaves the symbol unnamed (it then names no function or map).
                name = ReadString(strings, nameOffset) ?? string.Empty;
                names[nameOffset] = name;
            }
            if (shndx != ElfConstants.ShnUndef && shndx < ElfConstants.ShnLoReserve && shndx >= sections.Length)
                throw new BpfObjectException(fileName, $"symbol {i} '{name}' is in section {shndx}, which does not exist",
                    symtab.Name, i * ElfConstants.SymbolSize);
            symbols[i] = new ElfSymbol(i, name, value, size, info, shndx);
        }
        return symbols;
    }

    /// <summary>A NUL-terminated string at <paramref name="offset"/>, or null when the offset or the string runs out.</summary>
    internal static string? ReadString(ReadOnlySpan<byte> table, uint offset)
    {
        if (offset >= (uint)table.Length) return offset == 0 ? string.Empty : null;
        var rest = table[(int)offset..];
        int end = rest.IndexOf((byte)0);
        if (end < 0) return null;
        return end == 0 ? string.Empty : Encoding.UTF8.GetString(rest[..end]);
    }
}
