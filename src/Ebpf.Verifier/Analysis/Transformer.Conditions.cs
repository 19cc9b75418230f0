using Ebpf.Verifier.Domains;
using Ebpf.Verifier.Ir;
using static Ebpf.Verifier.Domains.TypeFlags;

namespace Ebpf.Verifier.Analysis;

internal sealed partial class Transformer
{
    /// <summary>A comparison needs initialized operands; comparing pointers of different regions reveals addresses.</summary>
    private void CheckComparison(Condition c)
    {
        const TypeFlags comparable = Number | Context | Stack | Packet | Shared;
        bool signed = c.Op is ConditionOp.SLt or ConditionOp.SLe or ConditionOp.SGt or ConditionOp.SGe;
        if (!c.Right.IsRegister)
        {
            // Only a test of a 64-bit pointer against 0 (a null check) is meaningful; any other constant would reveal
            // the address bit by bit through the branch taken.
            if (!c.Is64 || signed || c.Right.Immediate != 0) Require(c.Left, Number);
            else Require(c.Left, comparable | MapFd | MapFdPrograms | Socket);
            return;
        }
        int r = c.Right.Register;
        if (!c.Is64)
        {
            Require(c.Left, Number);
            Require(r, Number);
            return;
        }
        if (c.Op is ConditionOp.Eq or ConditionOp.Ne && T(c.Left) == T(r) && (T(c.Left) & ~(MapFd | MapFdPrograms)) == 0) return;
        bool leftOk = Require(c.Left, comparable);
        bool rightOk = Require(r, comparable);
        if (!leftOk || !rightOk) return;
        var lt = T(c.Left);
        var rt = T(r);
        bool nullCheck = c.Op is ConditionOp.Eq or ConditionOp.Ne && (Constant(c.Left) == 0 || Constant(r) == 0);
        if (!nullCheck && ((lt | rt) & Shared) != 0)
        {
            // Two map values (or ring buffer records) may be different allocations: comparing them, offsets
            // included, reveals how far apart they lie in the host's memory.
            Fail($"Map value pointers may only be tested against 0 (r{c.Left}.type == r{r}.type == number)", c.Left, r);
            return;
        }
        if (lt == rt && System.Numerics.BitOperations.PopCount((uint)lt) == 1) return;
        // A pointer against a number (other than a null check against a zero register) or against another region
        // reveals the address through the branch taken.
        // Registers of several kinds may be compared when the type tags say each path compares like with like.
        if (!nullCheck && !SameKind(c.Left, r))
        {
            Fail($"Pointers may be compared only with pointers to the same region (r{c.Left}.type == r{r}.type)", c.Left, r);
            return;
        }
        // A pointer compared with a number or another region must be in bounds, so the comparison cannot wrap.
        CheckComparablePointer(c.Left);
        CheckComparablePointer(r);
    }

    private void CheckComparablePointer(int p)
    {
        var t = T(p);
        if ((t & Packet) != 0 && _s.Zone.Bound(Off(p), VariableLayout.MetaOffset) > 0)
            Fail($"Lower bound must be at least meta_offset (valid_access(r{p}.offset) for comparison/subtraction)", p);
        if ((t & Stack) != 0 && (T(10) != Stack || _s.Zone.Bound(Off(p), Off(10)) > Isa.Registers.StackSize))
            Fail($"Lower bound must be at least r10.stack_offset - subprogram_stack_size (valid_access(r{p}.offset) for comparison/subtraction)", p);
    }

    /// <summary>Restricts the state to the executions where <paramref name="c"/> holds.</summary>
    public void Refine(AbstractState state, int frame, Condition c)
    {
        if (state.IsBottom) return;
        _s = state;
        _frame = frame;
        _sink = null;
        Assume(c);
    }

