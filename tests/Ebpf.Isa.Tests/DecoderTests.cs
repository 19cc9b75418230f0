namespace Ebpf.Isa.Tests;

public class DecoderTests
{
    private static InstructionDecodeException Refuse(params Instruction[] program) =>
        Assert.Throws<InstructionDecodeException>(() => ProgramDecoder.Validate(program));

    private static readonly Instruction Exit = Insn.Exit();

    [Fact]
    public void AcceptsEveryFormInAValidProgram()
    {
        Instruction[] program =
        [
            .. Insn.LdDw(1, 0x1234_5678_9abc_def0),
            Insn.AluImm(true, AluOp.Div, 1, -3, offset: 1),
            Insn.MovSx(true, 2, 1, 32),
            Insn.Bswap(2, 16),
            Insn.Atomic(AccessSize.Word, AtomicOp.Cmpxchg, 10, -8, 1),
            Insn.LoadSx(AccessSize.Byte, 3, 10, -1),
            Insn.LoadAbs(AccessSize.Half, 12),
            Insn.LoadInd(AccessSize.Word, 3, 0),
            Insn.JumpImm(true, JmpOp.Jsle, 1, 5, 1),
            Insn.Ja32(0),
            Insn.CallX(3),
            Exit,
        ];
        ProgramDecoder.Validate(program);
        Assert.Equal(program, ProgramDecoder.Decode(Instruction.WriteAll(program)));
    }

    [Fact]
    public void EmptyAndTruncatedImages()
    {
        Assert.Equal(DecodeError.EmptyProgram, Assert.Throws<InstructionDecodeException>(() => ProgramDecoder.Decode([])).Reason);
        var truncated = Assert.Throws<InstructionDecodeException>(() => ProgramDecoder.Decode(new byte[12]));
        Assert.Equal(DecodeError.TruncatedInstruction, truncated.Reason);
        Assert.Equal(1, truncated.Index);
    }

    [Fact]
    public void UnknownOpcode()
    {
        var error = Refuse(Insn.Mov64(0, 0), new Instruction(0x8f, 0, 0, 0, 0), Exit);
        Assert.Equal((DecodeError.UnknownOpcode, 1), (error.Reason, error.Index));
        Assert.Contains("0x8f", error.Message);
    }

    [Fact]
    public void BadRegisters()
    {
        Assert.Equal(DecodeError.InvalidRegister, Refuse(new Instruction(0xb7, 11, 0, 0, 0), Exit).Reason);
        Assert.Equal(DecodeError.InvalidRegister, Refuse(Insn.AluReg(true, AluOp.Add, 0, 12), Exit).Reason);
        Assert.Equal(DecodeError.WriteToFramePointer, Refuse(Insn.Mov64(10, 0), Exit).Reason);
        Assert.Equal(DecodeError.WriteToFramePointer, Refuse(Insn.Load(AccessSize.Word, 10, 1, 0), Exit).Reason);
        Assert.Equal(DecodeError.WriteToFramePointer, Refuse(Insn.Atomic(AccessSize.Double, AtomicOp.Add | AtomicOp.Fetch, 1, 0, 10), Exit).Reason);
        // Reading r10 and storing through it are fine.
        ProgramDecoder.Validate([Insn.Mov64Reg(1, 10), Insn.StoreImm(AccessSize.Word, 10, -4, 1), Exit]);
    }

    [Fact]
    public void MalformedWideLoads()
    {
        var wide = Insn.LdDw(0, 1);
        var incomplete = Refuse(Insn.Mov64(0, 0), wide[0]);
        Assert.Equal((DecodeError.IncompleteWideLoad, 1), (incomplete.Reason, incomplete.Index));
        var badSecond = Refuse(wide[0], new Instruction(0, 1, 0, 0, 0), Exit);
        Assert.Equal((DecodeError.MalformedWideLoad, 1), (badSecond.Reason, badSecond.Index));
        Assert.Equal(DecodeError.MalformedWideLoad, Refuse(wide[0], new Instruction(0, 0, 0, 3, 0), Exit).Reason);
        Assert.Equal(DecodeError.InvalidPseudoSource, Refuse(new Instruction(0x18, 0, 7, 0, 0), wide[1], Exit).Reason);
        // A second slot on its own is an undefined opcode.
        Assert.Equal(DecodeError.UnknownOpcode, Refuse(wide[1], Exit).Reason);
    }

