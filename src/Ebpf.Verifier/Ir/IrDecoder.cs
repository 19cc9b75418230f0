using System.Collections.Immutable;
using Ebpf.Isa;

namespace Ebpf.Verifier.Ir;

/// <summary>
/// Decodes eBPF instruction slots (RFC 9669) into <see cref="IrProgram"/>. Slots that are not valid instructions
/// become <see cref="InvalidInstruction"/> with the reason, so that the verifier can report them by index.
/// </summary>
public static class IrDecoder
{
    public static IrProgram Decode(ReadOnlySpan<Instruction> program)
    {
        if (program.Length == 0) throw new ArgumentException("The program has no instructions.", nameof(program));
        var slots = new IrInstruction?[program.Length];
        for (int pc = 0; pc < program.Length; pc++)
        {
            var ins = program[pc];
            if (ins.IsWideLoad)
            {
                if (pc + 1 >= program.Length)
                {
                    slots[pc] = new InvalidInstruction("lddw is missing its second slot");
                    continue;
                }
                slots[pc] = DecodeWide(ins, program[pc + 1], pc, program.Length);
                pc++;
                continue;
            }
            slots[pc] = DecodeOne(ins, pc, program.Length);
        }
        // A function reference must name the first slot of an instruction: known only once every slot is decoded.
        for (int pc = 0; pc < slots.Length; pc++)
        {
            if (slots[pc] is LoadFunctionInstruction f && slots[f.Target] is null)
                slots[pc] = new InvalidInstruction($"lddw function reference to {f.Target}, the middle of an lddw");
        }
        FuseZeroExtensions(slots);
        return new IrProgram(ImmutableArray.Create(slots));
    }

    /// <summary>
    /// <c>r &lt;&lt;= 32; r &gt;&gt;= 32</c> is how clang zero-extends a 32-bit value: decoded as <c>w = w</c> (the same
    /// result) and a copy of r to itself, so a value already below 2^32 keeps its relations (to a loop counter, a
    /// packet offset) instead of passing through r * 2^32. Not where a jump lands between the two.
    /// </summary>
    private static void FuseZeroExtensions(IrInstruction?[] slots)
    {
        var targets = new HashSet<int>();
        foreach (var ins in slots)
        {
            if (ins is JumpInstruction j) targets.Add(j.Target);
            else if (ins is CallLocalInstruction c) targets.Add(c.Target);
        }
        for (int pc = 0; pc + 1 < slots.Length; pc++)
        {
            if (slots[pc] is BinaryInstruction { Op: BinaryOp.Lsh, Is64: true, Src: { IsRegister: false, Immediate: 32 } } shl
                && slots[pc + 1] is BinaryInstruction { Op: BinaryOp.Rsh, Is64: true, Src: { IsRegister: false, Immediate: 32 } } shr
                && shl.Dst == shr.Dst && !targets.Contains(pc + 1))
            {
                slots[pc] = new BinaryInstruction(BinaryOp.Mov, shl.Dst, Operand.Reg(shl.Dst), false);
                slots[pc + 1] = new BinaryInstruction(BinaryOp.Mov, shl.Dst, Operand.Reg(shl.Dst), true);
            }
        }
    }