    private void Assume(Condition c)
    {
        int l = c.Left;
        var lt = T(l);
        var rt = c.Right.IsRegister ? T(c.Right.Register) : Number;
        if ((lt & Uninitialized) != 0 || (rt & Uninitialized) != 0) return;
        if (lt == Number && rt == Number)
        {
            AssumeNumbers(c);
            return;
        }
        bool rightIsZero = c.Right.IsRegister ? rt == Number && Constant(c.Right.Register) == 0 : c.Right.Immediate == 0;
        if (rightIsZero && c.Is64 && (lt & ~(TypeFlags.Nullable | Number | Pointers)) == 0)
        {
            AssumeNullness(l, c.Op);
            return;
        }
        if (c.Right.IsRegister && c.Is64 && lt == rt && lt is MapFd or MapFdPrograms && c.Op is ConditionOp.Eq or ConditionOp.Ne)
        {
            // Two descriptors each naming one map of the object are equal exactly when they name the same map (an
            // inner map taken from a map of maps may be any of them: nothing is decided for it).
            var a = K(l);
            var b = K(c.Right.Register);
            bool known(RegisterKind k) => k.MapReference != RegisterKind.UnknownMap && k.MapReference == k.LastMapReference && k.MapReference < InnerMapBase;
            if (known(a) && known(b) && (a.MapReference == b.MapReference) != (c.Op == ConditionOp.Eq)) _s.Zone.SetBottom();
            return;
        }
        if (c.Right.IsRegister && c.Is64 && lt == rt && System.Numerics.BitOperations.PopCount((uint)lt) == 1 &&
            (lt & (Stack | Packet | Context | Shared)) != 0)
        {
            int r = c.Right.Register;
            if (c.Op == ConditionOp.Ne)
            {
                // Two pointers into one region differ: an offset known exactly is excluded from the other's range
                // (data != data_end means the packet is not empty).
                var lo = _s.Zone.Get(Off(l));
                var ro = _s.Zone.Get(Off(r));
                if (ro.IsSingleton) ExcludeValue(Off(l), ro.Lo);
                else if (lo.IsSingleton) ExcludeValue(Off(r), lo.Lo);
                return;
            }
            AssumeRelation(Off(l), Off(r), c.Op);
        }
    }

    private void AssumeNullness(int l, ConditionOp op)
    {
        // uvalue is the region's base address: only a pointer at offset 0 equals it, so only that tests nullness.
        if ((T(l) & (Shared | Socket)) != 0 && _s.Zone.Get(Off(l)) != Interval.Const(0)) return;
        var u = UView(l);
        int origin = K(l).Origin;
        switch (op)
        {
            case ConditionOp.Eq or ConditionOp.Le:
                if (u.Lo >= 1) { _s.Zone.SetBottom(); return; }
                // The reservation failed: nothing is held (the copies are all this value, now null).
                if (origin != 0 && K(l).Reference == origin && (T(l) & Shared) != 0) _s.Drop(origin);
                SetConstant(l, 0);
                if (origin != 0) ApplyNullness(origin, isNull: true);
                return;
            case ConditionOp.Set:
                _s.Zone.SetBottom();
                return;
            case ConditionOp.Ne or ConditionOp.Gt:
                if (u.Hi == 0) { _s.Zone.SetBottom(); return; }
                _s.Zone.Restrict(Uv(l), NonNull);
                if (WithoutZeroNumber(K(l)) is { } pointer) _s.RefineKind(0, l, pointer);
                if (origin != 0) ApplyNullness(origin, isNull: false);
                return;
            case ConditionOp.Lt:
                _s.Zone.SetBottom();
                return;
        }
    }

