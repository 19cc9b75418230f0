namespace Ebpf.Runtime.Programs;

/// <summary>
/// Per-invocation state that helpers reach through <c>HelperCallContext.State</c>: the running program, the tail
/// call it requested and how many have run. One instance per thread, reset for each top-level invocation.
/// </summary>
public sealed class InvocationState
{
    /// <summary>One invocation runs at most 1 + 33 programs.</summary>
    public const int MaxTailCalls = 33;

    [ThreadStatic] private static InvocationState? t_current;

    public EbpfProgram Program { get; internal set; } = null!;

    /// <summary>Set by <c>bpf_tail_call</c>; the invoker runs it after the current program stops.</summary>
    public EbpfProgram? PendingTailCall { get; set; }

    public int TailCallCount { get; internal set; }

    /// <summary>The processor slot of this invocation (what <c>bpf_get_smp_processor_id</c> reports).</summary>
    public int Processor { get; internal set; }

    internal static InvocationState Rent()
    {
        var state = t_current;
        if (state is null || state.InUse) return new InvocationState { InUse = true };
        state.InUse = true;
        return state;
    }

    internal static void Return(InvocationState state)
    {
        state.InUse = false;
        state.PendingTailCall = null;
        state.TailCallCount = 0;
        t_current ??= state;
    }

    private bool InUse { get; set; }
}
