using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Ebpf.Runtime.Programs;

/// <summary>
/// Per-invocation state that helpers reach through <c>HelperCallContext.State</c>: the running program, the tail
/// call it requested and how many have run. One instance per thread, reset for each top-level invocation.
/// </summary>
public sealed class InvocationState : Interpretation.ITailCallInvocation
{
    /// <summary>One invocation runs at most 1 + 33 programs.</summary>
    public const int MaxTailCalls = 33;

    // This thread's state, found through a GC handle kept in a non-GC thread static: such a static is one load after
    // the TLS lookup, where a reference-typed one is three more dependent loads (measured: ~2 ns of a ~12 ns
    // invocation). The owner frees the handle once the thread, and so its statics, are gone.
    [ThreadStatic] private static nint t_handle;
    [ThreadStatic] private static HandleOwner? t_owner;

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
        nint handle = t_handle;
        if (handle == 0) return CreateForThisThread();
        var state = Unsafe.As<InvocationState>(GCHandle.FromIntPtr(handle).Target)!;
        if (state.InUse) return new InvocationState { InUse = true }; // a nested invocation on this thread
        state.InUse = true;
        return state;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static InvocationState CreateForThisThread()
    {
        var state = new InvocationState { InUse = true };
        var handle = GCHandle.Alloc(state);
        t_owner = new HandleOwner(handle);
        t_handle = GCHandle.ToIntPtr(handle);
        return state;
    }

    /// <summary>Frees a thread's state handle when the thread's statics are collected.</summary>
    private sealed class HandleOwner(GCHandle handle)
    {
        ~HandleOwner() => handle.Free();
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
