using Ebpf.Verifier.Domains;
using Ebpf.Verifier.Ir;

namespace Ebpf.Verifier.Analysis;

/// <summary>
/// Interval semantics of eBPF arithmetic on the signed and unsigned views of 64-bit values and of their low 32 bits,
/// with wrap-around, and exact evaluation for constants.
/// </summary>
internal static class NumberMath
{
    private static readonly Int128 Two64 = Interval.TwoTo64;
    private static readonly Int128 Two63 = Interval.TwoTo63;
    private static readonly Int128 Two32 = Interval.TwoTo32;
    private static readonly Int128 Two31 = Interval.TwoTo31;

    public static Interval WrapSigned(Interval x)
    {
        if (x.IsBottom) return x;
        if (x.IsWithin(Interval.Signed64)) return x;
        if (x.Lo >= Two63 && x.Hi < Two64 + Two63) return new(x.Lo - Two64, x.Hi - Two64);
        if (x.Lo >= -Two63 - Two64 && x.Hi < -Two63) return new(x.Lo + Two64, x.Hi + Two64);
        return Interval.Signed64;
    }

    public static Interval WrapUnsigned(Interval x)
    {
        if (x.IsBottom) return x;
        if (x.IsWithin(Interval.Unsigned64)) return x;
        if (x.Lo >= Two64 && x.Hi < 2 * Two64) return new(x.Lo - Two64, x.Hi - Two64);
        if (x.Lo >= -Two64 && x.Hi < 0) return new(x.Lo + Two64, x.Hi + Two64);
        return Interval.Unsigned64;
    }

    public static Interval WrapUnsigned32(Interval x)
    {
        if (x.IsBottom) return x;
        if (x.IsWithin(Interval.Unsigned32)) return x;
        if (x.HasFiniteBounds && x.Hi - x.Lo < Two32)
        {
            Int128 shift = Floor(x.Lo, Two32) * Two32;
            var shifted = new Interval(x.Lo - shift, x.Hi - shift);
            if (shifted.IsWithin(Interval.Unsigned32)) return shifted;
        }
        return Interval.Unsigned32;
    }

    private static Int128 Floor(Int128 a, Int128 b) => a >= 0 ? a / b : -((-a + b - 1) / b);

    /// <summary>A signed 32-bit result, zero-extended to 64 bits.</summary>
    public static Interval ZeroExtend32(Interval s32)
    {
        if (s32.IsBottom) return s32;
        if (s32.IsWithin(new Interval(0, int.MaxValue))) return s32;
        if (s32.IsWithin(new Interval(int.MinValue, -1))) return new(s32.Lo + Two32, s32.Hi + Two32);
        return Interval.Unsigned32;
    }

    /// <summary>Smallest 2^k - 1 at least <paramref name="x"/> (for x &gt;= 0).</summary>
    public static Int128 BitCeiling(Int128 x)
    {
        if (x <= 0) return 0;
        if (x >= Two64) return Two64 - 1;
        int bits = 64 - System.Numerics.BitOperations.LeadingZeroCount((ulong)x);
        return bits >= 64 ? Two64 - 1 : ((Int128)1 << bits) - 1;
    }

