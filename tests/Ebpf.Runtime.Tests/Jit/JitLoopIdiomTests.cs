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
        ];
        foreach (var source in others)
        {
            var jit = JitCompiler.Compile(Assembler.Assemble(source), options: new JitOptions { Mode = ExecutionMode.Unchecked });
            Assert.Equal(0, jit.LoopIdioms);
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
