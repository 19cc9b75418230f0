using System.Globalization;
using System.Text;

namespace Ebpf.Isa;

/// <summary>
/// Prints instructions in the assembly syntax of the bpf_conformance suite (<c>add32 %r0, 1</c>,
/// <c>ldxdw %r0, [%r1+2]</c>, <c>lock fetch add [%r10-8], %r1</c>, <c>ja +2</c>). Jumps print as relative offsets;
/// the output assembles back to the same bytes with <see cref="Assembler"/>.
/// </summary>
public static class Disassembler
{
    /// <summary>One line per instruction (lddw counts once), each ending in a newline.</summary>
    public static string Disassemble(ReadOnlySpan<Instruction> program)
    {
        var text = new StringBuilder();
        for (int i = 0; i < program.Length; i += SlotsAt(program, i)) text.Append(Format(program, i)).Append('\n');
        return text.ToString();
    }

    /// <summary>A listing with slot indices (<c>   4: exit</c>), for people rather than the assembler.</summary>
    public static string Listing(ReadOnlySpan<Instruction> program)
    {
        var text = new StringBuilder();
        for (int i = 0; i < program.Length; i += SlotsAt(program, i))
            text.Append(i.ToString(CultureInfo.InvariantCulture).PadLeft(4)).Append(": ").Append(Format(program, i)).Append('\n');
        return text.ToString();
    }

    /// <summary>The instruction starting at <paramref name="index"/> (an lddw reads the following slot too).</summary>
    public static string Format(ReadOnlySpan<Instruction> program, int index)
    {
        var insn = program[index];
        if (insn.Opcode == OpCodes.LdDw)
        {
            int high = index + 1 < program.Length ? program[index + 1].Imm : 0;
            return FormatWideLoad(insn, high);
        }
        return Format(insn);
    }

    /// <summary>A single-slot instruction; lddw shows only the low half of its immediate.</summary>
    public static string Format(Instruction insn)
    {
        var dst = Reg(insn.Dst);
        var src = Reg(insn.Src);
        bool is32 = insn.Class is OpClass.Alu32 or OpClass.Jmp32;
        string width = is32 ? "32" : "";
        switch (OpcodeTable.FormOf(insn.Opcode))
        {
            case InstructionForm.AluImm:
                return $"{AluName(insn)}{width} {dst}, {Imm(insn.Imm)}";
            case InstructionForm.AluReg:
                if ((AluOp)insn.Operation == AluOp.Mov && insn.Offset != 0)
                    return $"movsx{insn.Offset}{(is32 ? "32" : "64")} {dst}, {src}";
                return $"{AluName(insn)}{width} {dst}, {src}";
            case InstructionForm.Neg:
                return $"neg{width} {dst}";
            case InstructionForm.Endian:
                string kind = insn.Class == OpClass.Alu64 ? "bswap" : insn.UsesSrcRegister ? "be" : "le";
                return $"{kind}{insn.Imm} {dst}";
            case InstructionForm.JumpImm:
                return $"{Mnemonics.Jump[(JmpOp)insn.Operation]}{width} {dst}, {Imm(insn.Imm)}, {Rel(insn.Offset)}";
            case InstructionForm.JumpReg:
                return $"{Mnemonics.Jump[(JmpOp)insn.Operation]}{width} {dst}, {src}, {Rel(insn.Offset)}";
            case InstructionForm.Ja:
                return $"ja {Rel(insn.Offset)}";
            case InstructionForm.Ja32:
                return $"ja32 {Rel(insn.Imm)}";
            case InstructionForm.Call:
                return insn.Src switch
                {
                    PseudoSource.HelperCall => $"call {Imm(insn.Imm)}",
                    PseudoSource.LocalCall => $"call local {Rel(insn.Imm)}",
                    PseudoSource.KernelFunc => $"call runtime {Imm(insn.Imm)}",
                    _ => $"call src{insn.Src} {Imm(insn.Imm)}",
                };
            case InstructionForm.CallX:
                return $"call {dst}";
            case InstructionForm.Exit:
                return "exit";
            case InstructionForm.LoadWide:
                return FormatWideLoad(insn, 0);
            case InstructionForm.LoadMem:
                return $"ldx{Mnemonics.SizeSuffix(insn.AccessSize)} {dst}, {Mem(insn.Src, insn.Offset)}";
            case InstructionForm.LoadMemSx:
                return $"ldxs{Mnemonics.SizeSuffix(insn.AccessSize)} {dst}, {Mem(insn.Src, insn.Offset)}";
            case InstructionForm.StoreImm:
                return $"st{Mnemonics.SizeSuffix(insn.AccessSize)} {Mem(insn.Dst, insn.Offset)}, {Imm(insn.Imm)}";
            case InstructionForm.StoreReg:
                return $"stx{Mnemonics.SizeSuffix(insn.AccessSize)} {Mem(insn.Dst, insn.Offset)}, {src}";
            case InstructionForm.Atomic:
                return FormatAtomic(insn);
            case InstructionForm.LoadAbs:
                return $"ldabs{Mnemonics.SizeSuffix(insn.AccessSize)} {Imm(insn.Imm)}";
            case InstructionForm.LoadInd:
                return $"ldind{Mnemonics.SizeSuffix(insn.AccessSize)} {src}, {Imm(insn.Imm)}";
            default:
                return $"unknown 0x{insn.Opcode:x2}";
        }
    }