    private static IrInstruction DecodeWide(Instruction first, Instruction second, int pc, int length)
    {
        if (second.Opcode != 0 || second.Dst != 0 || second.Src != 0 || second.Offset != 0)
            return new InvalidInstruction("lddw second slot must have opcode 0 and zero registers and offset");
        if (first.Dst > 9) return new InvalidInstruction($"lddw writes r{first.Dst}");
        if (first.Offset != 0) return new InvalidInstruction("lddw has a non-zero offset");
        return first.Src switch
        {
            PseudoSource.Imm64 => new BinaryInstruction(BinaryOp.Mov, first.Dst,
                Operand.Imm((long)((uint)first.Imm | ((ulong)(uint)second.Imm << 32))), true, true),
            PseudoSource.MapFd => second.Imm == 0
                ? new LoadMapInstruction(first.Dst, first.Imm, false)
                : new InvalidInstruction("lddw map_fd has a non-zero second immediate"),
            PseudoSource.MapIndex => second.Imm == 0
                ? new LoadMapInstruction(first.Dst, first.Imm, true)
                : new InvalidInstruction("lddw map_idx has a non-zero second immediate"),
            PseudoSource.MapValue => new LoadMapValueInstruction(first.Dst, first.Imm, second.Imm, false),
            PseudoSource.MapIndexValue => new LoadMapValueInstruction(first.Dst, first.Imm, second.Imm, true),
            // The kernel's BPF_PSEUDO_FUNC: imm is the callee's index relative to the instruction after the first slot.
            PseudoSource.Func => second.Imm != 0
                ? new InvalidInstruction("lddw function reference has a non-zero second immediate")
                : (long)pc + 1 + first.Imm is var target && target >= 0 && target < length
                    ? new LoadFunctionInstruction(first.Dst, (int)target)
                    : new InvalidInstruction($"lddw function reference to {(long)pc + 1 + first.Imm}, outside the program"),
            _ => new InvalidInstruction($"lddw with src {first.Src} is not supported"),
        };
    }

    private static IrInstruction DecodeOne(Instruction ins, int pc, int length)
    {
        if (ins.Dst > 10) return new InvalidInstruction($"bad register r{ins.Dst}");
        if (ins.Src > 10) return new InvalidInstruction($"bad register r{ins.Src}");
        return ins.Class switch
        {
            OpClass.Alu32 or OpClass.Alu64 => DecodeAlu(ins),
            OpClass.Jmp or OpClass.Jmp32 => DecodeJump(ins, pc, length),
            OpClass.Ld => DecodeLegacyLoad(ins),
            OpClass.Ldx => DecodeLoad(ins),
            OpClass.St or OpClass.Stx => DecodeStore(ins),
            _ => new InvalidInstruction($"bad opcode 0x{ins.Opcode:x2}"),
        };
    }

    private static IrInstruction DecodeAlu(Instruction ins)
    {
        bool is64 = ins.Class == OpClass.Alu64;
        var aluOp = (AluOp)ins.Operation;
        if (ins.Dst == Registers.FramePointer) return new InvalidInstruction("r10 is read-only");
        if (!ins.UsesSrcRegister && ins.Src != 0) return new InvalidInstruction("nonzero src field in an immediate ALU instruction");
        if (ins.UsesSrcRegister && ins.Imm != 0 && aluOp != AluOp.End) return new InvalidInstruction("nonzero imm field in a register ALU instruction");
        var src = ins.UsesSrcRegister ? Operand.Reg(ins.Src) : Operand.Imm(is64 ? ins.Imm : (uint)ins.Imm);
        switch (aluOp)
        {
            case AluOp.Neg:
                if (ins.UsesSrcRegister || ins.Imm != 0 || ins.Offset != 0) return new InvalidInstruction("bad neg encoding");
                return new UnaryInstruction(UnaryOp.Neg, ins.Dst, is64);
            case AluOp.End:
                if (ins.Offset != 0) return new InvalidInstruction("nonzero offset in a byte-swap instruction");
                if (is64 && ins.UsesSrcRegister) return new InvalidInstruction("bad bswap encoding");
                int width = ins.Imm;
                if (width is not (16 or 32 or 64)) return new InvalidInstruction($"bad byte-swap width {width}");
                int index = width == 16 ? 0 : width == 32 ? 1 : 2;
                var op = (UnaryOp)((int)(is64 ? UnaryOp.Swap16 : ins.UsesSrcRegister ? UnaryOp.Be16 : UnaryOp.Le16) + index);
                return new UnaryInstruction(op, ins.Dst, true);
            case AluOp.Div or AluOp.Mod:
                if (ins.Offset is not (0 or 1)) return new InvalidInstruction("bad offset in a division");
                var div = aluOp == AluOp.Div ? (ins.Offset == 1 ? BinaryOp.SDiv : BinaryOp.UDiv) : (ins.Offset == 1 ? BinaryOp.SMod : BinaryOp.UMod);
                return new BinaryInstruction(div, ins.Dst, src, is64);
            case AluOp.Mov:
                if (ins.Offset == 0) return new BinaryInstruction(BinaryOp.Mov, ins.Dst, src, is64);
                if (!ins.UsesSrcRegister) return new InvalidInstruction("movsx needs a register source");
                return ins.Offset switch
                {
                    8 => new BinaryInstruction(BinaryOp.MovSx8, ins.Dst, src, is64),
                    16 => new BinaryInstruction(BinaryOp.MovSx16, ins.Dst, src, is64),
                    32 when is64 => new BinaryInstruction(BinaryOp.MovSx32, ins.Dst, src, is64),
                    _ => new InvalidInstruction($"bad movsx offset {ins.Offset}"),
                };
        }
        if (ins.Offset != 0) return new InvalidInstruction("nonzero offset in an ALU instruction");
        BinaryOp? bin = aluOp switch
        {
            AluOp.Add => BinaryOp.Add, AluOp.Sub => BinaryOp.Sub, AluOp.Mul => BinaryOp.Mul, AluOp.Or => BinaryOp.Or,
            AluOp.And => BinaryOp.And, AluOp.Lsh => BinaryOp.Lsh, AluOp.Rsh => BinaryOp.Rsh, AluOp.Arsh => BinaryOp.Arsh,
            AluOp.Xor => BinaryOp.Xor, _ => null,
        };
        if (bin is null) return new InvalidInstruction($"bad ALU opcode 0x{ins.Opcode:x2}");
        if (!ins.UsesSrcRegister && bin is BinaryOp.Lsh or BinaryOp.Rsh or BinaryOp.Arsh && (uint)ins.Imm >= (is64 ? 64u : 32u))
            return new InvalidInstruction($"shift by {ins.Imm} is out of range");
        return new BinaryInstruction(bin.Value, ins.Dst, src, is64);
    }