    /// <summary>The null check of one copy of a call's result decides the spilled and register copies too.</summary>
    private void ApplyNullness(int origin, bool isNull)
    {
        for (int r = 0; r < Isa.Registers.Count; r++)
        {
            if (K(r).Origin != origin || _s.Zone.Get(Off(r)) != Interval.Const(0)) continue;
            if (isNull) SetConstant(r, 0);
            else
            {
                _s.Zone.Restrict(Uv(r), NonNull);
                if (WithoutZeroNumber(K(r)) is { } pointer) _s.RefineKind(0, r, pointer);
            }
        }
        _s.Stack.UpdateCells(c =>
        {
            if (c.Value.Kind.Origin != origin || c.Value.Offset != Interval.Const(0)) return null;
            return isNull
                ? c with { Value = new StackValue(RegisterKind.Number, Interval.Const(0), Interval.Const(0), Interval.Top) }
                : c with { Value = c.Value with { Kind = WithoutZeroNumber(c.Value.Kind) ?? c.Value.Kind, UValue = c.Value.UValue.Meet(NonNull) } };
        });
    }

    /// <summary>A kind whose number part is only ever 0, known non-zero: the pointer types alone (null otherwise).</summary>
    private static RegisterKind? WithoutZeroNumber(RegisterKind kind) =>
        kind is { NumberIsZero: true } && (kind.Types & Number) != 0 && kind.Types != Number
            ? kind with { Types = kind.Types & ~Number, NumberIsZero = false }
            : null;

    private void AssumeNumbers(Condition c)
    {
        int l = c.Left;
        int? r = c.Right.IsRegister ? c.Right.Register : null;
        if (!c.Is64)
        {
            var lu = UView(l);
            var ls = SView(l);
            Interval ru, rs;
            if (r is int rr) { ru = UView(rr); rs = SView(rr); }
            else { ru = Interval.Const((uint)c.Right.Immediate); rs = Interval.Const((int)(uint)c.Right.Immediate); }
            bool signed = c.Op is ConditionOp.SLt or ConditionOp.SLe or ConditionOp.SGt or ConditionOp.SGe;
            bool fits = signed
                ? ls.IsWithin(Interval.Signed32) && rs.IsWithin(Interval.Signed32)
                : lu.IsWithin(Interval.Unsigned32) && ru.IsWithin(Interval.Unsigned32);
            if (!fits)
            {
                if (Constant(l) is ulong a && (r is null || Constant(r.Value) is not null))
                {
                    ulong b = r is int r2 ? Constant(r2)!.Value : (uint)c.Right.Immediate;
                    if (!Holds(c.Op, (uint)a, (uint)b, false)) _s.Zone.SetBottom();
                    return;
                }
                // The low halves may still be known ranges (e.g. [-2, -1] is [0xfffffffe, 0xffffffff] in 32 bits):
                // a comparison no pair of them satisfies cannot be taken.
                var left32 = signed ? Signed32Of(Low32(l)) : Low32(l);
                var right32 = r is int r3 ? (signed ? Signed32Of(Low32(r3)) : Low32(r3)) : signed ? rs : ru;
                if (!CanHold(c.Op, left32, right32)) _s.Zone.SetBottom();
                return;
            }
            if (r is null)
            {
                long imm = signed ? (int)(uint)c.Right.Immediate : (uint)c.Right.Immediate;
                AssumeWithConstant(l, c.Op, imm, signed ? Interval.Const(imm) : Interval.Const((uint)c.Right.Immediate));
                return;
            }
            AssumeRegisters(l, r.Value, c.Op);
            return;
        }
        if (r is null)
        {
            AssumeWithConstant(l, c.Op, c.Right.Immediate, Interval.Const((ulong)c.Right.Immediate));
            return;
        }
        AssumeRegisters(l, r.Value, c.Op);
    }

    /// <summary>The range of r's low 32 bits (unsigned), when its value range does not wrap a 2^32 boundary.</summary>
    private Interval Low32(int r)
    {
        var u = UView(r);
        if (u.HasFiniteBounds && u.Hi - u.Lo < Interval.TwoTo32 && u.Lo >> 32 == u.Hi >> 32) return new Interval(u.Lo & uint.MaxValue, u.Hi & uint.MaxValue);
        var s = SView(r);
        if (s.HasFiniteBounds && s.Hi - s.Lo < Interval.TwoTo32 && FloorDiv32(s.Lo) == FloorDiv32(s.Hi))
            return new Interval(s.Lo - FloorDiv32(s.Lo) * Interval.TwoTo32, s.Hi - FloorDiv32(s.Lo) * Interval.TwoTo32);
        return Interval.Unsigned32;
    }

