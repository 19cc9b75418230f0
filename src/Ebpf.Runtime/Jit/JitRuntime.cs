using System.ComponentModel;
using System.Runtime.CompilerServices;
using Ebpf.Runtime.Interpretation;

namespace Ebpf.Runtime.Jit;

/// <summary>
/// Out-of-line operations compiled programs call: the ones with no single IL or <see cref="Interlocked"/> equivalent,
/// checked-mode access checks and callx. Public only so that generated code may call (and inline) them.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static unsafe class JitRuntime
{
    // Atomics whose old value lands in an eBPF register run behind calls the .NET JIT may not inline. Inlined, the
    // intrinsics (lock xadd, xchg, cmpxchg) write a register the JIT's later zero-extension of that value can lose
    // track of: a 32-bit use of the fetched value (for example and32 right after a fetch add) kept its upper half, and
    // a 32-bit compare-exchange's narrowed operand took the register of the whole 64-bit local (.NET 10.0.12, both
    // found by the differential test: seeds 479873256 and 1999728656). The call costs far less than the locked
    // instruction itself; atomics without fetch stay inlined.

    [MethodImpl(MethodImplOptions.NoInlining)]
    public static int AtomicFetchAdd32(int* address, int value) => Interlocked.Add(ref *address, value) - value;

    [MethodImpl(MethodImplOptions.NoInlining)]
    public static long AtomicFetchAdd64(long* address, long value) => Interlocked.Add(ref *address, value) - value;

    [MethodImpl(MethodImplOptions.NoInlining)]
    public static int AtomicFetchOr32(int* address, int value) => Interlocked.Or(ref *address, value);

    [MethodImpl(MethodImplOptions.NoInlining)]
    public static long AtomicFetchOr64(long* address, long value) => Interlocked.Or(ref *address, value);

    [MethodImpl(MethodImplOptions.NoInlining)]
    public static int AtomicFetchAnd32(int* address, int value) => Interlocked.And(ref *address, value);

    [MethodImpl(MethodImplOptions.NoInlining)]
    public static long AtomicFetchAnd64(long* address, long value) => Interlocked.And(ref *address, value);

    [MethodImpl(MethodImplOptions.NoInlining)]
    public static int AtomicExchange32(int* address, int value) => Interlocked.Exchange(ref *address, value);

    [MethodImpl(MethodImplOptions.NoInlining)]
    public static long AtomicExchange64(long* address, long value) => Interlocked.Exchange(ref *address, value);

    [MethodImpl(MethodImplOptions.NoInlining)]
    public static int AtomicCompareExchange32(int* address, int value, int comparand) =>
        Interlocked.CompareExchange(ref *address, value, comparand);

    [MethodImpl(MethodImplOptions.NoInlining)]
    public static long AtomicCompareExchange64(long* address, long value, long comparand) =>
        Interlocked.CompareExchange(ref *address, value, comparand);

    /// <summary>Fetch-xor (no single intrinsic): a compare-exchange loop; returns the old value.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static int AtomicXor32(int* address, int value)
    {
        ref int target = ref *address;
        int old;
        do { old = Volatile.Read(ref target); } while (Interlocked.CompareExchange(ref target, old ^ value, old) != old);
        return old;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    public static long AtomicXor64(long* address, long value)
    {
        ref long target = ref *address;
        long old;
        do { old = Volatile.Read(ref target); } while (Interlocked.CompareExchange(ref target, old ^ value, old) != old);
        return old;
    }

    /// <summary>
    /// The processor slot a per-CPU lookup uses, as <see cref="Maps.ArrayMap.LookupForProgram"/> does: the slot the
    /// invoker leased for the run (passed in the context, no thread-static read), else the current one.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int ProcessorSlot(ref HelperCallContext context)
    {
        int leased = context.LeasedSlotPlusOne;
        return leased != 0 ? leased - 1 : Memory.ProcessorSlots.Current;
    }

    /// <summary>Checked mode: faults unless the run's regions allow the access (same fault as the interpreter's).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void CheckAccess(ref HelperCallContext context, int pc, ulong address, ulong size, MemoryAccess access)
    {
        var regions = context.Regions!;
        if (!regions.Allows(address, size, access)) Fault(regions, pc, address, size, access);
    }

    /// <summary>callx: the register holds a helper id, resolved at run time as the interpreter does.</summary>
    public static ulong CallById(object closure, ulong id, int pc, ulong r1, ulong r2, ulong r3, ulong r4, ulong r5,
        ref HelperCallContext context)
    {
        if (!((JitClosure)closure).Helpers.TryGet(id, out var helper)) throw new UnknownHelperException(pc, id);
        context.ProgramCounter = pc;
        return helper(r1, r2, r3, r4, r5, ref context);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void Fault(MemoryRegionSet regions, int pc, ulong address, ulong size, MemoryAccess access) =>
        throw new MemoryAccessFaultException(pc, address, size, access, regions.Nearest(address));
}
