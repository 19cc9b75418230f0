using Ebpf.Platform;
using Ebpf.Runtime.Extensions;
using Ebpf.Runtime.Helpers;
using Ebpf.Runtime.Interpretation;
using Ebpf.Runtime.Maps;
using Ebpf.Runtime.Programs;
using Ebpf.Runtime.Tracing;
using Ebpf.Runtime.Tests.Maps;
using static Ebpf.Runtime.Tests.Helpers.HelperHarness;

namespace Ebpf.Runtime.Tests.Helpers;

public unsafe class TailCallTests
{
    private static EbpfMap ProgramArray(uint entries = 4) => MapFactory.Create(new MapDefinition(MapType.ProgArray, 4, 4, entries), "progs");

    private static EbpfMap Counter() => MapFactory.Create(new MapDefinition(MapType.Array, 4, 8, 1), "runs");

    /// <summary>counter[0] += 1, through a map lookup (r1-r5 and r0 are clobbered; r6-r9 are not).</summary>
    internal static string CountRun(EbpfMap counter) => $"""
        stw [%r10-4], 0
        lddw %r1, 0x{counter.Handle:x}
        mov %r2, %r10
        add %r2, -4
        call 1
        jeq %r0, 0, +2
        mov %r1, 1
        lock add [%r0], %r1
        """;

    /// <summary>Counts a run in counter[0], then tail-calls prog_array[slot]; returns the helper's result when it fails.</summary>
    internal static string CountAndTailCall(EbpfMap counter, EbpfMap programs, uint slot) => $"""
        mov %r6, %r1
        {CountRun(counter)}
        mov %r1, %r6
        lddw %r2, 0x{programs.Handle:x}
        mov %r3, {slot}
        call 5
        exit
        """;

    [Fact]
    public void ThirtyFourthTailCallFailsWithNoMoreTailCalls()
    {
        using var programs = ProgramArray();
        using var counter = Counter();
        var registry = NewRegistry();
        var self = Load(registry, "again", CountAndTailCall(counter, programs, 0));
        ((ProgramArrayMap)programs).SetProgram(0, self);

        Assert.Equal(-(long)EbpfResult.NoMoreTailCalls, Signed(Invoke(self)));
        // 1 + 33 programs ran; the 34th tail call returned -27 to the last of them.
        Assert.Equal(34ul, Bytes.As<ulong>(counter.Lookup(Bytes.Of(0u))));

        // The count is per invocation: the next one starts from zero again.
        Assert.Equal(-(long)EbpfResult.NoMoreTailCalls, Signed(Invoke(self)));
        Assert.Equal(68ul, Bytes.As<ulong>(counter.Lookup(Bytes.Of(0u))));
    }

    [Fact]
    public void EmptyOrOutOfRangeSlotFailsWithInvalidArgumentAndTheCallerContinues()
    {
        using var programs = ProgramArray(entries: 2);
        using var counter = Counter();
        var registry = NewRegistry();
        var empty = Load(registry, "empty", CountAndTailCall(counter, programs, 1));
        var outOfRange = Load(registry, "range", CountAndTailCall(counter, programs, 7));
        Assert.Equal(-(long)EbpfResult.InvalidArgument, Signed(Invoke(empty)));
        Assert.Equal(-(long)EbpfResult.InvalidArgument, Signed(Invoke(outOfRange)));
        Assert.Equal(2ul, Bytes.As<ulong>(counter.Lookup(Bytes.Of(0u))));
    }

    [Fact]
    public void ChainRunsEachTargetWithTheSameContextAndReturnsTheLastResult()
    {
        using var programs = ProgramArray();
        var registry = NewRegistry();
        // first: ctx->u32 at 16 += 1, tail-call slot 1; second: ctx->u32 at 16 * 10, return it.
        var second = Load(registry, "second", """
            ldxw %r0, [%r1+16]
            mul %r0, 10
            stxw [%r1+16], %r0
            exit
            """);
        var first = Load(registry, "first", $"""
            ldxw %r2, [%r1+16]
            add %r2, 1
            stxw [%r1+16], %r2
            lddw %r2, 0x{programs.Handle:x}
            mov %r3, 1
            call 5
            mov %r0, 999
            exit
            """);
        ((ProgramArrayMap)programs).SetProgram(1, second);
        using var context = new Ebpf.Runtime.Extensions.ProgramContext(32, 0, 0, 8);
        context.ContextBytes[16] = 4;
        var result = first.Invoke(context.Context);
        Assert.Equal(50ul, result.ReturnValue);
        Assert.Equal(50, context.ContextBytes[16]);
    }

    [Fact]
    public void TailCallOutsideAnInvocationFails()
    {
        using var programs = ProgramArray();
        var registry = NewRegistry();
        ((ProgramArrayMap)programs).SetProgram(0, Load(registry, "target", "mov %r0, 1\nexit"));
        // A bare interpreter run has nobody to run the target: the helper fails and the program goes on.
        Assert.Equal(-(long)EbpfResult.InvalidArgument, Signed(Run($"""
            lddw %r2, 0x{programs.Handle:x}
            mov %r3, 0
            call 5
            exit
            """)));
    }