    private static Int128 FloorDiv32(Int128 v) => v >= 0 ? v / Interval.TwoTo32 : -((-v + Interval.TwoTo32 - 1) / Interval.TwoTo32);

    private static Interval Signed32Of(Interval low32)
    {
        if (low32.Hi < Interval.TwoTo31) return low32;
        if (low32.Lo >= Interval.TwoTo31) return new Interval(low32.Lo - Interval.TwoTo32, low32.Hi - Interval.TwoTo32);
        return Interval.Signed32;
    }

    /// <summary>Whether some a in <paramref name="a"/> and b in <paramref name="b"/> satisfy the order or equality.</summary>
    private static bool CanHold(ConditionOp op, Interval a, Interval b) => op switch
    {
        ConditionOp.Eq => a.Lo <= b.Hi && b.Lo <= a.Hi,
        ConditionOp.Ne => !(a.IsSingleton && b.IsSingleton && a.Lo == b.Lo),
        ConditionOp.Lt or ConditionOp.SLt => a.Lo < b.Hi,
        ConditionOp.Le or ConditionOp.SLe => a.Lo <= b.Hi,
        ConditionOp.Gt or ConditionOp.SGt => a.Hi > b.Lo,
        ConditionOp.Ge or ConditionOp.SGe => a.Hi >= b.Lo,
        _ => true,
    };

    private static bool Holds(ConditionOp op, ulong a, ulong b, bool is64)
    {
        long sa = is64 ? (long)a : (int)(uint)a, sb = is64 ? (long)b : (int)(uint)b;
        return op switch
        {
            ConditionOp.Eq => a == b,
            ConditionOp.Ne => a != b,
            ConditionOp.Set => (a & b) != 0,
            ConditionOp.NotSet => (a & b) == 0,
            ConditionOp.Lt => a < b,
            ConditionOp.Le => a <= b,
            ConditionOp.Gt => a > b,
            ConditionOp.Ge => a >= b,
            ConditionOp.SLt => sa < sb,
            ConditionOp.SLe => sa <= sb,
            ConditionOp.SGt => sa > sb,
            _ => sa >= sb,
        };
    }

    private void AssumeWithConstant(int l, ConditionOp op, long signedValue, Interval unsignedValue)
    {
        Int128 sv = signedValue;
        Int128 uv = unsignedValue.Lo;
        switch (op)
        {
            case ConditionOp.Eq:
                _s.Zone.Restrict(Sv(l), Interval.Const(sv));
                _s.Zone.Restrict(Uv(l), Interval.Const(uv));
                break;
            case ConditionOp.Ne:
                ExcludeValue(Sv(l), sv);
                ExcludeValue(Uv(l), uv);
                break;
            case ConditionOp.Lt: _s.Zone.Restrict(Uv(l), new Interval(0, uv - 1)); break;
            case ConditionOp.Le: _s.Zone.Restrict(Uv(l), new Interval(0, uv)); break;
            case ConditionOp.Gt: _s.Zone.Restrict(Uv(l), new Interval(uv + 1, ulong.MaxValue)); break;
            case ConditionOp.Ge: _s.Zone.Restrict(Uv(l), new Interval(uv, ulong.MaxValue)); break;
            case ConditionOp.SLt: _s.Zone.Restrict(Sv(l), new Interval(long.MinValue, sv - 1)); break;
            case ConditionOp.SLe: _s.Zone.Restrict(Sv(l), new Interval(long.MinValue, sv)); break;
            case ConditionOp.SGt: _s.Zone.Restrict(Sv(l), new Interval(sv + 1, long.MaxValue)); break;
            case ConditionOp.SGe: _s.Zone.Restrict(Sv(l), new Interval(sv, long.MaxValue)); break;
            case ConditionOp.Set:
                if (Constant(l) is ulong a) { if ((a & (ulong)uv) == 0) _s.Zone.SetBottom(); }
                else if (uv == 0) _s.Zone.SetBottom();
                else _s.Zone.Restrict(Uv(l), new Interval(1, ulong.MaxValue));
                break;
            case ConditionOp.NotSet:
                if (Constant(l) is ulong b && (b & (ulong)uv) != 0) _s.Zone.SetBottom();
                else if (!_s.IsBottom && (ulong)uv is var mask && mask != 0 && IsHighMask(mask))
                {
                    // x & ~(2^k - 1) == 0  means  x < 2^k.
                    _s.Zone.Restrict(Uv(l), new Interval(0, (Int128)(~mask)));
                }
                break;
        }
        if (!_s.IsBottom) Normalize(l);
    }

