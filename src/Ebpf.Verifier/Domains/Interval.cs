using System.Globalization;

namespace Ebpf.Verifier.Domains;

/// <summary>
/// A closed interval of mathematical integers, with <see cref="NegInf"/>/<see cref="PosInf"/> as unbounded ends.
/// Int128 holds every 64-bit signed and unsigned value and sums of them without overflow.
/// </summary>
public readonly record struct Interval(Int128 Lo, Int128 Hi)
{
    public static readonly Int128 PosInf = Int128.MaxValue;
    public static readonly Int128 NegInf = Int128.MinValue;
    public static readonly Int128 TwoTo64 = (Int128)1 << 64;
    public static readonly Int128 TwoTo63 = (Int128)1 << 63;
    public static readonly Int128 TwoTo32 = (Int128)1 << 32;
    public static readonly Int128 TwoTo31 = (Int128)1 << 31;

    public static Interval Top => new(NegInf, PosInf);
    public static Interval Bottom => new(1, 0);
    public static Interval Signed64 => new(long.MinValue, long.MaxValue);
    public static Interval Unsigned64 => new(0, ulong.MaxValue);
    public static Interval Signed32 => new(int.MinValue, int.MaxValue);
    public static Interval Unsigned32 => new(0, uint.MaxValue);
    public static Interval Const(Int128 value) => new(value, value);

    public bool IsBottom => Lo > Hi;
    public bool IsSingleton => Lo == Hi;
    public bool HasFiniteBounds => Lo != NegInf && Hi != PosInf;

    public bool Contains(Int128 value) => Lo <= value && value <= Hi;
    public bool IsWithin(Interval other) => IsBottom || (other.Lo <= Lo && Hi <= other.Hi);

    public Interval Join(Interval other) =>
        IsBottom ? other : other.IsBottom ? this : new(Int128.Min(Lo, other.Lo), Int128.Max(Hi, other.Hi));

    public Interval Meet(Interval other) => new(Int128.Max(Lo, other.Lo), Int128.Min(Hi, other.Hi));

    public static Int128 AddBound(Int128 a, Int128 b)
    {
        if (a == PosInf || b == PosInf) return PosInf;
        if (a == NegInf || b == NegInf) return NegInf;
        return a + b;
    }

    public static Interval operator +(Interval a, Interval b) =>
        a.IsBottom || b.IsBottom ? Bottom :
        new(a.Lo == NegInf || b.Lo == NegInf ? NegInf : a.Lo + b.Lo, a.Hi == PosInf || b.Hi == PosInf ? PosInf : a.Hi + b.Hi);

    public static Interval operator -(Interval a) => new(a.Hi == PosInf ? NegInf : -a.Hi, a.Lo == NegInf ? PosInf : -a.Lo);

    public static Interval operator -(Interval a, Interval b) => a + (-b);

    public static Interval operator *(Interval a, Interval b)
    {
        if (a.IsBottom || b.IsBottom) return Bottom;
        if (!a.HasFiniteBounds || !b.HasFiniteBounds) return Top;
        // Keep products inside Int128: operands beyond 64-bit magnitude give no useful bound anyway.
        if (Magnitude(a) > TwoTo63 || Magnitude(b) > TwoTo63) return Top;
        Int128 p1 = a.Lo * b.Lo, p2 = a.Lo * b.Hi, p3 = a.Hi * b.Lo, p4 = a.Hi * b.Hi;
        return new(Int128.Min(Int128.Min(p1, p2), Int128.Min(p3, p4)), Int128.Max(Int128.Max(p1, p2), Int128.Max(p3, p4)));
    }

    private static Int128 Magnitude(Interval a) => Int128.Max(Int128.Abs(a.Lo), Int128.Abs(a.Hi));

    private static string Bound(Int128 b) =>
        b == PosInf ? "+oo" : b == NegInf ? "-oo" : b.ToString(CultureInfo.InvariantCulture);

    public override string ToString() =>
        IsBottom ? "_|_" : IsSingleton ? Bound(Lo) : $"[{Bound(Lo)}, {Bound(Hi)}]";
}