    /// <summary>Tail-calls prog_array[slot]; returns 100 + the helper's error when that fails.</summary>
    private static string TailCallOr100(EbpfMap programs, uint slot) => $"""
        lddw %r2, 0x{programs.Handle:x}
        mov %r3, {slot}
        call 5
        neg %r0
        add %r0, 100
        exit
        """;

    [Fact]
    public void EachRunReadsTheSlotAsItIsThen()
    {
        using var programs = ProgramArray();
        var registry = NewRegistry();
        var entry = Load(registry, "entry", TailCallOr100(programs, 1));
        var array = (ProgramArrayMap)programs;
        array.SetProgram(1, Load(registry, "one", "mov %r0, 1\nexit"));
        Assert.Equal(1ul, Invoke(entry));
        array.SetProgram(1, Load(registry, "two", "mov %r0, 2\nexit"));
        Assert.Equal(2ul, Invoke(entry));
        array.SetProgram(1, null);
        Assert.Equal(100ul + (ulong)EbpfResult.InvalidArgument, Invoke(entry));
        array.SetProgram(1, Load(registry, "three", "mov %r0, 3\nexit"));
        Assert.Equal(3ul, Invoke(entry));
    }

    [Fact]
    public void AChainThroughJitAndInterpretedProgramsRunsEveryOneAndCountsEveryTailCall()
    {
        using var programs = ProgramArray();
        using var counter = Counter();
        var registry = NewRegistry();
        EbpfProgram LoadOn(ExecutionEngine engine, string name, uint slot) => registry.LoadProgram(
            new ProgramLoadRequest(name, name, TestType.ProgramType, Code(CountAndTailCall(counter, programs, slot))) { Unverified = true, Engine = engine });
        // jit -> interpreted -> jit -> jit -> interpreted -> back to slot 0 ... until the 34th tail call fails.
        var array = (ProgramArrayMap)programs;
        array.SetProgram(0, LoadOn(ExecutionEngine.Jit, "a", 1));
        array.SetProgram(1, LoadOn(ExecutionEngine.Interpreter, "b", 2));
        array.SetProgram(2, LoadOn(ExecutionEngine.Jit, "c", 3));
        array.SetProgram(3, LoadOn(ExecutionEngine.Interpreter, "d", 0));
        Assert.Equal(-(long)EbpfResult.NoMoreTailCalls, Signed(Invoke(array.GetProgram(0) as EbpfProgram ?? throw new InvalidOperationException())));
        Assert.Equal(34ul, Bytes.As<ulong>(counter.Lookup(Bytes.Of(0u))));
    }

    [Fact]
    public void TheTargetOfATailCallIsTheRunningProgramForHelpers()
    {
        using var programs = ProgramArray();
        using var trace = TraceLog.Subscribe();
        var registry = NewRegistry();
        string marker = $"tc{Random.Shared.Next(100, 999)}";
        int word = BitConverter.ToInt32([(byte)marker[0], (byte)marker[1], (byte)marker[2], (byte)marker[3]]);
        // Prints a short marker through bpf_trace_printk, which names the running program.
        var callee = Load(registry, "tail_callee", $"""
            stw [%r10-8], {word}
            stw [%r10-4], {(byte)marker[4]}
            mov %r1, %r10
            add %r1, -8
            mov %r2, 6
            call {GlobalHelpers.TracePrintk2}
            exit
            """);
        ((ProgramArrayMap)programs).SetProgram(2, callee);
        var caller = Load(registry, "tail_caller", TailCallOr100(programs, 2));
        Assert.Equal(5ul, Invoke(caller)); // the callee's r0: bytes printed
        var printed = trace.Drain().Where(record => record.Text == marker).ToList();
        Assert.Equal("tail_callee", Assert.Single(printed).ProgramName);
    }

    [Fact]
    public void AChainEntersTheTargetsBoundNowAfterTheirProviderWasReplaced()
    {
        // entry -> slot 1 -> slot 2, all JIT-compiled (each hop enters the next program's compiled code); the last
        // program returns what the provider's bpf_get_prandom_u32 gives: 1 from the first provider, 2 from the next.
        using var programs = ProgramArray();
        var registry = new ExtensionRegistry(CoreHelpers.Find);
        ProgramInformationProvider Returning(ulong value) => new("swap-tests", TestType,
            globalOverrides: [(GlobalHelpers.GetPrandomU32, (ulong r1, ulong r2, ulong r3, ulong r4, ulong r5, ref HelperCallContext call) => value)]);
        var first = Returning(1);
        registry.Register(first);
        var entry = Load(registry, "entry", TailCallOr100(programs, 1));
        var array = (ProgramArrayMap)programs;
        array.SetProgram(1, Load(registry, "middle", TailCallOr100(programs, 2)));
        array.SetProgram(2, Load(registry, "last", $"call {GlobalHelpers.GetPrandomU32}\nexit"));
        Assert.Equal(1ul, Invoke(entry));
        Assert.Equal(1ul, Invoke(entry)); // now every hop's target is cached for the compiled fast path
        registry.Unregister(first);
        registry.Register(Returning(2));
        Assert.True(entry.IsBound && ((EbpfProgram)array.GetProgram(2)!).IsBound);
        Assert.Equal(2ul, Invoke(entry));
        Assert.Equal(2ul, Invoke(entry));
    }
}
