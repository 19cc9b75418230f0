using CsCheck;

namespace Ebpf.Isa.Tests;

/// <summary>CsCheck generators for well-formed instructions (one or two slots) of every defined opcode.</summary>
internal static class InstructionGenerators
{
    private static readonly byte[] Opcodes = OpcodeTable.DefinedOpcodes.ToArray();
    private static readonly int[] AtomicImms = [0x00, 0x01, 0x40, 0x41, 0x50, 0x51, 0xa0, 0xa1, 0xe1, 0xf1];

    public static int Iterations(int normal) =>
        Environment.GetEnvironmentVariable("EBPF_LONG_TESTS") == "1" ? normal * 100 : normal;

    /// <summary>One instruction as its slots: a single slot, or two for lddw.</summary>
    public static readonly Gen<Instruction[]> ValidInstruction =
        Gen.Select(Gen.Int[0, Opcodes.Length - 1], Gen.Byte, Gen.Byte, Gen.Short, Gen.Int, Gen.Int, Make);

    public static int Repeat => Iterations(2_000);

    private static Instruction[] Make(int which, byte dstSeed, byte srcSeed, short offset, int imm, int high)
    {
        byte opcode = Opcodes[which];
        byte writable = (byte)(dstSeed % 10);   // r0-r9
        byte any = (byte)(dstSeed % 11);        // r0-r10
        byte src = (byte)(srcSeed % 11);
        var form = OpcodeTable.FormOf(opcode);
        var op = (AluOp)(opcode & 0xf0);
        bool alu64 = (opcode & 7) == (int)OpClass.Alu64;
        Instruction One(byte d, byte s, short o, int i) => new(opcode, d, s, o, i);
        return form switch
        {
            InstructionForm.AluImm => [One(writable, 0, op is AluOp.Div or AluOp.Mod ? (short)(offset & 1) : (short)0, imm)],
            InstructionForm.AluReg => [One(writable, src, op switch
            {
                AluOp.Div or AluOp.Mod => (short)(offset & 1),
                AluOp.Mov => alu64 ? new short[] { 0, 8, 16, 32 }[offset & 3] : new short[] { 0, 8, 16 }[(offset & 0x7fff) % 3],
                _ => 0,
            }, 0)],
            InstructionForm.Neg => [One(writable, 0, 0, 0)],
            InstructionForm.Endian => [One(writable, 0, 0, new[] { 16, 32, 64 }[(imm & 0x7fffffff) % 3])],
            InstructionForm.JumpImm => [One(any, 0, offset, imm)],
            InstructionForm.JumpReg => [One(any, src, offset, 0)],
            InstructionForm.Ja => [One(0, 0, offset, 0)],
            InstructionForm.Ja32 => [One(0, 0, 0, imm)],
            InstructionForm.Call => [One(0, (byte)(srcSeed % 3), 0, imm)],
            InstructionForm.CallX => [One(any, 0, 0, 0)],
            InstructionForm.Exit => [One(0, 0, 0, 0)],
            InstructionForm.LoadWide => [One(writable, (byte)(srcSeed % 7), 0, imm), new Instruction(0, 0, 0, 0, high)],
            InstructionForm.LoadMem or InstructionForm.LoadMemSx => [One(writable, src, offset, 0)],
            InstructionForm.StoreImm => [One(any, 0, offset, imm)],
            InstructionForm.StoreReg => [One(any, src, offset, 0)],
            InstructionForm.Atomic => MakeAtomic(One, any, src, offset, AtomicImms[(imm & 0x7fffffff) % AtomicImms.Length]),
            InstructionForm.LoadAbs => [One(0, 0, 0, imm)],
            InstructionForm.LoadInd => [One(0, src, 0, imm)],
            _ => throw new InvalidOperationException($"opcode 0x{opcode:x2} has no form"),
        };
    }

    private static Instruction[] MakeAtomic(Func<byte, byte, short, int, Instruction> one, byte dst, byte src, short offset, int imm) =>
        [one(dst, AtomicOps.Fetches(imm) && src == 10 ? (byte)9 : src, offset, imm)];
}
