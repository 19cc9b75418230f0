namespace Ebpf.Isa;

/// <summary>The form of every one of the 256 opcodes (Invalid for those RFC 9669 does not define).</summary>
public static class OpcodeTable
{
    private static readonly InstructionForm[] Forms = Build();

    public static InstructionForm FormOf(byte opcode) => Forms[opcode];

    public static bool IsDefined(byte opcode) => Forms[opcode] != InstructionForm.Invalid;

    /// <summary>All defined opcodes, ascending.</summary>
    public static IReadOnlyList<byte> DefinedOpcodes { get; } =
        Enumerable.Range(0, 256).Where(op => Forms[op] != InstructionForm.Invalid).Select(op => (byte)op).ToArray();

    private static InstructionForm[] Build()
    {
        var forms = new InstructionForm[256];
        foreach (var cls in new[] { OpClass.Alu32, OpClass.Alu64 })
        {
            foreach (AluOp op in Enum.GetValues<AluOp>())
            {
                switch (op)
                {
                    case AluOp.Neg:
                        forms[OpCodes.Make(cls, op, false)] = InstructionForm.Neg;
                        break;
                    case AluOp.End:
                        forms[OpCodes.Make(cls, op, false)] = InstructionForm.Endian;
                        // BPF_X selects big-endian in ALU; ALU64 | END | X is undefined.
                        if (cls == OpClass.Alu32) forms[OpCodes.Make(cls, op, true)] = InstructionForm.Endian;
                        break;
                    default:
                        forms[OpCodes.Make(cls, op, false)] = InstructionForm.AluImm;
                        forms[OpCodes.Make(cls, op, true)] = InstructionForm.AluReg;
                        break;
                }
            }
        }

        foreach (var cls in new[] { OpClass.Jmp, OpClass.Jmp32 })
        {
            foreach (JmpOp op in Enum.GetValues<JmpOp>())
            {
                switch (op)
                {
                    case JmpOp.Ja:
                        forms[OpCodes.Make(cls, op, false)] = cls == OpClass.Jmp ? InstructionForm.Ja : InstructionForm.Ja32;
                        break;
                    case JmpOp.Call:
                        if (cls == OpClass.Jmp)
                        {
                            forms[OpCodes.Call] = InstructionForm.Call;
                            forms[OpCodes.CallX] = InstructionForm.CallX;
                        }
                        break;
                    case JmpOp.Exit:
                        if (cls == OpClass.Jmp) forms[OpCodes.Exit] = InstructionForm.Exit;
                        break;
                    default:
                        forms[OpCodes.Make(cls, op, false)] = InstructionForm.JumpImm;
                        forms[OpCodes.Make(cls, op, true)] = InstructionForm.JumpReg;
                        break;
                }
            }
        }

        forms[OpCodes.LdDw] = InstructionForm.LoadWide;
        foreach (AccessSize size in Enum.GetValues<AccessSize>())
        {
            forms[OpCodes.Make(OpClass.Ldx, AccessMode.Mem, size)] = InstructionForm.LoadMem;
            forms[OpCodes.Make(OpClass.St, AccessMode.Mem, size)] = InstructionForm.StoreImm;
            forms[OpCodes.Make(OpClass.Stx, AccessMode.Mem, size)] = InstructionForm.StoreReg;
            if (size != AccessSize.Double)
            {
                forms[OpCodes.Make(OpClass.Ldx, AccessMode.MemSx, size)] = InstructionForm.LoadMemSx;
                forms[OpCodes.Make(OpClass.Ld, AccessMode.Abs, size)] = InstructionForm.LoadAbs;
                forms[OpCodes.Make(OpClass.Ld, AccessMode.Ind, size)] = InstructionForm.LoadInd;
            }
        }
        forms[OpCodes.Make(OpClass.Stx, AccessMode.Atomic, AccessSize.Word)] = InstructionForm.Atomic;
        forms[OpCodes.Make(OpClass.Stx, AccessMode.Atomic, AccessSize.Double)] = InstructionForm.Atomic;
        return forms;
    }
}
