namespace Ebpf.Isa;

/// <summary>Whole-opcode constants for the instructions referred to by name across the platform.</summary>
public static class OpCodes
{
    public const byte LdDw = 0x18;        // BPF_LD | BPF_IMM | BPF_DW
    public const byte Call = 0x85;        // BPF_JMP | BPF_CALL
    public const byte CallX = 0x8D;       // BPF_JMP | BPF_CALL | BPF_X
    public const byte Exit = 0x95;        // BPF_JMP | BPF_EXIT
    public const byte Ja = 0x05;          // BPF_JMP | BPF_JA
    public const byte Ja32 = 0x06;        // BPF_JMP32 | BPF_JA (gotol: 32-bit offset in imm)
    public const byte Mov64Imm = 0xB7;
    public const byte Mov64Reg = 0xBF;
    public const byte Mov32Imm = 0xB4;
    public const byte Mov32Reg = 0xBC;

    public static byte Make(OpClass cls, AluOp op, bool srcReg) => (byte)((byte)cls | (byte)op | (srcReg ? 0x08 : 0));
    public static byte Make(OpClass cls, JmpOp op, bool srcReg) => (byte)((byte)cls | (byte)op | (srcReg ? 0x08 : 0));
    public static byte Make(OpClass cls, AccessMode mode, AccessSize size) => (byte)((byte)cls | (byte)mode | (byte)size);
}