    private static IrInstruction DecodeJump(Instruction ins, int pc, int length)
    {
        bool is64 = ins.Class == OpClass.Jmp;
        var op = (JmpOp)ins.Operation;
        switch (op)
        {
            case JmpOp.Ja:
            {
                if (ins.UsesSrcRegister || ins.Dst != 0 || ins.Src != 0) return new InvalidInstruction("bad ja encoding");
                long rel = is64 ? ins.Offset : ins.Imm;
                if (is64 && ins.Imm != 0) return new InvalidInstruction("nonzero imm in ja");
                return Target(pc, rel, length) is int t ? new JumpInstruction(null, t) : new InvalidInstruction($"jump to {pc + 1 + rel} is out of bounds");
            }
            case JmpOp.Call:
                if (!is64) return new InvalidInstruction("call in the JMP32 class");
                if (ins.UsesSrcRegister)
                {
                    // callx: the register is in dst (Linux/PREVAIL), tolerate it in imm (LLVM's older encoding).
                    byte reg = ins.Dst != 0 ? ins.Dst : (byte)ins.Imm;
                    if (reg > 10) return new InvalidInstruction($"bad callx register {reg}");
                    return new CallRegisterInstruction(reg);
                }
                if (ins.Dst != 0 || ins.Offset != 0) return new InvalidInstruction("nonzero dst or offset in a call");
                return ins.Src switch
                {
                    PseudoSource.HelperCall => new CallHelperInstruction(ins.Imm),
                    PseudoSource.LocalCall => Target(pc, ins.Imm, length) is int t
                        ? new CallLocalInstruction(t) : new InvalidInstruction($"call to {pc + 1 + (long)ins.Imm} is out of bounds"),
                    _ => new InvalidInstruction($"call with src {ins.Src} (kernel function) is not supported"),
                };
            case JmpOp.Exit:
                if (!is64 || ins.UsesSrcRegister || ins.Dst != 0 || ins.Src != 0 || ins.Offset != 0 || ins.Imm != 0)
                    return new InvalidInstruction("bad exit encoding");
                return new ExitInstruction();
        }
        ConditionOp? cond = op switch
        {
            JmpOp.Jeq => ConditionOp.Eq, JmpOp.Jne => ConditionOp.Ne, JmpOp.Jset => ConditionOp.Set,
            JmpOp.Jgt => ConditionOp.Gt, JmpOp.Jge => ConditionOp.Ge, JmpOp.Jlt => ConditionOp.Lt, JmpOp.Jle => ConditionOp.Le,
            JmpOp.Jsgt => ConditionOp.SGt, JmpOp.Jsge => ConditionOp.SGe, JmpOp.Jslt => ConditionOp.SLt, JmpOp.Jsle => ConditionOp.SLe,
            _ => null,
        };
        if (cond is null) return new InvalidInstruction($"bad jump opcode 0x{ins.Opcode:x2}");
        if (!ins.UsesSrcRegister && ins.Src != 0) return new InvalidInstruction("nonzero src in an immediate jump");
        var right = ins.UsesSrcRegister ? Operand.Reg(ins.Src) : Operand.Imm(is64 ? ins.Imm : (uint)ins.Imm);
        return Target(pc, ins.Offset, length) is int target
            ? new JumpInstruction(new Condition(cond.Value, ins.Dst, right, is64), target)
            : new InvalidInstruction($"jump to {pc + 1 + ins.Offset} is out of bounds");
    }

