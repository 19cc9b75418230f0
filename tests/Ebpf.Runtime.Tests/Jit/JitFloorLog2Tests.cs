using Ebpf.Elf;
using Ebpf.Isa;
using Ebpf.Platform;
using Ebpf.Runtime.Interpretation;
using Ebpf.Runtime.Jit;
using Ebpf.Runtime.Programs;
using Ebpf.Runtime.Tests.Linux;

namespace Ebpf.Runtime.Tests.Jit;

/// <summary>
/// Floor-log2 searches the JIT runs as one leading-zero count (<see cref="JitFloorLog2"/>): the same r0 as the
/// interpreter over edge values of x (0, 1, powers of two and their neighbours, the largest values), whatever shape
/// the search is written in; near misses are left as written (and still agree with the interpreter).
/// </summary>
public class JitFloorLog2Tests
{
    /// <summary>
    /// clang -O2's ilog2 of a u32 (bench/programs/log2.c): five "jump over one mov" selects, the last bit carried in r7
    /// and added after the join. x = the word at [0]; r0 = [8] + log2(x).
    /// </summary>
    private const string ClangSelects = """
        ldxdw %r3, [%r1+8]
        ldxw %r0, [%r1]
        mov %r4, %r0
        rsh %r4, 16
        jgt %r0, 0xffff, +1
        mov %r4, %r0
        mov %r5, %r4
        rsh %r5, 8
        jgt %r4, 0xff, +1
        mov %r5, %r4
        mov %r6, %r5
        rsh %r6, 4
        jgt %r5, 0xf, +1
        mov %r6, %r5
        mov %r7, 1
        mov %r8, 1
        jgt %r0, 0xffff, +1
        mov %r8, 0
        mov %r0, %r6
        rsh %r0, 2
        jgt %r6, 3, +1
        mov %r0, %r6
        jgt %r0, 1, +1
        mov %r7, 0
        lsh %r8, 4
        mov %r0, %r8
        or %r0, 8
        jgt %r4, 0xff, +1
        mov %r0, %r8
        mov %r4, %r0
        or %r4, 4
        jgt %r5, 0xf, +1
        mov %r4, %r0
        mov %r0, %r4
        or %r0, 2
        jgt %r6, 3, +1
        mov %r0, %r4
        add %r0, %r3
        add %r0, %r7
        exit
        """;

    /// <summary>
    /// The textbook 64-bit search, as branches over adds: r0 = log2 of the doubleword x at [0] (0 for 0), shifted
    /// and mixed with x read again.
    /// </summary>
    private const string Branches64 = """
        ldxdw %r2, [%r1]
        mov %r0, 0
        mov %r3, %r2
        rsh %r3, 32
        jeq %r3, 0, +2
        mov %r2, %r3
        add %r0, 32
        mov %r3, %r2
        rsh %r3, 16
        jeq %r3, 0, +2
        mov %r2, %r3
        add %r0, 16
        mov %r3, %r2
        rsh %r3, 8
        jeq %r3, 0, +2
        mov %r2, %r3
        add %r0, 8
        mov %r3, %r2
        rsh %r3, 4
        jeq %r3, 0, +2
        mov %r2, %r3
        add %r0, 4
        mov %r3, %r2
        rsh %r3, 2
        jeq %r3, 0, +2
        mov %r2, %r3
        add %r0, 2
        mov %r3, %r2
        rsh %r3, 1
        jeq %r3, 0, +1
        add %r0, 1
        lsh %r0, 8
        ldxdw %r2, [%r1]
        xor %r0, %r2
        exit
        """;

    /// <summary>A leading-zero count of a u32: 31 - log2(x), 32 for 0, with 32-bit jumps and subtractions.</summary>
    private const string LeadingZeros32 = """
        ldxw %r2, [%r1]
        mov %r0, 31
        jeq %r2, 0, +15
        jlt32 %r2, 0x10000, +2
        rsh %r2, 16
        sub %r0, 16
        jlt32 %r2, 0x100, +2
        rsh %r2, 8
        sub %r0, 8
        jlt32 %r2, 0x10, +2
        rsh %r2, 4
        sub %r0, 4
        jlt32 %r2, 4, +2
        rsh %r2, 2
        sub %r0, 2
        jlt32 %r2, 2, +1
        sub %r0, 1
        ja +1
        mov %r0, 32
        exit
        """;

