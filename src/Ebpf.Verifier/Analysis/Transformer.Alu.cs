using Ebpf.Verifier.Domains;
using Ebpf.Verifier.Ir;
using static Ebpf.Verifier.Domains.TypeFlags;

namespace Ebpf.Verifier.Analysis;

internal sealed partial class Transformer
{
    private void Binary(BinaryInstruction b)
    {
        int dst = b.Dst;
        var src = b.Src;
        if (b.Op == BinaryOp.Mov)
        {
            if (!src.IsRegister)
            {
                SetConstant(dst, b.Is64 ? (ulong)src.Immediate : (uint)src.Immediate);
                return;
            }
            if (b.Is64)
            {
                // Copying is always safe; an uninitialized source makes an uninitialized destination.
                CopyRegister(dst, src.Register);
                return;
            }
            // Truncating a pointer to 32 bits would expose part of an address.
            if (!Require(src.Register, Number)) return;
            if (UView(src.Register).IsWithin(Interval.Unsigned32))
            {
                CopyRegister(dst, src.Register);
                return;
            }
            var c = Constant(src.Register);
            if (c is ulong v) SetConstant(dst, (uint)v);
            else SetNumber(dst, Interval.Unsigned32, Interval.Unsigned32);
            return;
        }
        if (b.Op is BinaryOp.MovSx8 or BinaryOp.MovSx16 or BinaryOp.MovSx32)
        {
            MoveSignExtend(b);
            return;
        }

        if (!Require(dst, Initialized)) return;
        if (src.IsRegister && !Require(src.Register, Initialized)) return;
        var dt = T(dst);
        var st = src.IsRegister ? T(src.Register) : Number;
        if ((dt & ~Number) != 0 || (st & ~Number) != 0)
        {
            PointerArithmetic(b, dt, st);
            return;
        }
        if (b.Op is BinaryOp.UDiv or BinaryOp.UMod or BinaryOp.SDiv or BinaryOp.SMod)
        {
            if (!CheckDivisor(b)) return;
        }
        if (b.Is64) Numeric64(b);
        else Numeric32(b);
    }

    private bool CheckDivisor(BinaryInstruction b)
    {
        if (_options.AllowDivisionByZero) return true;
        var src = b.Src;
        if (!src.IsRegister)
        {
            bool zero = b.Is64 ? src.Immediate == 0 : (uint)src.Immediate == 0;
            if (zero)
            {
                Fail($"Possible division by zero ({(b.Is64 ? "r" : "w")}{b.Dst} != 0)", b.Dst);
                _s.Zone.SetBottom();
                return false;
            }
            return true;
        }
        int r = src.Register;
        var u = b.Is64 ? UView(r) : U32View(r);
        if (u.Lo >= 1) return true;
        Fail($"Possible division by zero ({(b.Is64 ? "r" : "w")}{r} != 0)", r);
        if (u.Hi == 0) { _s.Zone.SetBottom(); return false; }
        if (b.Is64) _s.Zone.Restrict(Uv(r), new Interval(1, u.Hi));
        return true;
    }

    private void MoveSignExtend(BinaryInstruction b)
    {
        int dst = b.Dst;
        int src = b.Src.Register;
        if (!Require(src, Number)) return;
        int width = b.Op switch { BinaryOp.MovSx8 => 1, BinaryOp.MovSx16 => 2, _ => 4 };
        var range = SignedRange(width);
        if (Constant(src) is ulong c)
        {
            SetConstant(dst, NumberMath.Evaluate(b.Op, 0, c, b.Is64));
            return;
        }
        var s = SView(src);
        var u = UView(src);
        Interval result = s.IsWithin(range) ? s : SignExtended(s, width) ?? SignExtended(u, width) ?? range;
        if (b.Is64)
        {
            if (result == s && src != dst)
            {
                CopyRegister(dst, src);
                return;
            }
            SetNumber(dst, result, Interval.Unsigned64);
        }
        else
        {
            var z = NumberMath.ZeroExtend32(result);
            SetNumber(dst, z, z);
        }
    }

