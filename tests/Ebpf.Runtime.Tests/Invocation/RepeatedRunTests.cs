using Ebpf.Isa;
using Ebpf.Platform;
using Ebpf.Runtime.Extensions;
using Ebpf.Runtime.Interpretation;
using Ebpf.Runtime.Jit;
using Ebpf.Extensions.Linux;
using Ebpf.Runtime.Maps;
using Ebpf.Runtime.Programs;
using Ebpf.Runtime.Tests.Helpers;
using Ebpf.Runtime.Tests.Jit;
using Ebpf.Runtime.Tests.Linux;
using Ebpf.Runtime.Tests.Maps;
using Ebpf.TestSupport;
using static Ebpf.Runtime.Tests.Helpers.HelperHarness;

namespace Ebpf.Runtime.Tests.Invocation;

/// <summary>
/// A test run's repeat loop (<see cref="EbpfProgram.InvokeRepeated"/>, for every ABI,
/// <see cref="IProgramExecutor.RunRepeated"/>) does what as many single runs would: every run happens, each starts
/// afresh (no stop request or tail-call count carried over), and the last run's r0 is returned.
/// </summary>
public unsafe class RepeatedRunTests
{
    /// <summary>counter[0] += 1 (through a map lookup), then r0 = 7.</summary>
    private static string Count(EbpfMap counter) => $"""
        {TailCallTests.CountRun(counter)}
        mov %r0, 7
        exit
        """;

    private static EbpfMap Counter() => MapFactory.Create(new MapDefinition(MapType.Array, 4, 8, 1), "runs");

    private static ulong Runs(EbpfMap counter) => Bytes.As<ulong>(counter.Lookup(Bytes.Of(0u)));

    [Theory]
    [InlineData(ExecutionEngine.Jit, ExecutionMode.Unchecked, 1)]
    [InlineData(ExecutionEngine.Jit, ExecutionMode.Unchecked, 5000)] // more than one batch
    [InlineData(ExecutionEngine.Jit, ExecutionMode.Checked, 300)]
    [InlineData(ExecutionEngine.Interpreter, ExecutionMode.Unchecked, 300)]
    public void EveryRunHappensAndTheLastResultIsReturned(ExecutionEngine engine, ExecutionMode mode, int count)
    {
        using var counter = Counter();
        var program = NewRegistry().LoadProgram(new ProgramLoadRequest("count", "count", TestType.ProgramType, Code(Count(counter)))
        {
            Unverified = true, Engine = engine, Mode = mode,
        });
        using var context = new ProgramContext(32, 0, 0, 8);
        var result = program.InvokeRepeated(context.Context, context.Regions(), count);
        Assert.True(result.Ran);
        Assert.Equal(7ul, result.ReturnValue);
        Assert.Equal((ulong)count, Runs(counter));
    }

    [Theory]
    [InlineData(ExecutionEngine.Jit)]
    [InlineData(ExecutionEngine.Interpreter)]
    public void EachRunFollowsItsOwnTailCallsWithAFreshCount(ExecutionEngine engine)
    {
        using var counter = Counter();
        using var programs = MapFactory.Create(new MapDefinition(MapType.ProgArray, 4, 4, 1), "programs");
        var self = NewRegistry().LoadProgram(new ProgramLoadRequest("again", "again", TestType.ProgramType, Code(TailCallTests.CountAndTailCall(counter, programs, slot: 0)))
        {
            Unverified = true, Engine = engine, Mode = ExecutionMode.Unchecked,
        });
        ((ProgramArrayMap)programs).SetProgram(0, self);
        using var context = new ProgramContext(32, 0, 0, 8);
        var result = self.InvokeRepeated(context.Context, default, 3);
        Assert.Equal(-(long)EbpfResult.NoMoreTailCalls, (long)result.ReturnValue);
        Assert.Equal(3ul * 34, Runs(counter));
    }

    [Fact]
    public void NonPositiveCountIsRefused()
    {
        using var counter = Counter();
        var program = Load(NewRegistry(), "count", Count(counter));
        using var context = new ProgramContext(32, 0, 0, 8);
        Assert.Throws<ArgumentOutOfRangeException>(() => program.InvokeRepeated(context.Context, default, 0));
    }

    /// <summary>
    /// counter += 1 in memory, then the stop helper with r1 = counter (it stops when the low nibble is 3), then r0 = 99:
    /// a stop request must not leak into the next run of the loop.
    /// </summary>
    [Theory]
    [InlineData(19, RandomProgramGenerator.StopMarker ^ 0)]
    [InlineData(20, 99ul)]
    public void AStopRequestEndsOnlyItsOwnRun(int count, ulong expected)
    {
        var code = Assembler.Assemble($"""
            ldxdw %r6, [%r1]
            add %r6, 1
            stxdw [%r1], %r6
            mov %r1, %r6
            mov %r2, 0
            call {RandomProgramGenerator.StopHelper}
            mov %r0, 99
            exit
            """);
        var jit = JitCompiler.Compile(code, Jit.DifferentialTests.TestHelpers());
        var memory = new byte[8];
        fixed (byte* data = memory)
        {
            ulong r0 = ((IProgramExecutor)jit).RunRepeated(new ExecutionRequest { R1 = (ulong)data }, count);
            Assert.Equal(expected, r0);
        }
        Assert.Equal((ulong)count, BitConverter.ToUInt64(memory));
    }

