using System.ComponentModel;
using System.Numerics;
using System.Runtime.CompilerServices;

namespace Ebpf.Runtime.Jit;

/// <summary>
/// What recognised loops compute one element per iteration, here a vector at a time: sums of zero-extended unsigned
/// elements, wrapping at 64 bits (<see cref="JitLoopIdiom"/>; addition modulo 2^64 is associative and commutative, so
/// any order gives the loop's result), and the length of a common run of two byte strings (<see cref="JitSearchLoop"/>).
/// Public only so that generated code may call them.
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

    /// <summary>
    /// The number of leading positions i below <paramref name="max"/> where <c>a[i] == b[i]</c> (when
    /// <paramref name="b"/> is not null) and <c>a[i] != stop</c> (when <paramref name="stop"/> is 0-255).
    /// </summary>
    public static nint CountWhile(byte* a, byte* b, nint max, int stop)
    {
        nint i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            int lanes = Vector<byte>.Count;
            var stops = new Vector<byte>((byte)stop);
            while (max - i >= lanes)
            {
                // A vector read may run past the byte that ends the loop, but never into another page: a[i] and b[i]
                // are read by the loop, so their pages are mapped. Across a page boundary, one byte at a time.
                if (CrossesPage(a + i, lanes) || b != null && CrossesPage(b + i, lanes))
                {
                    if (b != null && a[i] != b[i] || a[i] == stop) return i;
                    i++;
                    continue;
                }
                var x = Unsafe.ReadUnaligned<Vector<byte>>(a + i);
                var leave = b == null ? Vector<byte>.Zero : ~Vector.Equals(x, Unsafe.ReadUnaligned<Vector<byte>>(b + i));
                if (stop >= 0) leave |= Vector.Equals(x, stops);
                if (leave != Vector<byte>.Zero) break;
                i += lanes;
            }
        }
        for (; i < max; i++)
            if (b != null && a[i] != b[i] || a[i] == stop) break;
        return i;
    }

    /// <summary>Whether <paramref name="bytes"/> bytes from <paramref name="p"/> reach into the next 4 KiB page.</summary>
    internal static bool CrossesPage(byte* p, int bytes) => ((nuint)p & 4095) > (nuint)(4096 - bytes);

    private static ulong Total(Vector<uint> acc)
    {
        Vector.Widen(acc, out var lo, out var hi);
        return Vector.Sum(lo + hi);
    }
}