    private static int? Target(int pc, long relative, int length)
    {
        long target = pc + 1 + relative;
        return target >= 0 && target < length ? (int)target : null;
    }

    private static IrInstruction DecodeLegacyLoad(Instruction ins)
    {
        if (ins.Mode is not (AccessMode.Abs or AccessMode.Ind)) return new InvalidInstruction($"bad LD opcode 0x{ins.Opcode:x2}");
        if (ins.AccessSize == AccessSize.Double) return new InvalidInstruction("legacy packet load of 8 bytes");
        if (ins.Dst != 0 || ins.Offset != 0) return new InvalidInstruction("nonzero dst or offset in a legacy packet load");
        if (ins.Mode == AccessMode.Abs && ins.Src != 0) return new InvalidInstruction("nonzero src in LD_ABS");
        return new PacketLoadInstruction(ins.AccessSize.Bytes(), ins.Imm, ins.Mode == AccessMode.Ind ? ins.Src : null);
    }

    private static IrInstruction DecodeLoad(Instruction ins)
    {
        if (ins.Mode is not (AccessMode.Mem or AccessMode.MemSx)) return new InvalidInstruction($"bad LDX opcode 0x{ins.Opcode:x2}");
        if (ins.Imm != 0) return new InvalidInstruction("nonzero imm in a load");
        if (ins.Dst == Registers.FramePointer) return new InvalidInstruction("r10 is read-only");
        bool sx = ins.Mode == AccessMode.MemSx;
        if (sx && ins.AccessSize == AccessSize.Double) return new InvalidInstruction("sign-extending load of 8 bytes");
        return new MemoryInstruction(ins.Src, ins.Offset, ins.AccessSize.Bytes(), true, Operand.Reg(ins.Dst), sx);
    }

    private static IrInstruction DecodeStore(Instruction ins)
    {
        if (ins.Class == OpClass.Stx && ins.Mode == AccessMode.Atomic)
        {
            if (ins.AccessSize is not (AccessSize.Word or AccessSize.Double)) return new InvalidInstruction("atomic operation of 1 or 2 bytes");
            var op = (AtomicOp)ins.Imm;
            if (ins.Imm is not (0x00 or 0x01 or 0x40 or 0x41 or 0x50 or 0x51 or 0xA0 or 0xA1 or 0xE1 or 0xF1))
                return new InvalidInstruction($"bad atomic operation 0x{ins.Imm:x}");
            return new AtomicInstruction(op, ins.Dst, ins.Offset, ins.AccessSize.Bytes(), ins.Src);
        }
        if (ins.Mode != AccessMode.Mem) return new InvalidInstruction($"bad store opcode 0x{ins.Opcode:x2}");
        if (ins.Class == OpClass.St)
        {
            if (ins.Src != 0) return new InvalidInstruction("nonzero src in a store of an immediate");
            return new MemoryInstruction(ins.Dst, ins.Offset, ins.AccessSize.Bytes(), false, Operand.Imm(ins.Imm));
        }
        if (ins.Imm != 0) return new InvalidInstruction("nonzero imm in a register store");
        return new MemoryInstruction(ins.Dst, ins.Offset, ins.AccessSize.Bytes(), false, Operand.Reg(ins.Src));
    }
}