    /// <summary>Without helper calls the loop reuses one helper context; every run still happens, with its own stack frame use.</summary>
    [Theory]
    [InlineData(1)]
    [InlineData(10)]
    public void AProgramWithoutHelpersRunsEveryTime(int count)
    {
        var code = Assembler.Assemble("""
            ldxdw %r6, [%r1]
            add %r6, 1
            stxdw [%r1], %r6
            stxdw [%r10-8], %r6
            ldxdw %r0, [%r10-8]
            exit
            """);
        var jit = JitCompiler.Compile(code);
        var memory = new byte[8];
        fixed (byte* data = memory)
        {
            ulong r0 = ((IProgramExecutor)jit).RunRepeated(new ExecutionRequest { R1 = (ulong)data }, count);
            Assert.Equal((ulong)count, r0);
        }
        Assert.Equal((ulong)count, BitConverter.ToUInt64(memory));
    }

    private const string LinuxSource = """
        #include <linux/bpf.h>
        #include <bpf/bpf_helpers.h>

        struct { __uint(type, BPF_MAP_TYPE_PERCPU_ARRAY); __uint(max_entries, 1); __type(key, __u32); __type(value, __u64); } runs SEC(".maps");
        struct { __uint(type, BPF_MAP_TYPE_ARRAY); __uint(max_entries, 1); __type(key, __u32); __type(value, __u64); } tails SEC(".maps");
        struct { __uint(type, BPF_MAP_TYPE_PROG_ARRAY); __uint(max_entries, 1); __type(key, __u32); __type(value, __u32); } chain SEC(".maps");

        SEC("xdp") int counted(struct xdp_md *ctx)
        {
            __u32 key = 0;
            __u64 *count = bpf_map_lookup_elem(&runs, &key);
            if (count) *count += 1;
            return XDP_TX;
        }
        SEC("xdp") int counted_on_cpu(struct xdp_md *ctx)
        {
            __u32 key = 0;
            __u64 *count = bpf_map_lookup_elem(&runs, &key);
            if (count) *count += 1;
            return bpf_get_smp_processor_id();
        }
        SEC("xdp") int tail_self(struct xdp_md *ctx)
        {
            __u32 key = 0;
            __u64 *count = bpf_map_lookup_elem(&tails, &key);
            if (count) __sync_fetch_and_add(count, 1);
            bpf_tail_call(ctx, &chain, 0);
            return XDP_DROP;
        }
        char _license[] SEC("license") = "GPL";
        """;

    private static readonly Lazy<string> LinuxObject = new(() => ClangObjects.Compile("repeated_runs", LinuxSource));

    [Theory]
    [InlineData(ExecutionEngine.Jit)]
    [InlineData(ExecutionEngine.Interpreter)]
    public void LinuxRepeatedRunsCountEveryRunAndTailCallChain(ExecutionEngine engine)
    {
        using var loaded = LinuxXdp.Runtime().LoadXdp(LinuxObject.Value, engine);
        loaded.ProgramArray("chain").SetProgram(0, loaded.Program("tail_self"));
        using var context = LinuxXdpContext.Create(new byte[64]);

        Assert.Equal((ulong)XdpAction.Tx, loaded.Program("counted").InvokeRepeated(context.Context, context.Regions(), 5000).ReturnValue);
        ulong total = 0;
        var perCpu = loaded.Map("runs").Lookup(Bytes.Of(0u));
        for (int cpu = 0; cpu < perCpu.Length / 8; cpu++) total += BitConverter.ToUInt64(perCpu, cpu * 8);
        Assert.Equal(5000ul, total);

        // Each run: 1 + 33 programs, the last one's tail call fails and it returns XDP_DROP.
        Assert.Equal((ulong)XdpAction.Drop, loaded.Program("tail_self").InvokeRepeated(context.Context, context.Regions(), 3).ReturnValue);
        Assert.Equal(3ul * 34, BitConverter.ToUInt64(loaded.Map("tails").Lookup(Bytes.Of(0u))));
    }

    /// <summary>A per-CPU array lookup (done in the compiled code) lands in the slot the run's processor id names.</summary>
    [Theory]
    [InlineData(ExecutionEngine.Jit)]
    [InlineData(ExecutionEngine.Interpreter)]
    public void LinuxPerCpuLookupsUseTheRunsProcessorSlot(ExecutionEngine engine)
    {
        using var loaded = LinuxXdp.Runtime().LoadXdp(LinuxObject.Value, engine);
        using var context = LinuxXdpContext.Create(new byte[64]);
        int cpu = (int)loaded.Program("counted_on_cpu").InvokeRepeated(context.Context, context.Regions(), 100).ReturnValue;
        var perCpu = loaded.Map("runs").Lookup(Bytes.Of(0u));
        for (int slot = 0; slot < perCpu.Length / 8; slot++)
            Assert.Equal(slot == cpu ? 100ul : 0ul, BitConverter.ToUInt64(perCpu, slot * 8));
    }

    private enum XdpAction : ulong { Aborted, Drop, Pass, Tx }
}
