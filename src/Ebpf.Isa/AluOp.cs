namespace Ebpf.Isa;

/// <summary>Arithmetic operation code (high nibble of ALU/ALU64 opcodes).</summary>
public enum AluOp : byte
{
    Add = 0x00,
    Sub = 0x10,
    Mul = 0x20,
    /// <summary>Unsigned division; signed when offset is 1 (v4 sdiv).</summary>
    Div = 0x30,
    Or = 0x40,
    And = 0x50,
    Lsh = 0x60,
    Rsh = 0x70,
    Neg = 0x80,
    /// <summary>Unsigned modulo; signed when offset is 1 (v4 smod).</summary>
    Mod = 0x90,
    Xor = 0xA0,
    /// <summary>Move; sign-extending move when offset is 8, 16 or 32 (v4 movsx).</summary>
    Mov = 0xB0,
    Arsh = 0xC0,
    /// <summary>Byte swap: to-LE / to-BE in ALU, unconditional bswap in ALU64 (v4).</summary>
    End = 0xD0,
}