    public static ulong Evaluate(BinaryOp op, ulong a, ulong b, bool is64)
    {
        if (!is64)
        {
            uint x = (uint)a, y = (uint)b;
            uint r = op switch
            {
                BinaryOp.Mov => y,
                BinaryOp.Add => x + y,
                BinaryOp.Sub => x - y,
                BinaryOp.Mul => x * y,
                BinaryOp.UDiv => y == 0 ? 0 : x / y,
                BinaryOp.UMod => y == 0 ? x : x % y,
                BinaryOp.SDiv => y == 0 ? 0 : (int)x == int.MinValue && (int)y == -1 ? x : (uint)((int)x / (int)y),
                BinaryOp.SMod => y == 0 ? x : (int)y == -1 ? 0 : (uint)((int)x % (int)y),
                BinaryOp.Or => x | y,
                BinaryOp.And => x & y,
                BinaryOp.Lsh => x << (int)(y & 31),
                BinaryOp.Rsh => x >> (int)(y & 31),
                BinaryOp.Arsh => (uint)((int)x >> (int)(y & 31)),
                BinaryOp.Xor => x ^ y,
                BinaryOp.MovSx8 => (uint)(sbyte)y,
                BinaryOp.MovSx16 => (uint)(short)y,
                _ => (uint)(int)y,
            };
            return r;
        }
        return op switch
        {
            BinaryOp.Mov => b,
            BinaryOp.Add => a + b,
            BinaryOp.Sub => a - b,
            BinaryOp.Mul => a * b,
            BinaryOp.UDiv => b == 0 ? 0 : a / b,
            BinaryOp.UMod => b == 0 ? a : a % b,
            BinaryOp.SDiv => b == 0 ? 0 : (long)a == long.MinValue && (long)b == -1 ? a : (ulong)((long)a / (long)b),
            BinaryOp.SMod => b == 0 ? a : (long)b == -1 ? 0 : (ulong)((long)a % (long)b),
            BinaryOp.Or => a | b,
            BinaryOp.And => a & b,
            BinaryOp.Lsh => a << (int)(b & 63),
            BinaryOp.Rsh => a >> (int)(b & 63),
            BinaryOp.Arsh => (ulong)((long)a >> (int)(b & 63)),
            BinaryOp.Xor => a ^ b,
            BinaryOp.MovSx8 => (ulong)(sbyte)b,
            BinaryOp.MovSx16 => (ulong)(short)b,
            _ => (ulong)(int)b,
        };
    }

    public static ulong Evaluate(UnaryOp op, ulong a, bool is64, bool bigEndianHost)
    {
        static ulong Swap(ulong v, int bits) => bits switch
        {
            16 => System.Buffers.Binary.BinaryPrimitives.ReverseEndianness((ushort)v),
            32 => System.Buffers.Binary.BinaryPrimitives.ReverseEndianness((uint)v),
            _ => System.Buffers.Binary.BinaryPrimitives.ReverseEndianness(v),
        };
        static ulong Truncate(ulong v, int bits) => bits == 64 ? v : v & ((1UL << bits) - 1);
        return op switch
        {
            UnaryOp.Neg => is64 ? (ulong)(-(long)a) : (uint)(-(int)a),
            UnaryOp.Be16 => bigEndianHost ? Truncate(a, 16) : Swap(a, 16),
            UnaryOp.Be32 => bigEndianHost ? Truncate(a, 32) : Swap(a, 32),
            UnaryOp.Be64 => bigEndianHost ? a : Swap(a, 64),
            UnaryOp.Le16 => bigEndianHost ? Swap(a, 16) : Truncate(a, 16),
            UnaryOp.Le32 => bigEndianHost ? Swap(a, 32) : Truncate(a, 32),
            UnaryOp.Le64 => bigEndianHost ? Swap(a, 64) : a,
            UnaryOp.Swap16 => Swap(a, 16),
            UnaryOp.Swap32 => Swap(a, 32),
            _ => Swap(a, 64),
        };
    }

