using System.Buffers.Binary;
using CsCheck;
using Ebpf.Isa;
using Ebpf.Runtime.Interpretation;

namespace Ebpf.Runtime.Tests;

public class InterpreterSemanticsTests
{
    [Theory]
    [InlineData("mov %r0, 7\nmov %r1, 0\ndiv %r0, %r1\nexit", 0UL)]                      // div by 0 -> 0
    [InlineData("mov %r0, 7\nmov %r1, 0\nmod %r0, %r1\nexit", 7UL)]                      // mod by 0 -> dst
    [InlineData("lddw %r0, 0x100000007\nmov %r1, 0\nmod32 %r0, %r1\nexit", 7UL)]          // mod32 by 0 -> truncated dst
    [InlineData("lddw %r0, 0x100000007\nmov32 %r1, 0\ndiv32 %r0, %r1\nexit", 0UL)]
    [InlineData("lddw %r0, 0x8000000000000000\nsdiv %r0, -1\nexit", 0x8000000000000000UL)] // INT64_MIN / -1 wraps
    [InlineData("lddw %r0, 0x8000000000000000\nsmod %r0, -1\nexit", 0UL)]
    [InlineData("mov32 %r0, 0x80000000\nsdiv32 %r0, -1\nexit", 0x80000000UL)]
    [InlineData("mov %r0, -7\nsmod %r0, 2\nexit", 0xFFFFFFFFFFFFFFFFUL)]                    // sign follows the dividend
    [InlineData("mov %r0, 1\nlsh %r0, 65\nexit", 2UL)]                                       // shift count masked to 6 bits
    [InlineData("mov32 %r0, 1\nlsh32 %r0, 33\nexit", 2UL)]                                   // ... and to 5 bits in ALU32
    [InlineData("mov %r0, -1\nadd32 %r0, 0\nexit", 0xFFFFFFFFUL)]                            // 32-bit results zero-extend
    [InlineData("mov32 %r0, 0x80000000\narsh32 %r0, 4\nexit", 0xF8000000UL)]
    [InlineData("mov %r0, -1\nmov %r1, 0x7f\nmovsx864 %r0, %r1\nexit", 0x7FUL)]
    [InlineData("mov32 %r0, 0xff\nmovsx832 %r0, %r0\nexit", 0xFFFFFFFFUL)]
    [InlineData("lddw %r0, 0x1122334455667788\nbe16 %r0\nexit", 0x8877UL)]
    [InlineData("lddw %r0, 0x1122334455667788\nle32 %r0\nexit", 0x55667788UL)]
    [InlineData("lddw %r0, 0x1122334455667788\nbswap64 %r0\nexit", 0x8877665544332211UL)]
    [InlineData("mov %r0, -1\nneg32 %r0\nexit", 1UL)]
    public void DefinedCornerCases(string asm, ulong expected)
    {
        Assert.Equal(expected, Programs.Run(asm));
        Assert.Equal(expected, Programs.Run(asm, ExecutionMode.Checked));
    }

    /// <summary>Every ALU op on random operands agrees with a reference written with BigInteger-free C# semantics.</summary>
    [Fact]
    public void AluMatchesReferenceModel()
    {
        string[] ops = ["add", "sub", "mul", "div", "sdiv", "or", "and", "lsh", "rsh", "mod", "smod", "xor", "arsh"];
        Gen.Select(Gen.Int[0, ops.Length - 1], Gen.Bool, Gen.ULong, Gen.ULong, Gen.Int[0, 3]).Sample((which, is64, a, b, special) =>
        {
            // Bias towards the interesting divisors.
            b = special switch { 0 => 0, 1 => ulong.MaxValue, _ => b };
            string op = ops[which] + (is64 ? "" : "32");
            string asm = $"lddw %r0, 0x{a:x}\nlddw %r1, 0x{b:x}\n{op} %r0, %r1\nexit";
            Assert.Equal(Reference(ops[which], is64, a, b), Programs.Run(asm));
        }, iter: 3_000);
    }