    /// <summary>
    /// The values of x's low <paramref name="width"/> bytes sign-extended, when that map is continuous over x's range:
    /// x + 2^(w-1) stays within one multiple of 2^w (e.g. [255, 257] as 8 bits is [-1, 1]). Null otherwise.
    /// </summary>
    private static Interval? SignExtended(Interval x, int width)
    {
        if (!x.HasFiniteBounds) return null;
        Int128 full = (Int128)1 << (width * 8), half = full / 2;
        Int128 lo = x.Lo + half, hi = x.Hi + half;
        Int128 window = lo >= 0 ? lo / full : -((-lo + full - 1) / full);
        Int128 start = window * full;
        if (hi - start >= full) return null;
        return new Interval(lo - start - half, hi - start - half);
    }

    private Interval U32View(int r)
    {
        var u = UView(r);
        if (u.IsWithin(Interval.Unsigned32)) return u;
        return Constant(r) is ulong c ? Interval.Const((uint)c) : Low32(r);
    }

    private Interval S32View(int r)
    {
        var s = SView(r);
        if (s.IsWithin(Interval.Signed32)) return s;
        return Constant(r) is ulong c ? Interval.Const((int)(uint)c) : Signed32Of(Low32(r));
    }

    private void Numeric64(BinaryInstruction b)
    {
        int dst = b.Dst;
        var src = b.Src;
        Interval s2, u2;
        ulong? c2;
        if (src.IsRegister)
        {
            s2 = SView(src.Register);
            u2 = UView(src.Register);
            c2 = Constant(src.Register);
        }
        else
        {
            s2 = Interval.Const(src.Immediate);
            u2 = Interval.Const((ulong)src.Immediate);
            c2 = (ulong)src.Immediate;
        }
        var c1 = Constant(dst);
        if (c1 is ulong x && c2 is ulong y)
        {
            SetConstant(dst, NumberMath.Evaluate(b.Op, x, y, true));
            return;
        }
        var s1 = SView(dst);
        var u1 = UView(dst);
        if (b.Op == BinaryOp.And && c2 is ulong m64 && IsLowMask(m64) && u1.Hi <= m64)
        {
            // x & (2^k - 1) is x when x < 2^k: keep x's relations (e.g. with a loop bound).
            return;
        }
        if (b.Op is BinaryOp.Add or BinaryOp.Sub)
        {
            Additive(dst, b.Op == BinaryOp.Sub, s1, u1, s2, u2, src.IsRegister ? src.Register : null);
            return;
        }
        ulong? shift = c2 is ulong k ? k & 63 : null;
        Interval s, u;
        if (NumberMath.IsUnsignedOp(b.Op))
        {
            u = NumberMath.Unsigned(b.Op, u1, u2, shift, 64);
            s = Interval.Signed64;
        }
        else if (NumberMath.IsSignedOnlyOp(b.Op))
        {
            s = NumberMath.Signed(b.Op, s1, s2, shift, 64);
            u = Interval.Unsigned64;
        }
        else
        {
            s = NumberMath.Signed(b.Op, s1, s2, shift, 64);
            u = NumberMath.Unsigned(b.Op, u1, u2, shift, 64);
        }
        SetNumber(dst, s, u);
    }

    private static bool IsLowMask(ulong m) => (m & (m + 1)) == 0;

