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

    private EbpfProgram _program = null!;
    // The slot of _programArray the last tail call entered directly (compiled code into compiled code), or -1 when
    // _program is the one running: a hop records an int, not a reference, so it costs no GC write barrier.
    private int _enteredSlot = -1;

    /// <summary>
    /// The running program: the invoked one, or the target of the last tail call (a direct hop is read back from the
    /// program array's slot, which a concurrent update may have changed since: only trace lines name it).
    /// </summary>
    public EbpfProgram Program
    {
        get => _enteredSlot >= 0 && _programArray?.GetProgram((uint)_enteredSlot) is EbpfProgram entered ? entered : _program;
        internal set
        {
            if (!ReferenceEquals(_program, value)) _program = value; // skips the GC write barrier on repeats
            _enteredSlot = -1;
        }
    }

    /// <summary>Compiled code entered slot <paramref name="slot"/> of the array <see cref="ProgramArray"/> returned last.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal void EnteredDirectly(uint slot) => _enteredSlot = (int)slot;

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

    // The program array the tail-call helper last resolved on this thread, by handle: a chain hops through one array,
    // so the compiled fast path finds it with one compare. Kept across invocations, so a chain's first hop is fast
    // too. A handle the array's disposal freed and a later map reuses still finds the disposed array here, whose
    // slots are empty: the hop goes to the helper, which resolves the handle again.
    private ulong _programArrayHandle;
    private Maps.ProgramArrayMap? _programArray;

    /// <summary>
    /// The program array the helper last resolved <paramref name="handle"/> to on this thread, else null (the
    /// compiled fast path then leaves the hop to the helper). Calls nothing: see <see cref="Maps.ProgramArrayMap.DirectTarget"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal Maps.ProgramArrayMap? ProgramArray(ulong handle) => handle == _programArrayHandle ? _programArray : null;

    /// <summary>Remembers the program array the tail-call helper resolved <paramref name="handle"/> to, for the fast path.</summary>
    internal void RememberProgramArray(ulong handle, Maps.ProgramArrayMap array)
    {
        if (handle == _programArrayHandle && ReferenceEquals(array, _programArray)) return;
        _programArrayHandle = handle;
        _programArray = array;
    }

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
        state._enteredSlot = -1;
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
