using Ebpf.Isa;

namespace Ebpf.Verifier.Tests.Soundness;

/// <summary>
/// Random straight-line-and-forward-branch programs over arithmetic (64/32-bit, immediate/register), stack stores and
/// loads at in- and out-of-frame offsets, context loads and stores, pointer arithmetic and conditional jumps; most of
/// them have faults, the rest should be accepted. Deterministic for a seed.
/// </summary>
internal static class RandomProgramGenerator
{
    private static readonly AluOp[] AluOps =
        [AluOp.Add, AluOp.Sub, AluOp.Mul, AluOp.Div, AluOp.Mod, AluOp.Or, AluOp.And, AluOp.Lsh, AluOp.Rsh, AluOp.Arsh, AluOp.Xor];

    private static readonly JmpOp[] JumpOps =
        [JmpOp.Jeq, JmpOp.Jne, JmpOp.Jgt, JmpOp.Jge, JmpOp.Jlt, JmpOp.Jle, JmpOp.Jsgt, JmpOp.Jsge, JmpOp.Jslt, JmpOp.Jsle, JmpOp.Jset];

    private static readonly AccessSize[] Sizes = [AccessSize.Byte, AccessSize.Half, AccessSize.Word, AccessSize.Double];

    public static Instruction[] Generate(int seed, int contextSize)
    {
        var rng = new Random(seed);
        int bodyLength = rng.Next(2, 24);
        var body = new List<Func<int, Instruction>>();
        // A prologue that initializes some registers makes accepted programs common.
        foreach (byte r in (byte[])[0, 2, 3, 4, 5, 6, 7, 8, 9])
        {
            if (rng.Next(8) == 0) continue;
            int value = SmallValue(rng);
            body.Add(_ => new Instruction(OpCodes.Mov64Imm, r, 0, 0, value));
        }
        for (int i = 0; i < bodyLength; i++) body.Add(Pick(rng, contextSize));
        int exitIndex = body.Count + 1;
        var code = new Instruction[exitIndex + 1];
        for (int i = 0; i < body.Count; i++) code[i] = body[i](exitIndex - i - 1);
        code[body.Count] = rng.Next(4) == 0
            ? new Instruction(OpCodes.Mov64Reg, 0, (byte)rng.Next(0, 11), 0, 0)
            : new Instruction(OpCodes.Mov64Imm, 0, 0, 0, SmallValue(rng));
        code[exitIndex] = new Instruction(OpCodes.Exit, 0, 0, 0, 0);
        return code;
    }

    private static int SmallValue(Random rng) => rng.Next(4) switch
    {
        0 => rng.Next(-8, 9),
        1 => rng.Next(0, 600),
        2 => rng.Next(-600, 0),
        _ => rng.Next(int.MinValue, int.MaxValue),
    };

    private static byte Dst(Random rng) => (byte)(rng.Next(5) == 0 ? 1 : rng.Next(0, 10));
    private static byte Src(Random rng) => (byte)rng.Next(0, 11);

    /// <summary>Mostly in bounds for the base (stack below r10, context from 0), sometimes a little outside.</summary>
    private static short Offset(Random rng, byte baseReg, int width, int contextSize) => (short)(rng.Next(6) switch
    {
        0 => -rng.Next(1, 530),
        1 => rng.Next(-8, contextSize + 8),
        _ => baseReg == 1 ? rng.Next(0, contextSize - width + 1) : -width * rng.Next(1, 512 / width + 1),
    });

    /// <summary>An instruction maker given the number of instructions that remain before the exit.</summary>
    private static Func<int, Instruction> Pick(Random rng, int contextSize)
    {
        int kind = rng.Next(10);
        switch (kind)
        {
            case 0:
            {
                byte d = Dst(rng);
                int v = SmallValue(rng);
                return _ => new Instruction(OpCodes.Mov64Imm, d, 0, 0, v);
            }
            case 1:
            {
                byte d = Dst(rng), s = Src(rng);
                return _ => new Instruction(OpCodes.Mov64Reg, d, s, 0, 0);
            }
            case 2 or 3:
            {
                var op = AluOps[rng.Next(AluOps.Length)];
                bool is64 = rng.Next(3) != 0;
                bool reg = kind == 3;
                byte d = Dst(rng), s = reg ? Src(rng) : (byte)0;
                int imm = op is AluOp.Lsh or AluOp.Rsh or AluOp.Arsh ? rng.Next(0, is64 ? 64 : 32) : SmallValue(rng);
                var cls = is64 ? OpClass.Alu64 : OpClass.Alu32;
                return _ => new Instruction(OpCodes.Make(cls, op, reg), d, s, 0, reg ? 0 : imm);
            }
            case 4:
            {
                // Pointer arithmetic on a copy of r10 or r1.
                byte d = Dst(rng);
                byte baseReg = rng.Next(2) == 0 ? (byte)10 : (byte)1;
                return _ => new Instruction(OpCodes.Mov64Reg, d, baseReg, 0, 0);
            }
            case 5:
            {
                byte d = Dst(rng);
                int delta = rng.Next(-560, 48);
                return _ => new Instruction(OpCodes.Make(OpClass.Alu64, AluOp.Add, false), d, 0, 0, delta);
            }
            case 6:
            {
                var size = Sizes[rng.Next(Sizes.Length)];
                byte b = rng.Next(4) == 0 ? Dst(rng) : rng.Next(2) == 0 ? (byte)10 : (byte)1;
                short off = Offset(rng, b, size.Bytes(), contextSize);
                if (rng.Next(2) == 0)
                {
                    byte s = Src(rng);
                    return _ => new Instruction(OpCodes.Make(OpClass.Stx, AccessMode.Mem, size), b, s, off, 0);
                }
                int v = SmallValue(rng);
                return _ => new Instruction(OpCodes.Make(OpClass.St, AccessMode.Mem, size), b, 0, off, v);
            }
            case 7:
            {
                var size = Sizes[rng.Next(Sizes.Length)];
                byte d = Dst(rng);
                byte b = rng.Next(4) == 0 ? Src(rng) : rng.Next(2) == 0 ? (byte)10 : (byte)1;
                short off = Offset(rng, b, size.Bytes(), contextSize);
                return _ => new Instruction(OpCodes.Make(OpClass.Ldx, AccessMode.Mem, size), d, b, off, 0);
            }
            default:
            {
                var op = JumpOps[rng.Next(JumpOps.Length)];
                bool reg = rng.Next(2) == 0;
                bool is64 = rng.Next(4) != 0;
                byte a = Src(rng), s = reg ? Src(rng) : (byte)0;
                int imm = SmallValue(rng);
                int pick = rng.Next();
                var cls = is64 ? OpClass.Jmp : OpClass.Jmp32;
                return remaining => new Instruction(OpCodes.Make(cls, op, reg), a, s,
                    (short)(remaining <= 0 ? 0 : pick % (remaining + 1)), reg ? 0 : imm);
            }
        }
    }
}
