namespace Ebpf.Runtime.Memory;

/// <summary>
/// The "CPUs" of per-CPU maps. A program invocation leases one of <see cref="Count"/> slots exclusively for its
/// whole run (<see cref="Acquire"/>/<see cref="Release"/>, done by <see cref="ProgramExecutionScope"/>), the way
/// the kernel keeps a program on one CPU with preemption off: the slot never changes mid-run and no other
/// invocation writes the same per-CPU value concurrently. The lease starts at the processor the thread is on, so
/// an uncontended thread usually keeps the same slot between runs. When every slot is leased, the caller spins
/// (yielding) until one frees: at most <see cref="Count"/> programs run at once, as on a machine with that many CPUs.
/// </summary>
public static class ProcessorSlots
{
    /// <summary>Number of slots: <see cref="Environment.ProcessorCount"/> at start-up.</summary>
    public static int Count { get; } = Math.Max(1, Environment.ProcessorCount);

    // One owner word per cache line, so leasing neighbouring slots does not false-share.
    private const int Stride = 16;

    private static readonly int[] s_owners = new int[Count * Stride];

    [ThreadStatic] private static int t_slotPlusOne;
    [ThreadStatic] private static int t_depth;

    /// <summary>True when the calling thread holds a lease.</summary>
    public static bool IsLeased => t_slotPlusOne != 0;

    /// <summary>
    /// The calling thread's slot: the leased one inside an invocation; outside one (user-mode code, tests) the
    /// current processor number modulo <see cref="Count"/>, which is stable only for an instant.
    /// </summary>
    public static int Current
    {
        get
        {
            int leased = t_slotPlusOne;
            return leased != 0 ? leased - 1 : (int)((uint)Thread.GetCurrentProcessorId() % (uint)Count);
        }
    }

    /// <summary>Leases a slot for the calling thread (nested calls keep the outer lease) and returns it.</summary>
    public static int Acquire()
    {
        if (t_depth++ > 0) return t_slotPlusOne - 1;
        int start = (int)((uint)Thread.GetCurrentProcessorId() % (uint)Count);
        var spinner = new SpinWait();
        while (true)
        {
            for (int i = 0; i < Count; i++)
            {
                int slot = start + i;
                if (slot >= Count) slot -= Count;
                if (Volatile.Read(ref s_owners[slot * Stride]) == 0 &&
                    Interlocked.CompareExchange(ref s_owners[slot * Stride], 1, 0) == 0)
                {
                    t_slotPlusOne = slot + 1;
                    return slot;
                }
            }
            spinner.SpinOnce();
        }
    }

    /// <summary>Ends the calling thread's lease (the outermost <see cref="Acquire"/>).</summary>
    public static void Release()
    {
        if (t_depth <= 0) throw new InvalidOperationException("ProcessorSlots.Release without Acquire.");
        if (--t_depth > 0) return;
        int slot = t_slotPlusOne - 1;
        t_slotPlusOne = 0;
        Volatile.Write(ref s_owners[slot * Stride], 0);
    }
}
