using Ebpf.Isa;
using Ebpf.Runtime.Interpretation;
using Ebpf.Runtime.Jit;
using Xunit.Abstractions;

namespace Ebpf.Runtime.Tests.Jit;

/// <summary>
/// Differential property test: random valid programs (see <see cref="RandomProgramGenerator"/>) must give the same
/// r0 (or the same fault) and leave the same memory, including the dumped stack, in the JIT as in the interpreter.
/// Set EBPF_DIFF_SEED to replay a run; EBPF_LONG_TESTS=1 runs many more programs.
/// </summary>
public class DifferentialTests(ITestOutputHelper output)
{
    private static bool Long => Environment.GetEnvironmentVariable("EBPF_LONG_TESTS") == "1";

    [Fact]
    public void JitMatchesInterpreterOnRandomPrograms()
    {
        int count = Long ? 100_000 : 2_000;
        // Each run draws a fresh base seed (printed; EBPF_DIFF_SEED replays it).
        int baseSeed = int.TryParse(Environment.GetEnvironmentVariable("EBPF_DIFF_SEED"), out int fixedSeed)
            ? fixedSeed : Random.Shared.Next();
        output.WriteLine($"base seed {baseSeed} (EBPF_DIFF_SEED={baseSeed} replays this run), {count} programs; program i uses seed base + i");
        var stats = RunMany(baseSeed, count);
        output.WriteLine(stats.ToString());
    }

    /// <summary>
    /// Programs that once diverged. 1999728656: a <c>cmpxchg32</c> whose source register is stored as 64 bits right
    /// after; the .NET JIT's inlined 32-bit CompareExchange lost the register's upper half. 479873256: a 64-bit fetch
    /// add whose result is used as 32 bits (and32) before a comparison; inlined, the zero-extension was lost.
    /// </summary>
    [Theory]
    [InlineData(1999728656)]
    [InlineData(479873256)]
    public void JitMatchesInterpreterOnceDivergentPrograms(int seed)
    {
        var stats = RunMany(seed, 1);
        Assert.Equal(1, stats.Completed);
    }

    /// <summary>
    /// Once-divergent programs reduced by hand, run by both engines on the same memory (so a stored pointer compares
    /// equal). The first: a 64-bit fetch add, then and32 of the fetched value with 0xffffffff, then a call whose
    /// unsigned comparison must see only the low half (the inlined intrinsic lost the zero-extension).
    /// </summary>
    [Theory]
    [InlineData("""
        mov %r9, %r1
        lddw %r5, 0xffffffff
        lddw %r6, 0xffffffffffffff84
        arsh32 %r6, 0x19
        lock fetch add [%r9+232], %r6
        and32 %r6, %r5
        jsgt %r1, %r3, +1
        call local +6
        lddw %r3, 0x8000000000000000
        call local +3
        ldabsh 0x96
        mov %r5, 1
        exit
        stxb [%r10-125], %r5
        jge %r3, %r6, +1
        stxw [%r9+65], %r1
        xor32 %r2, -184
        exit
        """)]
    public void JitMatchesInterpreterOnReducedPrograms(string source)
    {
        var program = Assembler.Assemble(source);
        var helpers = TestHelpers();
        var interpreter = new Interpreter(program, helpers, new InterpreterOptions { Mode = ExecutionMode.Unchecked });
        var jit = JitCompiler.Compile(program, helpers, new JitOptions { Mode = ExecutionMode.Unchecked });
        var memory = GC.AllocateArray<byte>(RandomProgramGenerator.MemorySize, pinned: true);
        memory.AsSpan().Fill(0xa5);
        long unused = 0;
        ulong expected = RunCounting(interpreter, memory, ref unused);
        var afterInterpreter = memory.ToArray();
        memory.AsSpan().Fill(0xa5);
        ulong actual = jit.Run(memory);
        Assert.Equal(expected, actual);
        Assert.Equal(afterInterpreter, memory);
    }

    [Fact]
    public void JitMatchesInterpreterOnFixedSeeds()
    {
        var stats = RunMany(20261125, 500);
        output.WriteLine(stats.ToString());
        // The generator must exercise what it promises, or the comparison proves little.
        Assert.True(stats.Instructions > 500 * 50, stats.ToString());
        Assert.True(stats.Stopped > 0 && stats.Completed > 400, stats.ToString());
        Assert.True(stats.WithLocalCalls > 100, stats.ToString());
        Assert.True(stats.InRegions >= 120, stats.ToString());
        Assert.True(stats.RealCalls > 60, stats.ToString());
    }

    private sealed record Stats
    {
        public int Completed, Stopped, WithLocalCalls, InRegions, RealCalls;
        public long Instructions, ExecutedInstructions, CompileTicks, FirstRunTicks;
        public override string ToString() =>
            $"{Completed} ran to exit/stop with equal results ({Stopped} stopped by a helper or a legacy load), " +
            $"{WithLocalCalls} with local calls ({RealCalls} as real calls), {InRegions} also compiled in regions, {Instructions} instructions generated, {ExecutedInstructions} executed (interpreter count); " +
            $"compilation (IL + .NET JIT) {Milliseconds(CompileTicks):F0} ms, " +
            $"first runs {Milliseconds(FirstRunTicks):F0} ms";

