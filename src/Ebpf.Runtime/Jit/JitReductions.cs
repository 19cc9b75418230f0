using System.ComponentModel;
using System.Numerics;
using System.Runtime.CompilerServices;

namespace Ebpf.Runtime.Jit;

/// <summary>
/// Sums of zero-extended unsigned elements, wrapping at 64 bits: what a recognised summing loop
/// (<see cref="JitLoopIdiom"/>) computes one element per iteration, here a vector at a time. Addition modulo 2^64 is
/// associative and commutative, so any order gives the loop's result. Public only so that generated code may call them.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static unsafe class JitReductions
{
    // Narrow lanes are widened into 32-bit accumulators, emptied into 64 bits before they could overflow.
    private const int BlockVectors = 4096;

    public static ulong SumU8(byte* p, nint count)
    {
        ulong total = 0;
        nint i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            int lanes = Vector<byte>.Count;
            while (count - i >= lanes)
            {
                var acc = Vector<uint>.Zero;
                for (int k = 0; k < BlockVectors && count - i >= lanes; k++, i += lanes)
                {
                    Vector.Widen(Unsafe.ReadUnaligned<Vector<byte>>(p + i), out var lo, out var hi);
                    Vector.Widen(lo + hi, out var a, out var b);
                    acc += a + b;
                }
                total += Total(acc);
            }
        }
        for (; i < count; i++) total += p[i];
        return total;
    }

    public static ulong SumU16(byte* p, nint count)
    {
        ulong total = 0;
        nint i = 0;
        var words = (ushort*)p;
        if (Vector.IsHardwareAccelerated)
        {
            int lanes = Vector<ushort>.Count;
            while (count - i >= lanes)
            {
                var acc = Vector<uint>.Zero;
                for (int k = 0; k < BlockVectors && count - i >= lanes; k++, i += lanes)
                {
                    Vector.Widen(Unsafe.ReadUnaligned<Vector<ushort>>(words + i), out var lo, out var hi);
                    acc += lo + hi;
                }
                total += Total(acc);
            }
        }
        for (; i < count; i++) total += Unsafe.ReadUnaligned<ushort>(words + i);
        return total;
    }

    public static ulong SumU32(byte* p, nint count)
    {
        nint i = 0;
        var words = (uint*)p;
        var acc = Vector<ulong>.Zero;
        if (Vector.IsHardwareAccelerated)
        {
            for (int lanes = Vector<uint>.Count; count - i >= lanes; i += lanes)
            {
                Vector.Widen(Unsafe.ReadUnaligned<Vector<uint>>(words + i), out var lo, out var hi);
                acc += lo + hi;
            }
        }
        ulong total = Vector.Sum(acc);
        for (; i < count; i++) total += Unsafe.ReadUnaligned<uint>(words + i);
        return total;
    }

    public static ulong SumU64(byte* p, nint count)
    {
        nint i = 0;
        var words = (ulong*)p;
        var acc = Vector<ulong>.Zero;
        if (Vector.IsHardwareAccelerated)
            for (int lanes = Vector<ulong>.Count; count - i >= lanes; i += lanes) acc += Unsafe.ReadUnaligned<Vector<ulong>>(words + i);
        ulong total = Vector.Sum(acc);
        for (; i < count; i++) total += Unsafe.ReadUnaligned<ulong>(words + i);
        return total;
    }

    private static ulong Total(Vector<uint> acc)
    {
        Vector.Widen(acc, out var lo, out var hi);
        return Vector.Sum(lo + hi);
    }
}
