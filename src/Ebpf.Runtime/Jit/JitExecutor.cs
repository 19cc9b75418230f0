using System.Runtime.CompilerServices;
using Ebpf.Isa;
using Ebpf.Runtime.Interpretation;
using Ebpf.Runtime.Programs;

namespace Ebpf.Runtime.Jit;

/// <summary>
/// A program compiled by <see cref="JitCompiler"/>: dynamic methods (one, or an entry and regions) the .NET JIT
/// turns into native code. Immutable; may run concurrently. Runs with the interpreter's conventions (same stack
/// layout, helper context, faults and tail-call protocol).
/// </summary>
public sealed unsafe class JitExecutor : IProgramExecutor
{
    private readonly JitEntry _entry;
    private readonly int _stackBytes;
    private readonly bool _checked;
    private readonly bool _usesStack;
    private readonly bool _callsTailCall;
    private readonly Instruction[] _code;

    internal JitExecutor(JitEntry entry, Instruction[] code, HelperTable helpers, JitOptions options, TimeSpan compileTime, int ilSize,
        string[] methodNames, bool hasLocalCalls, bool usesStack, bool callsTailCall)
    {
        MethodNames = methodNames;
        _entry = entry;
        DirectTailCallEntry = options.Mode == ExecutionMode.Checked ? null : entry;
        _code = code;
        Helpers = helpers;
        Options = options;
        CompileTime = compileTime;
        IlSize = ilSize;
        _checked = options.Mode == ExecutionMode.Checked;
        // Unchecked runs of programs without local calls need one frame; checked runs grant every frame, as the
        // interpreter does, so both fault on the same accesses.
        // A program that tail-calls grants every frame too: the programs it enters run on its stack (see Run).
        _stackBytes = StackBytesFor(options, hasLocalCalls, callsTailCall);
        _usesStack = usesStack || _checked || callsTailCall;
        _callsTailCall = callsTailCall;
        _callsHelpers = code.Any(insn => insn.Opcode == OpCodes.CallX || insn.Opcode == OpCodes.Call && insn.Src != PseudoSource.LocalCall);
    }

    /// <summary>The program calls helpers (or callx): only they write to a run's helper context.</summary>
    private readonly bool _callsHelpers;

    /// <summary>Bytes of stack a run of the program allocates (<see cref="JitEmitter"/> bakes it into tail-call sites).</summary>
    internal static int StackBytesFor(JitOptions options, bool hasLocalCalls, bool callsTailCall) =>
        (hasLocalCalls || options.Mode == ExecutionMode.Checked || callsTailCall ? options.MaxCallDepth : 1) * Registers.StackSize;

    /// <summary>
    /// The compiled code, when a tail call may enter it from another program's compiled code (unchecked: a checked
    /// run needs its own regions); null otherwise. A field: the tail-call fast path reads it on every hop.
    /// </summary>
    internal readonly JitEntry? DirectTailCallEntry;

    /// <summary>Stack bytes the program needs below the frame top it is entered with.</summary>
    internal int StackBytes => _stackBytes;

    public ReadOnlySpan<Instruction> Program => _code;
    public HelperTable Helpers { get; }
    public JitOptions Options { get; }

    /// <summary>Time spent translating to IL and in the .NET JIT.</summary>
    public TimeSpan CompileTime { get; }

    /// <summary>Bytes of IL generated (all methods).</summary>
    public int IlSize { get; }

    /// <summary>
    /// Names of the dynamic methods the program was compiled to: the entry, then its regions when one method would
    /// have exceeded the .NET JIT's optimizer limits. <see cref="JitCodeObserver"/> reports how the JIT compiled each.
    /// </summary>
    public IReadOnlyList<string> MethodNames { get; }

    /// <summary>Counted loops compiled as one block operation each (copy or sum; see <see cref="JitOptions.LoopIdioms"/>).</summary>
    public int LoopIdioms { get; internal init; }

    /// <summary>Floor-log2 searches compiled as one leading-zero count each (see <see cref="JitFloorLog2"/>).</summary>
    public int FloorLog2s { get; internal init; }

    /// <summary>Runs once. The stack is not cleared: verified programs never read stack bytes they did not write.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ulong Run(in ExecutionRequest request)
    {
        // A program without stack, checks or tail calls runs straight from the caller's frame (no stack to allocate).
        if (_usesStack) return RunFramed(request);
        var context = new HelperCallContext(request.R1, null, request.HelperState, request.LeasedSlotPlusOne);
        return _entry(request, 0, ref context);
    }

    /// <summary>
    /// The program needs no stack, checks, tail calls or helpers: <see cref="RunInCallerFrame"/> may run it. (A program
    /// that references a map, whose per-CPU lookups read the helper context, is kept out by its invoker.)
    /// </summary>
    internal bool RunsInCallerFrame => !_usesStack && !_callsHelpers;