    [Fact]
    public void JumpTargets()
    {
        var past = Refuse(Insn.Ja(1), Exit);
        Assert.Equal((DecodeError.JumpOutOfRange, 0), (past.Reason, past.Index));
        Assert.Equal(DecodeError.JumpOutOfRange, Refuse(Insn.JumpImm(false, JmpOp.Jeq, 0, 0, -2), Exit).Reason);
        Assert.Equal(DecodeError.JumpOutOfRange, Refuse(Insn.Ja32(-5), Exit).Reason);
        Assert.Equal(DecodeError.JumpOutOfRange, Refuse(Insn.CallLocal(7), Exit).Reason);
        var middle = Refuse([Insn.Ja(1), .. Insn.LdDw(0, 1), Exit]);
        Assert.Equal((DecodeError.JumpIntoWideLoad, 0), (middle.Reason, middle.Index));
        // The slot after an lddw pair is a fine target.
        ProgramDecoder.Validate([Insn.Ja(2), .. Insn.LdDw(0, 1), Exit]);
    }

    [Fact]
    public void DefinedFieldValues()
    {
        Assert.Equal(DecodeError.InvalidImmediate, Refuse(Insn.Le(0, 8), Exit).Reason);
        Assert.Equal(DecodeError.InvalidImmediate, Refuse(Insn.Atomic(AccessSize.Double, (AtomicOp)0x10, 10, -8, 1), Exit).Reason);
        Assert.Equal(DecodeError.InvalidOffset, Refuse(Insn.AluReg(true, AluOp.Div, 0, 1, offset: 2), Exit).Reason);
        Assert.Equal(DecodeError.InvalidOffset, Refuse(Insn.MovSx(false, 0, 1, 32), Exit).Reason);
        Assert.Equal(DecodeError.UnusedFieldNotZero, Refuse(Insn.AluImm(true, AluOp.Mov, 0, 1, offset: 8), Exit).Reason);
        Assert.Equal(DecodeError.InvalidPseudoSource, Refuse(new Instruction(OpCodes.Call, 0, 3, 0, 1), Exit).Reason);
        // Byte-swap of ALU64 with BPF_X, and DW sign-extending loads, are not defined.
        Assert.Equal(DecodeError.UnknownOpcode, Refuse(new Instruction(0xdf, 0, 0, 0, 16), Exit).Reason);
        Assert.Equal(DecodeError.UnknownOpcode, Refuse(new Instruction(0x99, 0, 1, 0, 0), Exit).Reason);
    }

    [Fact]
    public void OpcodeTableCoversTheRfc()
    {
        // 2 x 26 ALU (13 ops x K/X, minus neg/end X, plus le/be/bswap), jumps, loads, stores, atomics, legacy packet loads.
        var defined = OpcodeTable.DefinedOpcodes;
        foreach (byte op in new byte[] { 0x04, 0x0f, 0x87, 0xd4, 0xdc, 0xd7, 0x05, 0x06, 0x85, 0x8d, 0x95, 0xde, 0x18, 0x20, 0x50, 0x61, 0x91, 0x7a, 0x7b, 0xc3, 0xdb })
            Assert.Contains(op, defined);
        foreach (byte op in new byte[] { 0x00, 0x8c, 0x8f, 0xdf, 0x0d + 0x90, 0x99, 0x38, 0x58, 0xcb, 0x86, 0x96, 0x8e })
            Assert.DoesNotContain(op, defined);
    }
}
