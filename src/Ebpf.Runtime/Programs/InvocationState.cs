using System.Runtime.CompilerServices;

namespace Ebpf.Runtime.Programs;

/// <summary>
/// Per-invocation state that helpers reach through <c>HelperCallContext.State</c>: the running program, the tail
/// call it requested and how many have run. One instance per thread, reset for each top-level invocation.
/// </summary>
public sealed class InvocationState : Interpretation.ITailCallInvocation
{
    /// <summary>One invocation runs at most 1 + 33 programs.</summary>
    public const int MaxTailCalls = 33;

    [ThreadStatic] private static InvocationState? t_current;

    public EbpfProgram Program { get; internal set; } = null!;

    /// <summary>
    /// The tail call the last run ended with (<c>bpf_tail_call</c>), which the invoker runs next. A JIT run enters
    /// JIT-compiled targets itself, so this holds only targets it left to the invoker.
    /// </summary>
    public EbpfProgram? PendingTailCall { get; set; }

    public int TailCallCount { get; internal set; }

    internal const int NoProcessor = -1;

    /// <summary>
    /// The processor slot of this invocation (what <c>bpf_get_smp_processor_id</c> reports): the leased slot, or for
    /// a program that leases none (<see cref="EbpfProgram.RequiresProcessorSlot"/>) the current processor's.
    /// </summary>
    public int Processor => LeasedProcessor != NoProcessor ? LeasedProcessor : Memory.ProcessorSlots.Current;

    internal int LeasedProcessor { get; set; } = NoProcessor;

    /// <summary>
    /// This thread's epoch participant of the manager it last invoked under: thread-static reads are calls on some
    /// platforms, so an invocation makes one (for the state) and finds the participant here.
    /// </summary>
    internal Memory.EpochParticipant? Participant;

    void Interpretation.ITailCallInvocation.SetPendingTailCall(object program) => PendingTailCall = (EbpfProgram)program;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static InvocationState Rent()
    {
        var state = t_current;
        if (state is null) return t_current = new InvocationState { InUse = true };
        if (state.InUse) return new InvocationState { InUse = true }; // a nested invocation on this thread
        state.InUse = true;
        return state;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void Return(InvocationState state)
    {
        state.InUse = false;
        state.PendingTailCall = null;
        state.TailCallCount = 0;
        state.LeasedProcessor = NoProcessor;
    }

    /// <summary>This thread's participant in <paramref name="epochs"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal Memory.EpochParticipant ParticipantOf(Memory.EpochManager epochs)
    {
        var participant = Participant;
        if (participant is not null && ReferenceEquals(participant.Manager, epochs)) return participant;
        return Participant = epochs.CurrentParticipant();
    }

    private bool InUse { get; set; }
}
