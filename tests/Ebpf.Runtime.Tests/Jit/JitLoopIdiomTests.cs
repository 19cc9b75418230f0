using Ebpf.Isa;
using Ebpf.Runtime.Interpretation;
using Ebpf.Runtime.Jit;

namespace Ebpf.Runtime.Tests.Jit;

/// <summary>
/// Counted loops the JIT runs as one block operation (<see cref="JitLoopIdiom"/>): the same r0 (which folds every
/// register the loop writes) and the same memory as the interpreter, whether the block operation ran or its guard
/// sent the run through the loop as written (overlapping copies, loops in several regions).
/// </summary>
public class JitLoopIdiomTests
{
    private const int MemorySize = 1024;

    /// <summary>Copies 8 bytes per iteration from memory+64+i to memory+[8]+i while i (from [0]) is below 256.</summary>
    private const string CopyLoop = """
        ldxdw %r2, [%r1]
        ldxdw %r5, [%r1+8]
        mov %r6, %r1
        add %r6, 64
        mov %r7, %r1
        add %r7, %r5
        mov %r3, %r7
        add %r3, %r2
        mov %r4, %r6
        add %r4, %r2
        ldxdw %r4, [%r4]
        stxdw [%r3], %r4
        add %r2, 8
        jne %r2, 256, -8
        sub %r3, %r1
        mov %r0, %r2
        lsh %r0, 16
        xor %r0, %r3
        xor %r0, %r4
        exit
        """;

    /// <summary>Adds the zero-extended elements of memory+64+i into r5 (starting at 0x1234) while i (from [0]) is below 512.</summary>
    private static string SumLoop(string size, int step) => $"""
        ldxdw %r2, [%r1]
        mov %r5, 0x1234
        mov %r4, %r1
        add %r4, %r2
        ldx{size} %r4, [%r4+64]
        add %r5, %r4
        add %r2, {step}
        jeq %r2, 512, +1
        ja -7
        mov %r0, %r5
        lsh %r0, 8
        xor %r0, %r4
        add %r0, %r2
        exit
        """;

    /// <summary>
    /// clang's strcmp over 256 bytes (bench/programs/strcmp.c), entered in the middle of its rotated loop: memory+64+i
    /// against memory+320+i from i = [0]; leaves on a mismatch (1000 + i), on a zero byte (i) or at 256.
    /// </summary>
    private const string CompareLoop = """
        ldxdw %r2, [%r1]
        add %r1, 64
        mov %r0, 256
        ja +3
        jeq %r3, 0, +8
        add %r2, 1
        jeq %r2, 256, +7
        mov %r4, %r1
        add %r4, %r2
        ldxb %r3, [%r4]
        ldxb %r4, [%r4+256]
        jeq %r3, %r4, -8
        add %r2, 1000
        mov %r0, %r2
        ja +3
        mov %r0, %r2
        lsh %r0, 16
        add %r0, %r3
        exit
        """;

    /// <summary>strlen with a limit, head first: counts bytes of memory+64+i from i = [0] up to a zero or 300.</summary>
    private const string LengthLoop = """
        ldxdw %r2, [%r1]
        mov %r4, %r1
        add %r4, %r2
        ldxb %r3, [%r4+64]
        jeq %r3, 0, +2
        add %r2, 1
        jne %r2, 300, -6
        mov %r0, %r2
        lsh %r0, 8
        xor %r0, %r3
        exit
        """;

    [Theory]
    [InlineData(0, -1, -1)] // equal to the end
    [InlineData(0, 100, -1)] // mismatch at 100
    [InlineData(0, -1, 37)] // zero at 37
    [InlineData(0, 37, 37)] // zero and mismatch at 37
    [InlineData(0, 0, -1)] // mismatch at once
    [InlineData(0, 3, -1)] // within the first word
    [InlineData(0, -1, 5)]
    [InlineData(0, 9, -1)] // just past it
    [InlineData(250, -1, -1)] // fewer than eight left
    [InlineData(200, 254, -1)]
    [InlineData(255, -1, -1)] // entered at the last position
    public void CompareLoopMatchesInterpreter(long start, int mismatch, int zero)
    {
        var memory = new byte[MemorySize];
        BitConverter.TryWriteBytes(memory, start);
        for (int i = 0; i < 256; i++) memory[64 + i] = memory[320 + i] = (byte)(1 + (i * 7) % 250);
        if (mismatch >= 0) memory[320 + mismatch] ^= 0x40;
        if (zero >= 0) memory[64 + zero] = memory[320 + zero] = 0;
        Assert.Equal(1, AssertSameAsInterpreter(CompareLoop, memory).LoopIdioms);
    }

