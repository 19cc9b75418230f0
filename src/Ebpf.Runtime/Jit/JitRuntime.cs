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
    /// <summary>
    /// 32-bit compare-and-exchange behind a call the .NET JIT may not inline. Inlined, the intrinsic's narrowed
    /// operand (<c>conv.i4</c> of a register local) can be given the register that later stands for the whole
    /// 64-bit local, so the next use of that eBPF register loses its upper half (.NET 10.0.12, found by the
    /// differential test, seed 1999728656).
    /// </summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    public static int AtomicCompareExchange32(int* address, int value, int comparand) =>
        Interlocked.CompareExchange(ref *address, value, comparand);

    public static int AtomicXor32(int* address, int value)
    {
        ref int target = ref *address;
        int old;
        do { old = Volatile.Read(ref target); } while (Interlocked.CompareExchange(ref target, old ^ value, old) != old);
        return old;
    }

    public static long AtomicXor64(long* address, long value)
    {
        ref long target = ref *address;
        long old;
        do { old = Volatile.Read(ref target); } while (Interlocked.CompareExchange(ref target, old ^ value, old) != old);
        return old;
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