    /// <summary>dst := dst ± src, relationally when no wrap-around is possible.</summary>
    private void Additive(int dst, bool subtract, Interval s1, Interval u1, Interval s2, Interval u2, int? srcReg)
    {
        var sDelta = subtract ? -s2 : s2;
        // For unsigned, adding a known constant is adding its signed value modulo 2^64.
        var uDelta = s2.IsSingleton ? sDelta : subtract ? -u2 : u2;
        var sResult = s1 + sDelta;
        var uResult = u1 + uDelta;
        bool relateSrc = srcReg is int sr && sr != dst;
        if (sResult.IsWithin(Interval.Signed64))
        {
            _s.Zone.AssignVariable(Sv(dst), Sv(dst), sDelta);
            if (relateSrc && !subtract)
            {
                // dst' - src = dst_old, within dst's old range.
                int sr2 = srcReg!.Value;
                _s.Zone.AddConstraint(Sv(sr2), Sv(dst), s1.Hi);
                if (s1.Lo != Interval.NegInf) _s.Zone.AddConstraint(Sv(dst), Sv(sr2), -s1.Lo);
            }
        }
        else
        {
            _s.Zone.Assign(Sv(dst), NumberMath.WrapSigned(sResult));
        }
        if (uResult.IsWithin(Interval.Unsigned64))
        {
            _s.Zone.AssignVariable(Uv(dst), Uv(dst), uDelta);
            if (relateSrc && !subtract && !s2.IsSingleton)
            {
                int sr2 = srcReg!.Value;
                _s.Zone.AddConstraint(Uv(sr2), Uv(dst), u1.Hi);
                _s.Zone.AddConstraint(Uv(dst), Uv(sr2), -u1.Lo);
            }
        }
        else
        {
            _s.Zone.Assign(Uv(dst), NumberMath.WrapUnsigned(uResult));
        }
        _s.SetKind(0, dst, RegisterKind.Number);
        _s.Zone.Forget(Off(dst));
        Normalize(dst);
    }

    private void Numeric32(BinaryInstruction b)
    {
        int dst = b.Dst;
        var src = b.Src;
        Interval s2, u2;
        ulong? c2;
        if (src.IsRegister)
        {
            s2 = S32View(src.Register);
            u2 = U32View(src.Register);
            c2 = Constant(src.Register);
        }
        else
        {
            s2 = Interval.Const((int)(uint)src.Immediate);
            u2 = Interval.Const((uint)src.Immediate);
            c2 = (uint)src.Immediate;
        }
        if (Constant(dst) is ulong x && c2 is ulong y)
        {
            SetConstant(dst, NumberMath.Evaluate(b.Op, x, y, false));
            return;
        }
        var s1 = S32View(dst);
        var u1 = U32View(dst);
        if (b.Op == BinaryOp.And && c2 is ulong m32 && IsLowMask(m32) && UView(dst).Hi <= m32)
        {
            // As in 64 bits: the mask keeps every bit of x, and the upper half is already zero.
            return;
        }
        ulong? shift = c2 is ulong k ? k & 31 : null;
        Interval u;
        if (NumberMath.IsSignedOnlyOp(b.Op))
            u = NumberMath.ZeroExtend32(NumberMath.Signed(b.Op, s1, s2, shift, 32));
        else
            u = NumberMath.Unsigned(b.Op, u1, u2, shift, 32);
        SetNumber(dst, u, u);
    }