    private static ulong Reference(string op, bool is64, ulong a, ulong b)
    {
        if (!is64)
        {
            uint x = (uint)a, y = (uint)b;
            return op switch
            {
                "add" => x + y, "sub" => x - y, "mul" => x * y,
                "div" => y == 0 ? 0 : x / y,
                "sdiv" => y == 0 ? 0 : (int)y == -1 ? (uint)(0 - x) : (uint)((int)x / (int)y),
                "mod" => y == 0 ? x : x % y,
                "smod" => y == 0 ? x : (int)y == -1 ? 0 : (uint)((int)x % (int)y),
                "or" => x | y, "and" => x & y, "xor" => x ^ y,
                "lsh" => x << (int)(y % 32), "rsh" => x >> (int)(y % 32), "arsh" => (uint)((int)x >> (int)(y % 32)),
                _ => throw new ArgumentException(op),
            };
        }
        return op switch
        {
            "add" => a + b, "sub" => a - b, "mul" => a * b,
            "div" => b == 0 ? 0 : a / b,
            "sdiv" => b == 0 ? 0 : (long)b == -1 ? 0 - a : (ulong)((long)a / (long)b),
            "mod" => b == 0 ? a : a % b,
            "smod" => b == 0 ? a : (long)b == -1 ? 0 : (ulong)((long)a % (long)b),
            "or" => a | b, "and" => a & b, "xor" => a ^ b,
            "lsh" => a << (int)(b % 64), "rsh" => a >> (int)(b % 64), "arsh" => (ulong)((long)a >> (int)(b % 64)),
            _ => throw new ArgumentException(op),
        };
    }

    [Fact]
    public void EachFrameHasItsOwnStackAndCalleeSavedRegistersSurvive()
    {
        var result = Programs.Run("""
            mov %r6, 66
            stdw [%r10-8], 1
            call local fn
            ldxdw %r1, [%r10-8]      # still 1: the callee wrote its own frame
            lsh %r1, 8
            or %r0, %r1
            lsh %r6, 16
            or %r0, %r6
            exit
            fn:
            stdw [%r10-8], 2
            mov %r6, 0
            ldxdw %r0, [%r10-8]
            exit
            """);
        Assert.Equal((66UL << 16) | (1UL << 8) | 2UL, result);
    }

    [Fact]
    public void RecursionDeeperThanTheCallStackFaults()
    {
        var interpreter = Programs.Load("fn:\ncall local fn\nexit");
        var error = Assert.Throws<CallDepthExceededException>(() => interpreter.Run([]));
        Assert.Equal(0, error.ProgramCounter);
        Assert.Equal(InterpreterOptions.DefaultMaxCallDepth, error.MaxDepth);
    }

    [Fact]
    public void LegacyPacketLoadsReadNetworkOrderAndStopOnOutOfBounds()
    {
        byte[] packet = [0x11, 0x22, 0x33, 0x44, 0x55, 0x66];
        Assert.Equal(0x33445566UL, Programs.Run("ldabsw 2\nexit", memory: packet));
        Assert.Equal(0x2233UL, Programs.Run("mov %r3, 1\nldindh %r3, 0\nexit", memory: packet));
        Assert.Equal(0x66UL, Programs.Run("ldabsb 5\nexit", memory: packet));
        // Out of bounds ends the program with r0 = 0 (Linux semantics), in both modes.
        Assert.Equal(0UL, Programs.Run("mov %r0, 9\nldabsw 3\nmov %r0, 7\nexit", memory: packet));
        Assert.Equal(0UL, Programs.Run("mov %r0, 9\nmov %r3, -1\nldindb %r3, 2\nexit", ExecutionMode.Checked, packet));
    }

    [Fact]
    public void AtomicsUpdateMemoryAndFetch()
    {
        var memory = new byte[16];
        BinaryPrimitives.WriteUInt64LittleEndian(memory, 10);
        BinaryPrimitives.WriteUInt32LittleEndian(memory.AsSpan(8), 0xF0);
        var interpreter = Programs.Load("""
            mov %r2, 5
            lock fetch add [%r1], %r2      # mem = 15, r2 = 10
            mov %r3, 0x0f
            lock or32 [%r1+8], %r3         # mem32 = 0xff
            mov %r0, 15
            mov %r4, 99
            lock cmpxchg [%r1], %r4        # mem = 99, r0 = 15
            mov %r5, 7
            lock xchg32 [%r1+8], %r5       # mem32 = 7, r5 = 0xff
            add %r0, %r2
            add %r0, %r5
            exit
            """, ExecutionMode.Checked);
        Assert.Equal(15UL + 10 + 0xff, interpreter.Run(memory));
        Assert.Equal(99UL, BinaryPrimitives.ReadUInt64LittleEndian(memory));
        Assert.Equal(7U, BinaryPrimitives.ReadUInt32LittleEndian(memory.AsSpan(8)));
    }

    [Fact]
    public void CountsExecutedInstructions()
    {
        var interpreter = Programs.Load("mov %r0, 0\nlddw %r1, 3\nloop:\nadd %r0, 1\njlt %r0, %r1, loop\nexit");
        var result = interpreter.Run(new ExecutionRequest(), out long executed);
        Assert.Equal(3UL, result);
        Assert.Equal(2 + 3 * 2 + 1, executed);
    }
}
