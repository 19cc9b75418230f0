namespace Ebpf.Isa;

/// <summary>
/// Turns a byte image into validated instruction slots. Validation is purely structural (RFC 9669): defined
/// opcodes, register numbers, unused fields zero, well-formed 64-bit immediates, jump targets inside the program
/// and on instruction boundaries. Whether the program is safe to run is the verifier's business.
/// </summary>
public static class ProgramDecoder
{
    /// <summary>Reads and validates a program image; throws <see cref="InstructionDecodeException"/>.</summary>
    public static Instruction[] Decode(ReadOnlySpan<byte> image)
    {
        if (image.Length == 0) throw new InstructionDecodeException(-1, DecodeError.EmptyProgram, "the program is empty");
        if (image.Length % Instruction.Size != 0)
        {
            throw new InstructionDecodeException(image.Length / Instruction.Size, DecodeError.TruncatedInstruction,
                $"the program is {image.Length} bytes, not a multiple of {Instruction.Size}");
        }
        var program = Instruction.ReadAll(image);
        Validate(program);
        return program;
    }

    /// <summary>Validates a slot sequence; throws <see cref="InstructionDecodeException"/> at the first fault.</summary>
    public static void Validate(ReadOnlySpan<Instruction> program)
    {
        if (program.Length == 0) throw new InstructionDecodeException(-1, DecodeError.EmptyProgram, "the program is empty");

        // First pass: which slots are the second half of an lddw (jump targets must avoid them).
        var secondHalf = new bool[program.Length];
        for (int i = 0; i < program.Length; i++)
        {
            if (program[i].Opcode != OpCodes.LdDw) continue;
            if (i + 1 >= program.Length)
                throw new InstructionDecodeException(i, DecodeError.IncompleteWideLoad, "lddw is the last slot; its second half is missing");
            var next = program[i + 1];
            if (next.Opcode != 0 || next.Dst != 0 || next.Src != 0 || next.Offset != 0)
            {
                throw new InstructionDecodeException(i + 1, DecodeError.MalformedWideLoad,
                    $"the second slot of lddw must have opcode, registers and offset zero, found {next}");
            }
            secondHalf[i + 1] = true;
            i++;
        }

        for (int i = 0; i < program.Length; i++)
        {
            if (secondHalf[i]) continue;
            ValidateOne(program, i, secondHalf);
        }
    }

    /// <summary>Number of slots <paramref name="instruction"/> occupies (2 for lddw, else 1).</summary>
    public static int SlotCount(Instruction instruction) => instruction.Opcode == OpCodes.LdDw ? 2 : 1;