    private void PointerArithmetic(BinaryInstruction b, TypeFlags dt, TypeFlags st)
    {
        int dst = b.Dst;
        var src = b.Src;
        bool single(TypeFlags t) => System.Numerics.BitOperations.PopCount((uint)t) == 1;
        if (b.Is64 && b.Op is BinaryOp.Add or BinaryOp.Sub && st == Number && (dt & ~(Number | MemoryPointers)) == 0 && !single(dt))
        {
            // A register that is a number on some paths and a pointer on others: shift the offset, forget the value.
            var delta = src.IsRegister ? SView(src.Register) : Interval.Const(src.Immediate);
            if (b.Op == BinaryOp.Sub) delta = -delta;
            _s.Zone.AssignVariable(Off(dst), Off(dst), delta);
            _s.Zone.Forget(Sv(dst));
            _s.Zone.Forget(Uv(dst));
            return;
        }
        if (b.Is64 && b.Op == BinaryOp.Add)
        {
            if ((dt & ~MemoryPointers) == 0 && single(dt) && st == Number)
            {
                var delta = src.IsRegister ? SView(src.Register) : Interval.Const(src.Immediate);
                var before = _s.Zone.Get(Off(dst));
                _s.Zone.AssignVariable(Off(dst), Off(dst), delta);
                if (src.IsRegister && src.Register != dst && before.HasFiniteBounds)
                {
                    // offset' - src = offset, within its old range.
                    _s.Zone.AddConstraint(Sv(src.Register), Off(dst), before.Hi);
                    _s.Zone.AddConstraint(Off(dst), Sv(src.Register), -before.Lo);
                }
                // uvalue stays the base address (null or not), so a later null check of the base still applies.
                _s.Zone.Forget(Sv(dst));
                return;
            }
            if (src.IsRegister && src.Register != dst && dt == Number && (st & ~(Number | MemoryPointers)) == 0 && !single(st))
            {
                // A number plus a register that may be a pointer of several kinds (or a number): the result has the
                // pointer's kinds, its offset moved by the number; the value is forgotten.
                int p = src.Register;
                var delta = SView(dst);
                _s.SetKind(0, dst, K(p));
                _s.Zone.AssignVariable(Tag(dst), Tag(p), Interval.Const(0));
                _s.Zone.AssignVariable(NegTag(dst), NegTag(p), Interval.Const(0));
                _s.Zone.AssignVariable(Size(dst), Size(p), Interval.Const(0));
                _s.Zone.AssignVariable(Off(dst), Off(p), delta);
                _s.Zone.Forget(Sv(dst));
                _s.Zone.Forget(Uv(dst));
                return;
            }
            if (src.IsRegister && dt == Number && (st & ~MemoryPointers) == 0 && single(st))
            {
                int p = src.Register;
                var delta = SView(dst);
                _s.Zone.AssignVariable(Off(dst), Off(p), delta);
                _s.SetKind(0, dst, K(p));
                _s.Zone.Forget(Sv(dst));
                _s.Zone.AssignVariable(Uv(dst), Uv(p), Interval.Const(0));
                return;
            }
            Fail($"Only numbers can be added to pointers (r{dst}.type in {{ctx, stack, packet, shared}} -> {(src.IsRegister ? "r" + src.Register : "imm")}.type == number)", dst);
            SetNumber(dst, Interval.Signed64, Interval.Unsigned64);
            return;
        }
        if (b.Is64 && b.Op == BinaryOp.Sub)
        {
            if ((dt & ~MemoryPointers) == 0 && single(dt) && st == Number)
            {
                var delta = src.IsRegister ? -SView(src.Register) : Interval.Const(-(Int128)src.Immediate);
                _s.Zone.AssignVariable(Off(dst), Off(dst), delta);
                _s.Zone.Forget(Sv(dst));
                return;
            }
            if (src.IsRegister && dt == st && single(dt) && (dt & (Context | Stack | Packet | Shared)) != 0)
            {
                var diff = _s.Zone.Difference(Off(src.Register), Off(dst));
                var srcOff = _s.Zone.Get(Off(src.Register));
                if (srcOff.IsSingleton && src.Register != dst && diff.IsWithin(new Interval(0, long.MaxValue)))
                {
                    // dst = offset(dst) - c: keep the relation (e.g. with packet_size).
                    _s.SetKind(0, dst, RegisterKind.Number);
                    _s.Zone.AssignVariable(Sv(dst), Off(dst), Interval.Const(-srcOff.Lo));
                    _s.Zone.AssignVariable(Uv(dst), Off(dst), Interval.Const(-srcOff.Lo));
                    _s.Zone.Forget(Off(dst));
                    return;
                }
                SetNumber(dst, diff, Interval.Unsigned64);
                return;
            }
            if (src.IsRegister && src.Register != dst && dt == st && (dt & ~(Number | Context | Stack | Packet | Shared)) == 0 &&
                SameKind(dst, src.Register))
            {
                // Both hold the same kind on every path (numbers on some, pointers into one region on others): the
                // difference is a number, its value unknown since the kinds' offsets and values share variables.
                SetNumber(dst, Interval.Signed64, Interval.Unsigned64);
                return;
            }
            Fail($"Cannot subtract pointers to different regions (r{(src.IsRegister ? src.Register : dst)}.type == number or r{dst}.type == r{(src.IsRegister ? src.Register : dst)}.type in {{ctx, stack, packet}})", dst);
            SetNumber(dst, Interval.Signed64, Interval.Unsigned64);
            return;
        }
        if (!b.Is64 && b.Op == BinaryOp.Sub && src.IsRegister && dt == st && (dt == Packet || dt == Stack || dt == Context))
        {
            // Two pointers into the one packet, stack or context of this run: the low 32 bits of their difference
            // are those of their offsets' difference (the base cancels), which reveals no address.
            var diff = _s.Zone.Difference(Off(src.Register), Off(dst));
            if (src.Register == dst) diff = Interval.Const(0);
            var value = diff.IsWithin(Interval.Unsigned32) ? diff : Interval.Unsigned32;
            SetNumber(dst, value, value);
            return;
        }
        // Any other arithmetic on a pointer would expose or forge an address.
        int culprit = (dt & ~Number) != 0 ? dst : src.Register;
        Fail($"Invalid type (r{culprit}.type == number)", culprit);
        SetNumber(dst, Interval.Signed64, Interval.Unsigned64);
    }

