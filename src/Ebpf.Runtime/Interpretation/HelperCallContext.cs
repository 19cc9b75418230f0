using System.Runtime.CompilerServices;

namespace Ebpf.Runtime.Interpretation;

/// <summary>Per-run state a helper sees. One instance lives for a whole run; the interpreter updates <see cref="ProgramCounter"/>.</summary>
public struct HelperCallContext
{
    internal HelperCallContext(ulong programContext, MemoryRegionSet? regions, object? state, int leasedSlotPlusOne = 0)
    {
        ProgramContext = programContext;
        Regions = regions;
        State = state;
        LeasedSlotPlusOne = leasedSlotPlusOne;
    }

    /// <summary>The run's leased processor slot plus one (<see cref="ExecutionRequest.LeasedSlotPlusOne"/>); 0 if none.</summary>
    internal readonly int LeasedSlotPlusOne;

    /// <summary>r1 at program entry: the context pointer.</summary>
    public ulong ProgramContext { get; }

    /// <summary>Slot index of the call instruction being executed.</summary>
    public int ProgramCounter { get; internal set; }

    /// <summary>Caller-supplied object (e.g. the runtime's program instance with its maps).</summary>
    public object? State { get; }

    /// <summary>The regions of a checked run; null in unchecked mode.</summary>
    public MemoryRegionSet? Regions { get; }

    public readonly bool IsChecked => Regions is not null;

    internal bool StopRequested { get; private set; }
    internal ulong StopValue { get; private set; }

    /// <summary>Checked mode: lets the program access [address, address + length) from now on. No-op when unchecked.</summary>
    public readonly void RegisterRegion(ulong address, ulong length, MemoryAccess access, string name) =>
        Regions?.Add(new MemoryRegion(address, length, access, name));

    /// <summary>Checked mode: faults (as the program would) unless the program may access the range. No-op when unchecked.</summary>
    public readonly void ValidateAccess(ulong address, ulong length, MemoryAccess access)
    {
        if (Regions is { } regions && length > 0 && !regions.Allows(address, length, access))
            throw new MemoryAccessFaultException(ProgramCounter, address, length, access, regions.Nearest(address));
    }

    /// <summary>The program a successful tail call asked to run next (the invocation state's type of program).</summary>
    internal object? TailCallProgram { get; private set; }

    /// <summary>
    /// That program's executor, when the helper knew it: a JIT executor may enter it directly; otherwise the run
    /// ends and <see cref="PublishPendingTailCall"/> hands the program to the invoker.
    /// </summary>
    internal Programs.IProgramExecutor? TailCallTarget { get; private set; }

    /// <summary>Ends the program once the helper returns, with r0 = <paramref name="returnValue"/> (unwinding, tail calls).</summary>
    public void RequestStop(ulong returnValue)
    {
        StopRequested = true;
        StopValue = returnValue;
    }

    /// <summary>
    /// A successful tail call: ends the program (r0 = 0) and names the next one. Nothing is written to the invocation
    /// state yet: an executor that enters <paramref name="executor"/> itself avoids that; the run's end publishes it.
    /// </summary>
    internal void RequestTailCall(object program, Programs.IProgramExecutor? executor)
    {
        StopRequested = true;
        StopValue = 0;
        TailCallProgram = program;
        TailCallTarget = executor;
    }

    /// <summary>The executor entered the tail call's target itself: the same run goes on in the next program.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal void ContinueWithTailCall()
    {
        StopRequested = false;
        StopValue = 0;
        TailCallProgram = null;
        TailCallTarget = null;
        ProgramCounter = 0;
    }

    /// <summary>The run ends: a tail call still pending goes to the invocation state, for the invoker to run.</summary>
    internal readonly void PublishPendingTailCall()
    {
        if (TailCallProgram is { } program && State is ITailCallInvocation invocation) invocation.SetPendingTailCall(program);
    }
}