    [Theory]
    [InlineData(0, 5, 0)]
    [InlineData(0, 299, 0)]
    [InlineData(3, 200, 0)]
    [InlineData(10, 10, 0)] // a stop byte at the first byte read
    [InlineData(0, -1, 0)] // no stop byte before the limit
    [InlineData(299, -1, 0)] // entered at the last position
    [InlineData(0, 6, 0x81)] // other stop values, among bytes 0x80 and 0x01 apart from them
    [InlineData(0, 40, 0x81)]
    [InlineData(0, 40, 0xff)]
    public void LengthLoopMatchesInterpreter(long start, int zero, int stop)
    {
        var memory = new byte[MemorySize];
        for (int i = 64; i < 464; i++) memory[i] = (byte)(i % 3 == 0 ? 0x80 : i % 3 == 1 ? stop ^ 0x01 : 0x7f);
        BitConverter.TryWriteBytes(memory, start);
        if (zero >= 0) memory[64 + zero] = (byte)stop;
        var source = LengthLoop.Replace("jeq %r3, 0,", $"jeq %r3, {stop},");
        Assert.Equal(1, AssertSameAsInterpreter(source, memory).LoopIdioms);
    }

    [Theory]
    [InlineData(0, 512)] // disjoint: one block copy
    [InlineData(128, 512)] // from the middle
    [InlineData(248, 512)] // one iteration left
    [InlineData(0, 72)] // destination 8 bytes above the source: each element copies the one just written (the guard runs the loop)
    [InlineData(0, 56)] // destination 8 bytes below the source
    public void CopyLoopMatchesInterpreter(long start, long destination)
    {
        var memory = Memory(1, start);
        BitConverter.TryWriteBytes(memory.AsSpan(8), destination);
        var jit = AssertSameAsInterpreter(CopyLoop, memory);
        Assert.Equal(1, jit.LoopIdioms);
    }

    [Theory]
    [InlineData("b", 1)]
    [InlineData("h", 2)]
    [InlineData("w", 4)]
    [InlineData("dw", 8)]
    public void SumLoopMatchesInterpreter(string size, int step)
    {
        foreach (long start in new long[] { 0, step, 37L * step, 512 - step })
        {
            var jit = AssertSameAsInterpreter(SumLoop(size, step), Memory(step, start));
            Assert.Equal(1, jit.LoopIdioms);
        }
    }

    /// <summary>CountWhile against a byte-by-byte count, with strings that cross a page boundary at every offset.</summary>
    [Fact]
    public unsafe void CountWhileMatchesAByteLoopAcrossPages()
    {
        const int page = 4096;
        byte* memory = (byte*)System.Runtime.InteropServices.NativeMemory.AlignedAlloc(3 * page, page);
        try
        {
            var random = new Random(7);
            for (int start = page - 80; start < page; start += 3)
            {
                byte* a = memory + start, b = memory + page + start + 5;
                foreach (int end in new[] { 0, 1, 9, 40, 70, 79 })
                {
                    for (int i = 0; i < 80; i++) a[i] = b[i] = (byte)random.Next(1, 256);
                    b[end] ^= 0x10;
                    foreach (int stop in new[] { -1, a[end / 2] })
                    {
                        nint expected = 0;
                        while (expected < 80 && a[expected] == b[expected] && a[expected] != stop) expected++;
                        Assert.Equal(expected, JitReductions.CountWhile(a, b, 80, stop));
                        nint alone = 0;
                        while (alone < 80 && a[alone] != stop) alone++;
                        Assert.Equal(stop < 0 ? 80 : alone, JitReductions.CountWhile(a, null, 80, stop));
                    }
                }
            }
        }
        finally
        {
            System.Runtime.InteropServices.NativeMemory.AlignedFree(memory);
        }
    }