    /// <summary>Unsigned result of a 64-bit operation from unsigned operand views (null: use the signed path).</summary>
    public static Interval Unsigned(BinaryOp op, Interval a, Interval b, ulong? shift, int bits)
    {
        Int128 max = bits == 64 ? Two64 - 1 : Two32 - 1;
        Interval full = new(0, max);
        Interval Wrap(Interval x) => bits == 64 ? WrapUnsigned(x) : WrapUnsigned32(x);
        switch (op)
        {
            case BinaryOp.Add: return Wrap(a + b);
            case BinaryOp.Sub: return Wrap(a - b);
            case BinaryOp.Mul: return Wrap(a * b);
            case BinaryOp.UDiv:
                if (b.Lo == 0) return new(0, a.Hi);
                return new(a.Lo / b.Hi, a.Hi / b.Lo);
            case BinaryOp.UMod:
                if (b.Lo == 0) return new(0, Int128.Max(a.Hi, b.Hi == 0 ? 0 : b.Hi - 1));
                if (a.Hi < b.Lo) return a;
                return new(0, Int128.Min(a.Hi, b.Hi - 1));
            case BinaryOp.And: return new(0, Int128.Min(a.Hi, b.Hi));
            case BinaryOp.Or: return new(Int128.Max(a.Lo, b.Lo), Int128.Min(max, BitCeiling(Int128.Max(a.Hi, b.Hi))));
            case BinaryOp.Xor: return new(0, Int128.Min(max, BitCeiling(Int128.Max(a.Hi, b.Hi))));
            case BinaryOp.Lsh:
                if (shift is ulong k)
                {
                    Int128 factor = (Int128)1 << (int)k;
                    var r = new Interval(a.Lo * factor, a.Hi * factor);
                    // On overflow the low k bits are still zero: at most the largest multiple of 2^k.
                    return r.Hi <= max ? r : new Interval(0, max - (factor - 1));
                }
                return full;
            case BinaryOp.Rsh:
                if (shift is ulong s) return new(a.Lo >> (int)s, a.Hi >> (int)s);
                return new(0, a.Hi);
            default: return full;
        }
    }

    /// <summary>Signed result from signed operand views (on 64 bits, or 32 bits before zero extension).</summary>
    public static Interval Signed(BinaryOp op, Interval a, Interval b, ulong? shift, int bits)
    {
        Interval full = bits == 64 ? Interval.Signed64 : Interval.Signed32;
        Interval Wrap(Interval x)
        {
            if (bits == 64) return WrapSigned(x);
            return x.IsWithin(full) ? x : full;
        }
        switch (op)
        {
            case BinaryOp.Add: return Wrap(a + b);
            case BinaryOp.Sub: return Wrap(a - b);
            case BinaryOp.Mul: return Wrap(a * b);
            case BinaryOp.SDiv:
            {
                if (b.IsSingleton && b.Lo != 0)
                {
                    Int128 c = b.Lo;
                    Int128 x = a.Lo / c, y = a.Hi / c;
                    return Wrap(new(Int128.Min(x, y), Int128.Max(x, y)));
                }
                Int128 m = Int128.Max(Int128.Abs(a.Lo), Int128.Abs(a.Hi));
                return Wrap(new(-m, m));
            }
            case BinaryOp.SMod:
            {
                Int128 m2 = Int128.Max(Int128.Abs(b.Lo), Int128.Abs(b.Hi));
                var r = new Interval(a.Lo >= 0 ? 0 : -(m2 - 1), a.Hi <= 0 ? 0 : m2 - 1)
                    .Meet(new Interval(Int128.Min(a.Lo, 0), Int128.Max(a.Hi, 0)));
                if (b.Contains(0)) r = r.Join(a);
                if (r.IsBottom) r = new(0, 0);
                return Wrap(r);
            }
            case BinaryOp.Arsh:
                if (shift is ulong k) return new(a.Lo >> (int)k, a.Hi >> (int)k);
                return new(Int128.Min(a.Lo, 0), Int128.Max(a.Hi, 0));
            case BinaryOp.Lsh:
                if (shift is ulong s)
                {
                    Int128 factor = (Int128)1 << (int)s;
                    if (Int128.Abs(a.Lo) < Two63 && Int128.Abs(a.Hi) < Two63)
                    {
                        var r = new Interval(a.Lo * factor, a.Hi * factor);
                        if (r.IsWithin(full)) return r;
                    }
                }
                return full;
            default: return full;
        }
    }

    /// <summary>True when the operation's result is determined by the unsigned views (the signed view is derived).</summary>
    public static bool IsUnsignedOp(BinaryOp op) =>
        op is BinaryOp.UDiv or BinaryOp.UMod or BinaryOp.And or BinaryOp.Or or BinaryOp.Xor or BinaryOp.Rsh;

    public static bool IsSignedOnlyOp(BinaryOp op) => op is BinaryOp.SDiv or BinaryOp.SMod or BinaryOp.Arsh;
}
