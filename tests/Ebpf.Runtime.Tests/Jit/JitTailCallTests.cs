using Ebpf.Isa;
using Ebpf.Runtime.Interpretation;
using Ebpf.Runtime.Jit;
using Ebpf.Runtime.Programs;

namespace Ebpf.Runtime.Tests.Jit;

/// <summary>
/// A JIT executor enters the target of a tail call itself (no return to the invoker) when the target is JIT code
/// that runs unchecked and fits its stack; anything else stays pending for the invoker, as the interpreter leaves it.
/// </summary>
public unsafe class JitTailCallTests
{
    private const uint TailCallId = 12;
    private const uint RecordId = 100;

    /// <summary>Invocation state of these tests: the slots tail calls index, what is pending, and what ran.</summary>
    private sealed class ChainState : ITailCallInvocation
    {
        public IProgramExecutor?[] Slots = new IProgramExecutor?[4];
        public int? Pending;
        public int TailCalls;
        public readonly List<ulong> Records = [];

        public void SetPendingTailCall(object program) => Pending = (int)program;
    }

    /// <summary>bpf_tail_call(ctx, map, index): slot index of the test state; fails with -2 on an empty slot or after 33.</summary>
    private static ulong TailCall(ulong ctx, ulong map, ulong index, ulong r4, ulong r5, ref HelperCallContext call)
    {
        var state = (ChainState)call.State!;
        if (index >= (ulong)state.Slots.Length || state.Slots[index] is not { } target || state.TailCalls >= InvocationState.MaxTailCalls)
            return unchecked((ulong)-2L);
        state.TailCalls++;
        call.RequestTailCall((int)index, target);
        return 0;
    }

    private static ulong Record(ulong value, ulong r2, ulong r3, ulong r4, ulong r5, ref HelperCallContext call)
    {
        ((ChainState)call.State!).Records.Add(value);
        return 0;
    }

    private static readonly HelperTable Helpers = new HelperTable()
        .Add(TailCallId, "bpf_tail_call", TailCall)
        .Add(RecordId, "record", Record);

    private static JitExecutor Compile(string asm, ExecutionMode mode = ExecutionMode.Unchecked) =>
        JitCompiler.Compile(Assembler.Assemble(asm), Helpers, new JitOptions { Mode = mode });

    /// <summary>Records <paramref name="mark"/>, then tail-calls slot <paramref name="next"/>; returns 1000 + mark if that fails.</summary>
    private static string Hop(int mark, int next) => $"""
        mov %r6, %r1
        mov %r1, {mark}
        call {RecordId}
        mov %r1, %r6
        mov %r2, 0
        mov %r3, {next}
        call {TailCallId}
        mov %r0, {1000 + mark}
        exit
        """;

    private static ulong Run(IProgramExecutor executor, ChainState state, ExecutionMode mode = ExecutionMode.Unchecked)
    {
        var stack = new byte[8];
        fixed (byte* context = stack)
        {
            MemoryRegion[] regions = [new((ulong)context, 8, MemoryAccess.ReadWrite, "ctx")];
            return executor.Run(new ExecutionRequest
            {
                R1 = (ulong)context,
                HelperState = state,
                Regions = mode == ExecutionMode.Checked ? regions : default,
            });
        }
    }

    [Fact]
    public void UncheckedJitTargetsRunInsideTheSameRunIncludingOnesWithLocalCalls()
    {
        var state = new ChainState();
        var first = Compile(Hop(1, 1));
        state.Slots[1] = Compile(Hop(2, 2));
        // The last target makes a local call (frames below the entry frame) and writes its stack.
        state.Slots[2] = Compile($"""
            mov %r1, 3
            call {RecordId}
            call local +1
            exit
            stdw [%r10-8], 42
            ldxdw %r0, [%r10-8]
            exit
            """);
        Assert.Equal(42ul, Run(first, state));
        // One run went through all three programs: nothing was left for an invoker.
        Assert.Equal([1ul, 2ul, 3ul], state.Records);
        Assert.Null(state.Pending);
    }

    [Fact]
    public void ASelfTailCallStopsAfterThirtyThreeAndTheLastCallerContinues()
    {
        var state = new ChainState();
        var self = Compile(Hop(7, 0));
        state.Slots[0] = self;
        Assert.Equal(1007ul, Run(self, state));
        Assert.Equal(34, state.Records.Count);
        Assert.Equal(33, state.TailCalls);
        Assert.Null(state.Pending);
    }

    [Fact]
    public void InterpretedOrCheckedTargetsStayPendingForTheInvoker()
    {
        var interpreted = new ChainState();
        interpreted.Slots[1] = new InterpreterExecutor(new Interpreter(Assembler.Assemble("mov %r0, 5\nexit"), Helpers));
        Assert.Equal(0ul, Run(Compile(Hop(1, 1)), interpreted));
        Assert.Equal(1, interpreted.Pending);
        Assert.Equal([1ul], interpreted.Records);

        var checkedTarget = new ChainState();
        checkedTarget.Slots[1] = Compile("mov %r0, 5\nexit", ExecutionMode.Checked);
        Assert.Equal(0ul, Run(Compile(Hop(1, 1)), checkedTarget));
        Assert.Equal(1, checkedTarget.Pending);
    }

    [Fact]
    public void AnInterpretedRunPublishesItsTailCallForTheInvoker()
    {
        var state = new ChainState();
        state.Slots[1] = Compile("mov %r0, 5\nexit");
        var interpreter = new InterpreterExecutor(new Interpreter(Assembler.Assemble(Hop(1, 1)), Helpers));
        Assert.Equal(0ul, Run(interpreter, state));
        Assert.Equal(1, state.Pending);
    }

    [Fact]
    public void AFailedTailCallLetsTheCallerGoOn()
    {
        var state = new ChainState();
        Assert.Equal(1001ul, Run(Compile(Hop(1, 3)), state));
        Assert.Null(state.Pending);
    }
}