        // In double: long ticks times TicksPerSecond overflows after about 15 minutes of nanosecond ticks.
        private static double Milliseconds(long stopwatchTicks) => stopwatchTicks * 1000.0 / System.Diagnostics.Stopwatch.Frequency;
    }

    private static Stats RunMany(int baseSeed, int count)
    {
        var helpers = TestHelpers();
        var stats = new Stats();
        for (int i = 0; i < count; i++)
        {
            int seed = unchecked(baseSeed + i);
            // Every third program keeps the calling convention, so that its local calls become real calls.
            var program = new RandomProgramGenerator(seed, callingConvention: i % 3 == 2).Generate();
            stats.Instructions += program.Length;
            if (program.Any(insn => insn.Opcode == OpCodes.Call && insn.Src == PseudoSource.LocalCall)) stats.WithLocalCalls++;
            var mode = i % 4 == 3 ? ExecutionMode.Checked : ExecutionMode.Unchecked;
            var interpreter = new Interpreter(program, helpers, new InterpreterOptions { Mode = mode, InstructionBudget = 1_000_000 });
            long compileStart = System.Diagnostics.Stopwatch.GetTimestamp();
            var jit = JitCompiler.Compile(program, helpers, new JitOptions { Mode = mode, DirectHelperCalls = i % 3 != 2 });
            stats.CompileTicks += System.Diagnostics.Stopwatch.GetTimestamp() - compileStart;
            // Every fourth program also compiled in small regions (the code large programs get), 1-48 slots each.
            int regionSlots = i % 4 == 1 ? 1 + (int)((uint)seed % 48) : 0;
            var inRegions = regionSlots == 0 ? null : JitCompiler.Compile(program, helpers,
                new JitOptions { Mode = mode, DirectHelperCalls = i % 3 != 2, MaxRegionInstructions = regionSlots });

            var memory = new byte[RandomProgramGenerator.MemorySize];
            new Random(seed).NextBytes(memory);
            var initial = memory.ToArray();

            string expected = Outcome(() => RunCounting(interpreter, memory, ref stats.ExecutedInstructions));
            foreach (var (compiled, regions) in (ReadOnlySpan<(JitExecutor?, int)>)[(jit, 0), (inRegions, regionSlots)])
            {
                if (compiled is null) continue;
                var jitMemory = initial.ToArray();
                long runStart = System.Diagnostics.Stopwatch.GetTimestamp();
                string actual = Outcome(() => compiled.Run(jitMemory));
                stats.FirstRunTicks += System.Diagnostics.Stopwatch.GetTimestamp() - runStart;
                if (expected != actual || !memory.AsSpan().SequenceEqual(jitMemory))
                {
                    int at = memory.AsSpan().CommonPrefixLength(jitMemory);
                    Assert.Fail($"seed {seed} (base {baseSeed}, program {i}, {mode}, direct helpers {i % 3 != 2}, " +
                        $"{(regions == 0 ? "one method" : $"regions of {regions} slots ({compiled.MethodNames.Count - 1})")}): " +
                        $"interpreter {expected}, JIT {actual}" +
                        (at < memory.Length ? $"; memory differs first at byte {at}: {memory[at]:x2} vs {jitMemory[at]:x2}" : "") +
                        $"\n{Disassembler.Listing(program)}");
                }
                if (regions != 0) stats.InRegions++;
            }
            stats.Completed++;
            if (jit.MethodNames.Any(n => n.Contains("_fn", StringComparison.Ordinal))) stats.RealCalls++;
            if (RandomProgramGenerator.StoppedEarly(expected)) stats.Stopped++;
        }
        return stats;
    }

    private static ulong RunCounting(Interpreter interpreter, byte[] memory, ref long executed)
    {
        unsafe
        {
            fixed (byte* data = memory)
            {
                var region = new MemoryRegion((ulong)data, (ulong)memory.Length, MemoryAccess.ReadWrite, "memory");
                ulong result = interpreter.Run(new ExecutionRequest
                {
                    R1 = (ulong)data,
                    R2 = (ulong)memory.Length,
                    Regions = new ReadOnlySpan<MemoryRegion>(in region),
                    Packet = region,
                }, out long count);
                executed += count;
                return result;
            }
        }
    }

    private static string Outcome(Func<ulong> run)
    {
        try
        {
            return $"r0 = 0x{run():x}";
        }
        catch (ProgramExecutionException e)
        {
            return $"{e.GetType().Name}: {e.Message}";
        }
    }

    /// <summary>A static mixing helper (called directly) and a lambda (instance target) that sometimes stops the program.</summary>
    internal static HelperTable TestHelpers() => new HelperTable()
        .Add(RandomProgramGenerator.MixHelper, "mix", Mix)
        .Add(RandomProgramGenerator.StopHelper, "maybe_stop", (ulong r1, ulong r2, ulong r3, ulong r4, ulong r5, ref HelperCallContext context) =>
        {
            if ((r1 & 0xf) == 3) context.RequestStop(RandomProgramGenerator.StopMarker ^ r2);
            return r1 + r2 * 3 + (ulong)context.ProgramCounter;
        });

    private static ulong Mix(ulong r1, ulong r2, ulong r3, ulong r4, ulong r5, ref HelperCallContext context) =>
        (r1 * 0x9E37_79B9_7F4A_7C15UL) ^ (r2 << 7) ^ r3 ^ (r4 >> 3) ^ (r5 * 3) ^ (ulong)context.ProgramCounter;
}