    private static void ValidateOne(ReadOnlySpan<Instruction> program, int index, bool[] secondHalf)
    {
        var insn = program[index];
        var form = OpcodeTable.FormOf(insn.Opcode);
        if (form == InstructionForm.Invalid)
            throw new InstructionDecodeException(index, DecodeError.UnknownOpcode, $"unknown opcode 0x{insn.Opcode:x2}");
        if (insn.Dst > 10) Fail(index, DecodeError.InvalidRegister, $"dst register r{insn.Dst} does not exist");
        if (insn.Src > 10 && form is not (InstructionForm.LoadWide or InstructionForm.Call))
            Fail(index, DecodeError.InvalidRegister, $"src register r{insn.Src} does not exist");

        switch (form)
        {
            case InstructionForm.AluImm:
                WritesDst(index, insn);
                Zero(index, insn.Src, "src");
                if (!IsDivOrMod(insn)) Zero(index, insn.Offset, "offset");
                else if (insn.Offset is not (0 or 1))
                    Fail(index, DecodeError.InvalidOffset, $"div/mod offset must be 0 (unsigned) or 1 (signed), is {insn.Offset}");
                break;
            case InstructionForm.AluReg:
                WritesDst(index, insn);
                Zero(index, insn.Imm, "imm");
                if ((AluOp)insn.Operation == AluOp.Mov)
                {
                    if (insn.Offset is not (0 or 8 or 16) && !(insn.Offset == 32 && insn.Class == OpClass.Alu64))
                        Fail(index, DecodeError.InvalidOffset, $"mov offset must be 0 or a movsx width (8, 16{(insn.Class == OpClass.Alu64 ? ", 32" : "")}), is {insn.Offset}");
                }
                else if (IsDivOrMod(insn))
                {
                    if (insn.Offset is not (0 or 1))
                        Fail(index, DecodeError.InvalidOffset, $"div/mod offset must be 0 (unsigned) or 1 (signed), is {insn.Offset}");
                }
                else
                {
                    Zero(index, insn.Offset, "offset");
                }
                break;
            case InstructionForm.Neg:
                WritesDst(index, insn);
                Zero(index, insn.Src, "src");
                Zero(index, insn.Offset, "offset");
                Zero(index, insn.Imm, "imm");
                break;
            case InstructionForm.Endian:
                WritesDst(index, insn);
                Zero(index, insn.Src, "src");
                Zero(index, insn.Offset, "offset");
                if (insn.Imm is not (16 or 32 or 64))
                    Fail(index, DecodeError.InvalidImmediate, $"byte swap width must be 16, 32 or 64, is {insn.Imm}");
                break;
            case InstructionForm.JumpImm:
                Zero(index, insn.Src, "src");
                Target(program, index, insn.Offset, secondHalf);
                break;
            case InstructionForm.JumpReg:
                Zero(index, insn.Imm, "imm");
                Target(program, index, insn.Offset, secondHalf);
                break;
            case InstructionForm.Ja:
                Zero(index, insn.Dst, "dst");
                Zero(index, insn.Src, "src");
                Zero(index, insn.Imm, "imm");
                Target(program, index, insn.Offset, secondHalf);
                break;
            case InstructionForm.Ja32:
                Zero(index, insn.Dst, "dst");
                Zero(index, insn.Src, "src");
                Zero(index, insn.Offset, "offset");
                Target(program, index, insn.Imm, secondHalf);
                break;
            case InstructionForm.Call:
                Zero(index, insn.Dst, "dst");
                Zero(index, insn.Offset, "offset");
                if (insn.Src > PseudoSource.KernelFunc)
                    Fail(index, DecodeError.InvalidPseudoSource, $"call src {insn.Src} is not helper (0), local (1) or runtime (2)");
                if (insn.Src == PseudoSource.LocalCall) Target(program, index, insn.Imm, secondHalf);
                break;
            case InstructionForm.CallX:
                Zero(index, insn.Src, "src");
                Zero(index, insn.Offset, "offset");
                Zero(index, insn.Imm, "imm");
                break;
            case InstructionForm.Exit:
                Zero(index, insn.Dst, "dst");
                Zero(index, insn.Src, "src");
                Zero(index, insn.Offset, "offset");
                Zero(index, insn.Imm, "imm");
                break;
            case InstructionForm.LoadWide:
                WritesDst(index, insn);
                Zero(index, insn.Offset, "offset");
                if (insn.Src > PseudoSource.MapIndexValue)
                    Fail(index, DecodeError.InvalidPseudoSource, $"lddw src {insn.Src} is not a defined pseudo source (0-6)");
                break;
            case InstructionForm.LoadMem:
            case InstructionForm.LoadMemSx:
                WritesDst(index, insn);
                Zero(index, insn.Imm, "imm");
                break;
            case InstructionForm.StoreImm:
                Zero(index, insn.Src, "src");
                break;
            case InstructionForm.StoreReg:
                Zero(index, insn.Imm, "imm");
                break;
            case InstructionForm.Atomic:
                if (!AtomicOps.IsDefined(insn.Imm))
                    Fail(index, DecodeError.InvalidImmediate, $"atomic operation 0x{insn.Imm:x} is not defined");
                if (AtomicOps.Fetches(insn.Imm) && insn.Src == Registers.FramePointer)
                    Fail(index, DecodeError.WriteToFramePointer, "a fetching atomic operation cannot write r10");
                break;
            case InstructionForm.LoadAbs:
                Zero(index, insn.Dst, "dst");
                Zero(index, insn.Src, "src");
                Zero(index, insn.Offset, "offset");
                break;
            case InstructionForm.LoadInd:
                Zero(index, insn.Dst, "dst");
                Zero(index, insn.Offset, "offset");
                break;
        }
    }

    private static bool IsDivOrMod(Instruction insn) => (AluOp)insn.Operation is AluOp.Div or AluOp.Mod;

    private static void WritesDst(int index, Instruction insn)
    {
        if (insn.Dst == Registers.FramePointer)
            Fail(index, DecodeError.WriteToFramePointer, "r10 is read-only and cannot be a destination");
    }

    private static void Zero(int index, int value, string field)
    {
        if (value != 0) Fail(index, DecodeError.UnusedFieldNotZero, $"unused field {field} must be 0, is {value}");
    }

    private static void Target(ReadOnlySpan<Instruction> program, int index, long relative, bool[] secondHalf)
    {
        long target = index + 1 + relative;
        if (target < 0 || target >= program.Length)
            Fail(index, DecodeError.JumpOutOfRange, $"target {target} (offset {relative:+0;-0}) is outside the program (0..{program.Length - 1})");
        if (secondHalf[target])
            Fail(index, DecodeError.JumpIntoWideLoad, $"target {target} is the second slot of an lddw");
    }

    private static void Fail(int index, DecodeError reason, string message) =>
        throw new InstructionDecodeException(index, reason, message);
}