    private void Unary(UnaryInstruction u)
    {
        int dst = u.Dst;
        if (!Require(dst, Number)) return;
        if (Constant(dst) is ulong c)
        {
            SetConstant(dst, NumberMath.Evaluate(u.Op, c, u.Is64, _options.BigEndian));
            return;
        }
        var s = SView(dst);
        var uv = UView(dst);
        bool be = _options.BigEndian;
        switch (u.Op)
        {
            case UnaryOp.Neg when u.Is64:
                SetNumber(dst, NumberMath.WrapSigned(-s), NumberMath.WrapUnsigned(-uv));
                return;
            case UnaryOp.Neg:
            {
                var r = NumberMath.WrapUnsigned32(-U32View(dst));
                SetNumber(dst, r, r);
                return;
            }
            case UnaryOp.Le16 when !be:
            case UnaryOp.Be16 when be:
                Truncate(dst, uv, 2);
                return;
            case UnaryOp.Le32 when !be:
            case UnaryOp.Be32 when be:
                Truncate(dst, uv, 4);
                return;
            case UnaryOp.Le64 when !be:
            case UnaryOp.Be64 when be:
                return;
            case UnaryOp.Be16 or UnaryOp.Le16 or UnaryOp.Swap16:
                SetNumber(dst, UnsignedRange(2), UnsignedRange(2));
                return;
            case UnaryOp.Be32 or UnaryOp.Le32 or UnaryOp.Swap32:
                SetNumber(dst, UnsignedRange(4), UnsignedRange(4));
                return;
            default:
                SetNumber(dst, Interval.Signed64, Interval.Unsigned64);
                return;
        }
    }

    private void Truncate(int dst, Interval u, int width)
    {
        var range = UnsignedRange(width);
        if (u.IsWithin(range)) return;
        SetNumber(dst, range, range);
    }

    private void LoadMap(LoadMapInstruction m)
    {
        var map = _platform.FindMap(m.MapReference, m.ByIndex);
        if (map is null)
        {
            Fail($"map {(m.ByIndex ? "index" : "fd")} {m.MapReference} is not defined");
            _s.Zone.SetBottom();
            return;
        }
        var type = map.ValueKind == Platforms.MapValueKind.Programs ? MapFdPrograms : MapFd;
        SetUninitialized(m.Dst);
        _s.SetKind(0, m.Dst, new RegisterKind(type, m.MapReference, Interval.Bottom));
        _s.Zone.Assign(Uv(m.Dst), NonNull);
    }

    private void LoadMapValue(LoadMapValueInstruction m)
    {
        var map = _platform.FindMap(m.MapReference, m.ByIndex);
        if (map is null)
        {
            Fail($"map {(m.ByIndex ? "index" : "fd")} {m.MapReference} is not defined");
            _s.Zone.SetBottom();
            return;
        }
        if (m.Offset < 0 || (uint)m.Offset > map.ValueSize)
        {
            Fail($"map value offset {m.Offset} is outside the value of {map.ValueSize} bytes");
            _s.Zone.SetBottom();
            return;
        }
        SetUninitialized(m.Dst);
        _s.SetKind(0, m.Dst, new RegisterKind(Shared, m.MapReference, Interval.Const(map.ValueSize), MayBeReadOnly: map.ReadOnly));
        _s.Zone.Assign(Uv(m.Dst), NonNull);
        _s.Zone.Assign(Off(m.Dst), Interval.Const(m.Offset));
    }
}
