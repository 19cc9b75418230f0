namespace Ebpf.Isa;

/// <summary>Makes instructions by name: <c>Insn.AluImm(true, AluOp.Add, 0, 1)</c> is <c>add %r0, 1</c>.</summary>
public static class Insn
{
    private static OpClass AluClass(bool is64) => is64 ? OpClass.Alu64 : OpClass.Alu32;
    private static OpClass JmpClass(bool is32) => is32 ? OpClass.Jmp32 : OpClass.Jmp;

    /// <summary>dst = dst op imm. Offset 1 on div/mod makes it signed (sdiv/smod).</summary>
    public static Instruction AluImm(bool is64, AluOp op, byte dst, int imm, short offset = 0) =>
        new(OpCodes.Make(AluClass(is64), op, false), dst, 0, offset, imm);

    /// <summary>dst = dst op src. Offset 1 on div/mod makes it signed; 8/16/32 on mov makes it movsx.</summary>
    public static Instruction AluReg(bool is64, AluOp op, byte dst, byte src, short offset = 0) =>
        new(OpCodes.Make(AluClass(is64), op, true), dst, src, offset, 0);

    public static Instruction Mov64(byte dst, int imm) => AluImm(true, AluOp.Mov, dst, imm);
    public static Instruction Mov64Reg(byte dst, byte src) => AluReg(true, AluOp.Mov, dst, src);
    public static Instruction Mov32(byte dst, int imm) => AluImm(false, AluOp.Mov, dst, imm);

    /// <summary>Sign-extending move of the low <paramref name="bits"/> (8, 16, or 32 for 64-bit) of src.</summary>
    public static Instruction MovSx(bool is64, byte dst, byte src, short bits) => AluReg(is64, AluOp.Mov, dst, src, bits);

    public static Instruction Neg(bool is64, byte dst) => new(OpCodes.Make(AluClass(is64), AluOp.Neg, false), dst, 0, 0, 0);

    /// <summary>Convert to little-endian (truncate to <paramref name="width"/> bits on little-endian hosts).</summary>
    public static Instruction Le(byte dst, int width) => new(OpCodes.Make(OpClass.Alu32, AluOp.End, false), dst, 0, 0, width);

    public static Instruction Be(byte dst, int width) => new(OpCodes.Make(OpClass.Alu32, AluOp.End, true), dst, 0, 0, width);

    /// <summary>Unconditional byte swap (ALU64 | END, v4).</summary>
    public static Instruction Bswap(byte dst, int width) => new(OpCodes.Make(OpClass.Alu64, AluOp.End, false), dst, 0, 0, width);

    public static Instruction JumpImm(bool is32, JmpOp op, byte dst, int imm, short offset) =>
        new(OpCodes.Make(JmpClass(is32), op, false), dst, 0, offset, imm);

    public static Instruction JumpReg(bool is32, JmpOp op, byte dst, byte src, short offset) =>
        new(OpCodes.Make(JmpClass(is32), op, true), dst, src, offset, 0);

    public static Instruction Ja(short offset) => new(OpCodes.Ja, 0, 0, offset, 0);

    /// <summary>gotol: unconditional jump with a 32-bit offset in imm.</summary>
    public static Instruction Ja32(int offset) => new(OpCodes.Ja32, 0, 0, 0, offset);

    public static Instruction Call(int helperId) => new(OpCodes.Call, 0, PseudoSource.HelperCall, 0, helperId);

    /// <summary>bpf-to-bpf call; <paramref name="relative"/> counts from the next slot.</summary>
    public static Instruction CallLocal(int relative) => new(OpCodes.Call, 0, PseudoSource.LocalCall, 0, relative);

    public static Instruction CallRuntime(int id) => new(OpCodes.Call, 0, PseudoSource.KernelFunc, 0, id);

    /// <summary>Call the helper whose id is in <paramref name="register"/>.</summary>
    public static Instruction CallX(byte register) => new(OpCodes.CallX, register, 0, 0, 0);

    public static Instruction Exit() => new(OpCodes.Exit, 0, 0, 0, 0);

    /// <summary>The two slots of <c>lddw dst, value</c>.</summary>
    public static Instruction[] LdDw(byte dst, ulong value) =>
    [
        new(OpCodes.LdDw, dst, PseudoSource.Imm64, 0, (int)(uint)value),
        new(0, 0, 0, 0, (int)(uint)(value >> 32)),
    ];

    /// <summary>The two slots of a pseudo lddw (map fd, map value, ...): src selects the kind.</summary>
    public static Instruction[] LdDwPseudo(byte dst, byte source, int imm, int nextImm = 0) =>
    [
        new(OpCodes.LdDw, dst, source, 0, imm),
        new(0, 0, 0, 0, nextImm),
    ];

    public static Instruction Load(AccessSize size, byte dst, byte src, short offset) =>
        new(OpCodes.Make(OpClass.Ldx, AccessMode.Mem, size), dst, src, offset, 0);

    public static Instruction LoadSx(AccessSize size, byte dst, byte src, short offset) =>
        new(OpCodes.Make(OpClass.Ldx, AccessMode.MemSx, size), dst, src, offset, 0);

    public static Instruction StoreImm(AccessSize size, byte dst, short offset, int imm) =>
        new(OpCodes.Make(OpClass.St, AccessMode.Mem, size), dst, 0, offset, imm);

    public static Instruction StoreReg(AccessSize size, byte dst, short offset, byte src) =>
        new(OpCodes.Make(OpClass.Stx, AccessMode.Mem, size), dst, src, offset, 0);

    public static Instruction Atomic(AccessSize size, AtomicOp op, byte dst, short offset, byte src) =>
        new(OpCodes.Make(OpClass.Stx, AccessMode.Atomic, size), dst, src, offset, (int)op);

    public static Instruction LoadAbs(AccessSize size, int imm) => new(OpCodes.Make(OpClass.Ld, AccessMode.Abs, size), 0, 0, 0, imm);

    public static Instruction LoadInd(AccessSize size, byte src, int imm) =>
        new(OpCodes.Make(OpClass.Ld, AccessMode.Ind, size), 0, src, 0, imm);
}