    private static int SlotsAt(ReadOnlySpan<Instruction> program, int index) =>
        program[index].Opcode == OpCodes.LdDw && index + 1 < program.Length ? 2 : 1;

    private static string FormatWideLoad(Instruction insn, int high)
    {
        if (insn.Src == PseudoSource.Imm64)
        {
            ulong value = (uint)insn.Imm | ((ulong)(uint)high << 32);
            return $"lddw {Reg(insn.Dst)}, 0x{value:x}";
        }
        string kind = insn.Src < Mnemonics.WideSource.Length ? Mnemonics.WideSource[insn.Src] : $"src{insn.Src}";
        return high == 0
            ? $"lddw {Reg(insn.Dst)}, {kind} {Imm(insn.Imm)}"
            : $"lddw {Reg(insn.Dst)}, {kind} {Imm(insn.Imm)}, {Imm(high)}";
    }

    private static string FormatAtomic(Instruction insn)
    {
        string width = insn.AccessSize == AccessSize.Word ? "32" : "";
        string operands = $"{Mem(insn.Dst, insn.Offset)}, {Reg(insn.Src)}";
        var op = (AtomicOp)insn.Imm;
        if (op is AtomicOp.Xchg or AtomicOp.Cmpxchg) return $"lock {Mnemonics.Atomic[op]}{width} {operands}";
        bool fetch = (op & AtomicOp.Fetch) != 0;
        return Mnemonics.Atomic.TryGetValue(op & ~AtomicOp.Fetch, out var name)
            ? $"lock {(fetch ? "fetch " : "")}{name}{width} {operands}"
            : $"lock unknown0x{insn.Imm:x} {operands}";
    }

    private static string AluName(Instruction insn)
    {
        var op = (AluOp)insn.Operation;
        if (insn.Offset == 1 && op == AluOp.Div) return "sdiv";
        if (insn.Offset == 1 && op == AluOp.Mod) return "smod";
        return Mnemonics.Alu[op];
    }

    internal static string Reg(int register) => "%r" + register.ToString(CultureInfo.InvariantCulture);

    /// <summary>Small and negative values in decimal, everything else as 32-bit hex (as the suite writes them).</summary>
    internal static string Imm(int imm) =>
        (imm < 0 && imm != int.MinValue) || (imm >= -10 && imm <= 10)
            ? imm.ToString(CultureInfo.InvariantCulture)
            : "0x" + ((uint)imm).ToString("x", CultureInfo.InvariantCulture);

    internal static string Rel(long offset) =>
        offset >= 0 ? "+" + offset.ToString(CultureInfo.InvariantCulture) : offset.ToString(CultureInfo.InvariantCulture);

    internal static string Mem(int register, short offset) => offset switch
    {
        0 => $"[{Reg(register)}]",
        > 0 => $"[{Reg(register)}+{offset.ToString(CultureInfo.InvariantCulture)}]",
        _ => $"[{Reg(register)}{offset.ToString(CultureInfo.InvariantCulture)}]",
    };
}