    private static IEnumerable<ulong> EdgeValues()
    {
        yield return 0;
        yield return ulong.MaxValue;
        for (int bit = 0; bit < 64; bit++)
        {
            ulong power = 1UL << bit;
            yield return power;
            yield return power - 1;
            yield return power + 1;
            yield return power | (power >> 1);
        }
        var random = new Random(18);
        for (int k = 0; k < 64; k++) yield return (ulong)random.NextInt64() >> random.Next(64);
    }

    public static TheoryData<string> Searches() => [nameof(ClangSelects), nameof(Branches64), nameof(LeadingZeros32)];

    private static string Source(string name) => name switch
    {
        nameof(ClangSelects) => ClangSelects,
        nameof(Branches64) => Branches64,
        _ => LeadingZeros32,
    };

    [Theory]
    [MemberData(nameof(Searches))]
    public void SearchIsOneLeadingZeroCountAndMatchesInterpreter(string name)
    {
        var program = Assembler.Assemble(Source(name));
        var jit = JitCompiler.Compile(program, options: new JitOptions());
        Assert.Equal(1, jit.FloorLog2s);
        AssertSameAsInterpreter(program, jit);
    }

    [Fact]
    public void NearMissesAreLeftAsWritten()
    {
        string[] nearMisses =
        [
            ClangSelects.Replace("jgt %r0, 0xffff, +1\nmov %r4", "jge %r0, 0xffff, +1\nmov %r4"), // threshold off by one
            ClangSelects.Replace("or %r0, 8", "or %r0, 9"), // one bit wrong
            ClangSelects.Replace("ldxw %r0, [%r1]", "ldxdw %r0, [%r1]"), // x may exceed 32 bits: 31 for all of them
            Branches64.Replace("add %r0, 16", "add %r0, 15"),
            Branches64.Replace("rsh %r3, 8", "rsh %r3, 7"),
            LeadingZeros32.Replace("jlt32 %r2, 4, +2", "jlt32 %r2, 5, +2"),
        ];
        foreach (var source in nearMisses)
        {
            Assert.DoesNotContain(source, new[] { ClangSelects, Branches64, LeadingZeros32 }); // the edit applied
            var program = Assembler.Assemble(source);
            var jit = JitCompiler.Compile(program, options: new JitOptions());
            Assert.True(jit.FloorLog2s == 0, source);
            AssertSameAsInterpreter(program, jit);
        }
    }

    /// <summary>
    /// Each search with one immediate changed at random (a threshold, a shift, a step of the result): recognised or
    /// not, the JIT agrees with the interpreter on every edge value; and both outcomes occur.
    /// </summary>
    [Fact]
    public void MutatedSearchesMatchInterpreter()
    {
        var random = new Random(1818);
        var immediate = new System.Text.RegularExpressions.Regex(@"(?<=, )(0x[0-9a-f]+|[0-9]+)$", System.Text.RegularExpressions.RegexOptions.Multiline);
        int recognised = 0, left = 0;
        for (int k = 0; k < 150; k++)
        {
            string source = new[] { ClangSelects, Branches64, LeadingZeros32 }[k % 3];
            var sites = immediate.Matches(source);
            var site = sites[random.Next(sites.Count)];
            ulong value = Convert.ToUInt64(site.Value, site.Value.StartsWith("0x") ? 16 : 10);
            ulong changed = random.Next(3) switch { 0 => value + 1, 1 => value - 1, _ => (ulong)random.Next(0, 40) };
            source = source[..site.Index] + (changed & 0x7fff_ffff) + source[(site.Index + site.Length)..];
            var program = Assembler.Assemble(source);
            var jit = JitCompiler.Compile(program, options: new JitOptions());
            if (jit.FloorLog2s > 0) recognised++; else left++;
            AssertSameAsInterpreter(program, jit);
        }
        Assert.True(recognised > 0 && left > 0, $"recognised {recognised}, left {left}");
    }

