namespace Ebpf.Isa;

/// <summary>Jump operation code (high nibble of JMP/JMP32 opcodes).</summary>
public enum JmpOp : byte
{
    Ja = 0x00,
    Jeq = 0x10,
    Jgt = 0x20,
    Jge = 0x30,
    Jset = 0x40,
    Jne = 0x50,
    Jsgt = 0x60,
    Jsge = 0x70,
    Call = 0x80,
    Exit = 0x90,
    Jlt = 0xA0,
    Jle = 0xB0,
    Jslt = 0xC0,
    Jsle = 0xD0,
}