    private static bool IsHighMask(ulong mask) => (~mask & (~mask + 1)) == 0;

    private void ExcludeValue(int v, Int128 value)
    {
        var i = _s.Zone.Get(v);
        if (i.IsSingleton && i.Lo == value) { _s.Zone.SetBottom(); return; }
        if (i.Lo == value) _s.Zone.Restrict(v, new Interval(value + 1, Interval.PosInf));
        else if (i.Hi == value) _s.Zone.Restrict(v, new Interval(Interval.NegInf, value - 1));
    }

    private void AssumeRegisters(int l, int r, ConditionOp op)
    {
        switch (op)
        {
            case ConditionOp.Eq:
                _s.Zone.AddConstraint(Sv(r), Sv(l), 0);
                _s.Zone.AddConstraint(Sv(l), Sv(r), 0);
                _s.Zone.AddConstraint(Uv(r), Uv(l), 0);
                _s.Zone.AddConstraint(Uv(l), Uv(r), 0);
                break;
            case ConditionOp.Ne:
                if (Constant(l) is ulong a && Constant(r) is ulong b && a == b) _s.Zone.SetBottom();
                else if (Constant(r) is ulong cr) { ExcludeValue(Sv(l), (long)cr); ExcludeValue(Uv(l), cr); }
                else if (Constant(l) is ulong cl) { ExcludeValue(Sv(r), (long)cl); ExcludeValue(Uv(r), cl); }
                break;
            case ConditionOp.Set or ConditionOp.NotSet:
                if (Constant(l) is ulong x && Constant(r) is ulong y && !Holds(op, x, y, true)) _s.Zone.SetBottom();
                break;
            default:
                bool signed = op is ConditionOp.SLt or ConditionOp.SLe or ConditionOp.SGt or ConditionOp.SGe;
                AssumeRelation(signed ? Sv(l) : Uv(l), signed ? Sv(r) : Uv(r), op);
                break;
        }
        if (!_s.IsBottom) Normalize(l);
        if (!_s.IsBottom) Normalize(r);
    }

    /// <summary>Order relation between two zone variables (signedness already chosen by the caller).</summary>
    private void AssumeRelation(int x, int y, ConditionOp op)
    {
        switch (op)
        {
            case ConditionOp.Lt or ConditionOp.SLt: _s.Zone.AddConstraint(y, x, -1); break;
            case ConditionOp.Le or ConditionOp.SLe: _s.Zone.AddConstraint(y, x, 0); break;
            case ConditionOp.Gt or ConditionOp.SGt: _s.Zone.AddConstraint(x, y, -1); break;
            case ConditionOp.Ge or ConditionOp.SGe: _s.Zone.AddConstraint(x, y, 0); break;
            case ConditionOp.Eq:
                _s.Zone.AddConstraint(x, y, 0);
                _s.Zone.AddConstraint(y, x, 0);
                break;
        }
    }
}