    /// <summary>The compiled code when the program <see cref="RunsInCallerFrame"/>, for <see cref="RunInCallerFrame"/>; null otherwise.</summary>
    internal JitEntry? CallerFrameEntry => RunsInCallerFrame ? _entry : null;

    /// <summary>
    /// A run of a <see cref="RunsInCallerFrame"/> program's <see cref="CallerFrameEntry"/>, without a helper context:
    /// compiled code touches the context only around helper calls, in checked mode and in per-CPU lookups, so such a
    /// program never does (and building one, 64 bytes with four references to clear, is a fifth of an invocation).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static ulong RunInCallerFrame(JitEntry entry, ulong r1, ulong r2) =>
        entry(new ExecutionRequest { R1 = r1, R2 = r2 }, 0, ref Unsafe.NullRef<HelperCallContext>());

    [SkipLocalsInit]
    private ulong RunFramed(in ExecutionRequest request)
    {
        if (_checked) return RunChecked(request);
        if (_callsTailCall) return RunFollowingTailCalls(request);
        var context = new HelperCallContext(request.R1, null, request.HelperState, request.LeasedSlotPlusOne);
        byte* stack = stackalloc byte[_stackBytes];
        return _entry(request, (ulong)(stack + _stackBytes), ref context);
    }

    /// <inheritdoc/>
    [SkipLocalsInit]
    public ulong RunRepeated(in ExecutionRequest request, int count)
    {
        ulong r0 = 0;
        if (_checked || _callsTailCall)
        {
            for (int i = 0; i < count; i++) r0 = Run(request);
            return r0;
        }
        byte* stack = stackalloc byte[_usesStack ? _stackBytes : 1];
        ulong top = _usesStack ? (ulong)(stack + _stackBytes) : 0;
        var entry = _entry;
        var context = new HelperCallContext(request.R1, null, request.HelperState, request.LeasedSlotPlusOne);
        if (!_callsHelpers)
        {
            // Nothing writes to the context: every run may start from the same one.
            for (int i = 0; i < count; i++) r0 = entry(request, top, ref context);
            return r0;
        }
        for (int i = 0; i < count; i++)
        {
            context = new HelperCallContext(request.R1, null, request.HelperState, request.LeasedSlotPlusOne);
            r0 = entry(request, top, ref context);
        }
        return r0;
    }

    /// <summary>
    /// A run of a program that may tail-call (bpf_tail_call or callx), without returning to the invoker: while the
    /// program that just stopped asked for a JIT-compiled, unchecked target whose frames fit this run's stack, that
    /// target runs next on the same context and stack (as a kernel JIT jumps into the target's image). Anything else
    /// is published to the invocation state for the invoker, as an interpreted run leaves it.
    /// </summary>
    [SkipLocalsInit]
    private ulong RunFollowingTailCalls(in ExecutionRequest request)
    {
        byte* stack = stackalloc byte[_stackBytes];
        return RunFollowingTailCalls(request, (ulong)(stack + _stackBytes));
    }

    /// <summary>
    /// An unchecked program that may tail-call, on a stack the caller allocated (<see cref="StackBytes"/> below
    /// its top): a test run's loop allocates it once for all its runs.
    /// </summary>
    internal bool RunsOnCallerStack => !_checked && _callsTailCall;

    internal ulong RunFollowingTailCalls(in ExecutionRequest request, ulong top)
    {
        var context = new HelperCallContext(request.R1, null, request.HelperState, request.LeasedSlotPlusOne);
        ulong r0 = _entry(request, top, ref context);
        while (context.TailCallTarget is JitExecutor next && !next._checked && next._stackBytes <= _stackBytes)
        {
            context.ContinueWithTailCall();
            r0 = next._entry(request, top, ref context);
        }
        context.PublishPendingTailCall();
        return r0;
    }

    /// <summary>bpf_conformance convention, as <see cref="Interpreter.Run(Span{byte}, object?)"/>.</summary>
    public ulong Run(Span<byte> memory, object? helperState = null) =>
        MemoryRun.Run(memory, helperState, Run);

    [SkipLocalsInit]
    private ulong RunChecked(in ExecutionRequest request)
    {
        byte* stack = stackalloc byte[_stackBytes];
        var regions = new MemoryRegionSet(request.Regions.Length + 4);
        foreach (var region in request.Regions) regions.Add(region);
        regions.Add(new MemoryRegion((ulong)stack, (ulong)_stackBytes, MemoryAccess.ReadWrite, "stack"));
        var context = new HelperCallContext(request.R1, regions, request.HelperState, request.LeasedSlotPlusOne);
        ulong r0 = _entry(request, (ulong)(stack + _stackBytes), ref context);
        context.PublishPendingTailCall();
        return r0;
    }
}
