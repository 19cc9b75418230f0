using System.Runtime.CompilerServices;
using Ebpf.Platform;
using Ebpf.Runtime.Interpretation;
using Ebpf.Runtime.Jit;
using Ebpf.Runtime.Maps;
using Ebpf.Runtime.Programs;

namespace Ebpf.Runtime.Helpers;

/// <summary>
/// bpf_tail_call: ends the calling program and runs <c>prog_array[index]</c> with the same context (a JIT run
/// enters it directly; otherwise the invoker runs <see cref="InvocationState.PendingTailCall"/>). An empty or out-of-range slot gives -6; after
/// <see cref="InvocationState.MaxTailCalls"/> tail calls in one invocation the next gives -27. On failure the caller
/// simply continues.
/// </summary>
public static class TailCallHelper
{
    private const long EInval = 22, ENoent = 2;

    /// <summary>bpf_tail_call (5) of eBPF for Windows: -<see cref="EbpfResult.InvalidArgument"/> or -<see cref="EbpfResult.NoMoreTailCalls"/> on failure.</summary>
    public static ulong TailCall(ulong ctx, ulong programArray, ulong index, ulong r4, ulong r5, ref HelperCallContext call) =>
        Request(programArray, index, ref call) switch
        {
            Outcome.Requested => 0,
            Outcome.LimitReached => Fail(EbpfResult.NoMoreTailCalls),
            _ => Fail(EbpfResult.InvalidArgument),
        };

    /// <summary>
    /// bpf_tail_call (12) of the Linux ABI, the same call with the kernel's failures: -EINVAL without a program array,
    /// -ENOENT for an empty slot or past the limit.
    /// </summary>
    public static ulong TailCallErrno(ulong ctx, ulong programArray, ulong index, ulong r4, ulong r5, ref HelperCallContext call) =>
        Request(programArray, index, ref call) switch
        {
            Outcome.Requested => 0,
            Outcome.NoProgramArray => unchecked((ulong)-EInval),
            _ => unchecked((ulong)-ENoent),
        };

    private enum Outcome { Requested, NoProgramArray, EmptySlot, LimitReached }

    private static Outcome Request(ulong programArray, ulong index, ref HelperCallContext call)
    {
        var map = MapHelpers.Resolve(programArray, GlobalHelpers.TailCall, ref call);
        // Only an invocation (EbpfProgram.Invoke) can run the callee; a bare interpreter run has no invoker.
        if (map is not ProgramArrayMap programs || call.State is not InvocationState state) return Outcome.NoProgramArray;
        // The compiled fast path only reads what is cached (it calls nothing): the helper brings the cache up to date.
        state.RememberProgramArray(programArray, programs);
        programs.RefreshDirectTargets();
        if (programs.GetProgram((uint)index) is not EbpfProgram callee) return Outcome.EmptySlot;
        if (state.TailCallCount >= InvocationState.MaxTailCalls) return Outcome.LimitReached;
        state.TailCallCount++;
        // The caller ends here, so the callee is the running program from now on (a JIT run enters it directly).
        state.Program = callee;
        call.RequestTailCall(callee, callee.Binding?.Executor);
        return Outcome.Requested;
    }

    /// <summary>
    /// Compiled code's fast path of <see cref="TailCall"/> (unchecked runs only): when the tail call succeeds and its
    /// target is bound to compiled code that may run on the caller's stack of <paramref name="stackBytes"/>, counts it,
    /// records the slot entered (<see cref="InvocationState.Program"/> reads it back) and returns its entry for the
    /// caller to enter. Null (nothing changed) leaves the call to <see cref="TailCall"/>: failures, targets only the
    /// invoker can run, an array the helper has not met on this thread, and bindings changed since it last read them.
    /// </summary>
    /// <remarks>
    /// Inlined into compiled code, so it calls nothing (a call would make every hop save and restore the registers
    /// the program keeps across it). A chain sees bindings as of its first hop, as the invoked program's own binding
    /// is read once per invocation: only that hop compares the binding generation.
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static JitEntry? DirectTailCallEntry(ref HelperCallContext call, ulong programArray, ulong index, int stackBytes)
    {
        if (call.State is not InvocationState state) return null;
        int count = state.TailCallCount;
        if (count >= InvocationState.MaxTailCalls || state.ProgramArray(programArray) is not { } array ||
            count == 0 && !array.DirectTargetsCurrent ||
            array.DirectTarget((uint)index) is not { } target)
            return null;
        var entry = target.DirectTailCallEntry;
        if (entry is null || target.StackBytes > stackBytes) return null;
        state.TailCallCount = count + 1;
        state.EnteredDirectly((uint)index);
        return entry;
    }

    private static ulong Fail(EbpfResult result) => (ulong)-(long)result;
}
