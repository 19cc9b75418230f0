namespace Ebpf.Elf.Format;

/// <summary>The ELF64 numbers the loader reads (System V gABI; BPF relocation types from LLVM's ELFRelocs/BPF.def).</summary>
internal static class ElfConstants
{
    public const int HeaderSize = 64;
    public const int SectionHeaderSize = 64;
    public const int SymbolSize = 24;
    public const int RelSize = 16;
    public const int RelaSize = 24;

    public const byte ClassElf64 = 2;
    public const byte DataLittleEndian = 1;
    public const ushort TypeRelocatable = 1;
    public const ushort MachineBpf = 247;
    /// <summary>EM_NONE: what LLVM wrote for BPF objects before EM_BPF existed; libbpf accepts it.</summary>
    public const ushort MachineNone = 0;

    public const uint ShtNull = 0;
    public const uint ShtProgBits = 1;
    public const uint ShtSymTab = 2;
    public const uint ShtStrTab = 3;
    public const uint ShtRela = 4;
    public const uint ShtNoBits = 8;
    public const uint ShtRel = 9;

    public const ulong ShfWrite = 0x1;
    public const ulong ShfAlloc = 0x2;
    public const ulong ShfExecInstr = 0x4;

    public const ushort ShnUndef = 0;
    public const ushort ShnLoReserve = 0xFF00;
    public const ushort ShnAbs = 0xFFF1;
    public const ushort ShnCommon = 0xFFF2;

    public const byte SttNoType = 0;
    public const byte SttObject = 1;
    public const byte SttFunc = 2;
    public const byte SttSection = 3;
    public const byte SttFile = 4;

    public const byte StbLocal = 0;
    public const byte StbGlobal = 1;
    public const byte StbWeak = 2;

    public const uint RBpfNone = 0;
    /// <summary>lddw: 64-bit address split over the two imm fields (maps, global data, function pointers).</summary>
    public const uint RBpf64_64 = 1;
    public const uint RBpf64Abs64 = 2;
    public const uint RBpf64Abs32 = 3;
    public const uint RBpf64NoDyld32 = 4;
    /// <summary>call imm: bpf-to-bpf call target.</summary>
    public const uint RBpf64_32 = 10;
}