    [Fact]
    public void CheckedBudgetedAndSplitCodeRunsTheSearchAsWritten()
    {
        var program = Assembler.Assemble(ClangSelects);
        Assert.Equal(0, JitCompiler.Compile(program, options: new JitOptions { Mode = ExecutionMode.Checked }).FloorLog2s);
        Assert.Equal(0, JitCompiler.Compile(program, options: new JitOptions { InstructionBudget = 100_000 }).FloorLog2s);
        Assert.Equal(0, JitCompiler.Compile(program, options: new JitOptions { LoopIdioms = false }).FloorLog2s);
        // Cut by a region boundary: left as written, and still right.
        var split = JitCompiler.Compile(program, options: new JitOptions { MaxRegionInstructions = 8 });
        Assert.Equal(0, split.FloorLog2s);
        AssertSameAsInterpreter(program, split);
    }

    /// <summary>
    /// bench/programs/log2.c as clang-19 builds it (the search inside the loop, its last select jumping back to the
    /// latch), loaded and test-run through the runtime on the JIT and the interpreter.
    /// </summary>
    [Fact]
    public void BenchLog2ObjectRunsOneLeadingZeroCountPerElement()
    {
        string path = Path.Combine(BenchObjects.Build(), "log2.o");
        var program = BpfObject.Open(path, new BpfObjectOpenOptions { MapTypeNumbering = MapTypeNumbering.Linux }).Programs.Single();
        Assert.Equal(1, JitCompiler.Compile(program.Instructions.AsSpan().ToArray(), options: new JitOptions()).FloorLog2s);
        var jitRuntime = LinuxXdp.Runtime();
        using var jitObject = LinuxXdp.LoadXdp(jitRuntime, path);
        var interpreterRuntime = LinuxXdp.Runtime();
        using var interpreterObject = LinuxXdp.LoadXdp(interpreterRuntime, path, ExecutionEngine.Interpreter);
        var random = new Random(5);
        var words = EdgeValues().Select(v => (uint)v).ToArray();
        foreach (int fill in new[] { 0, 1, 2, 3 })
        {
            var packet = new byte[1024];
            for (int i = 0; i < 256; i++)
            {
                uint word = fill switch { 0 => words[i % words.Length], 1 => 0, 2 => uint.MaxValue, _ => (uint)random.Next() };
                BitConverter.TryWriteBytes(packet.AsSpan(4 * i), word);
            }
            var jit = jitRuntime.Run(jitObject, "bench_log2", packet).Action;
            Assert.Equal(Reference(packet), jit);
            Assert.Equal(interpreterRuntime.Run(interpreterObject, "bench_log2", packet).Action, jit);
        }
    }

    /// <summary>What bench_log2 returns, computed here: the sum over 256 words of log2(word >> (i &amp; 15)).</summary>
    private static uint Reference(byte[] packet)
    {
        uint sum = 0;
        for (int i = 0; i < 256; i++)
            sum += (uint)System.Numerics.BitOperations.Log2(BitConverter.ToUInt32(packet, 4 * i) >> (i & 15));
        return sum;
    }

    private static void AssertSameAsInterpreter(Instruction[] program, JitExecutor jit)
    {
        var interpreter = new Interpreter(program, null, new InterpreterOptions { Mode = ExecutionMode.Unchecked });
        foreach (ulong x in EdgeValues())
        {
            var memory = new byte[16];
            BitConverter.TryWriteBytes(memory, x);
            BitConverter.TryWriteBytes(memory.AsSpan(8), x * 0x9E3779B97F4A7C15UL);
            Assert.True(interpreter.Run(memory.ToArray()) == jit.Run(memory.ToArray()), $"x = 0x{x:x}");
        }
    }
}