    [Fact]
    public void LoopsThatDoMoreAreNotRecognised()
    {
        string[] others =
        [
            SumLoop("h", 2).Replace("add %r5, %r4", "xor %r5, %r4"), // not a sum
            SumLoop("h", 4), // element narrower than the step: not contiguous
            SumLoop("h", 2).Replace("ldxh %r4", "ldxsh %r4"), // sign-extending load
            CopyLoop.Replace("stxdw [%r3], %r4", "stxdw [%r3], %r2"), // stores the counter, not the element
            CopyLoop.Replace("mov %r3, %r7", "add %r3, %r7"), // r3 carried from the last iteration
            LengthLoop.Replace("jeq %r3, 0, +2", "jne %r3, 0, +2"), // leaves on a non-zero byte
            LengthLoop.Replace("add %r2, 1", "add %r2, 2"), // counts in twos
            LengthLoop.Replace("ldxb %r3, [%r4+64]", "ldxh %r3, [%r4+64]"), // 16-bit elements
            CompareLoop.Replace("ja +3\njeq %r3, 0, +8", "jeq %r2, 5, +3\njeq %r3, 0, +8"), // two ways in
        ];
        foreach (var source in others)
        {
            Assert.DoesNotContain(source, new[] { CopyLoop, LengthLoop, CompareLoop, SumLoop("h", 2) }); // the edit applied
            var jit = JitCompiler.Compile(Assembler.Assemble(source), options: new JitOptions { Mode = ExecutionMode.Unchecked });
            Assert.True(jit.LoopIdioms == 0, source);
        }
    }

    [Fact]
    public void CheckedBudgetedAndSplitCodeRunsTheLoopAsWritten()
    {
        var program = Assembler.Assemble(SumLoop("h", 2));
        Assert.Equal(0, JitCompiler.Compile(program, options: new JitOptions { Mode = ExecutionMode.Checked }).LoopIdioms);
        Assert.Equal(0, JitCompiler.Compile(program, options: new JitOptions { InstructionBudget = 100_000 }).LoopIdioms);
        Assert.Equal(0, JitCompiler.Compile(program, options: new JitOptions { LoopIdioms = false }).LoopIdioms);
        // A loop cut by a region boundary stays a loop; one inside a region is still recognised.
        Assert.Equal(0, JitCompiler.Compile(program, options: new JitOptions { MaxRegionInstructions = 3 }).LoopIdioms);
        Assert.Equal(1, JitCompiler.Compile(program, options: new JitOptions { MaxRegionInstructions = 9 }).LoopIdioms);
    }

    [Fact]
    public void LoopsInRegionsMatchInterpreter()
    {
        foreach (int slots in new[] { 3, 9 })
            AssertSameAsInterpreter(SumLoop("w", 4), Memory(4, 8), new JitOptions { MaxRegionInstructions = slots });
    }

    private static byte[] Memory(int seed, long start)
    {
        var memory = new byte[MemorySize];
        new Random(seed).NextBytes(memory);
        BitConverter.TryWriteBytes(memory, start);
        return memory;
    }

    private static JitExecutor AssertSameAsInterpreter(string source, byte[] memory, JitOptions? options = null)
    {
        var program = Assembler.Assemble(source);
        var interpreterMemory = memory.ToArray();
        ulong expected = new Interpreter(program, null, new InterpreterOptions { Mode = ExecutionMode.Unchecked }).Run(interpreterMemory);
        var jit = JitCompiler.Compile(program, options: options ?? new JitOptions());
        var jitMemory = memory.ToArray();
        Assert.Equal(expected, jit.Run(jitMemory));
        Assert.Equal(interpreterMemory, jitMemory);
        return jit;
    }
}
