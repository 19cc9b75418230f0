using Ebpf.Verifier.Domains;
using Ebpf.Verifier.Ir;
using static Ebpf.Verifier.Domains.TypeFlags;

namespace Ebpf.Verifier.Analysis;

internal sealed partial class Transformer
{
    /// <summary>True when base + offset is at or above the bottom of the current frame (r10 - 512).</summary>
    private bool AboveFrameBottom(int baseReg, int offset)
    {
        if (T(10) == Stack) return _s.Zone.Bound(Off(baseReg), Off(10)) <= offset + Isa.Registers.StackSize;
        var off = _s.Zone.Get(Off(baseReg));
        return off.Lo != Interval.NegInf && off.Lo + offset >= 0;
    }

    /// <summary>
    /// Checks that [base + offset, base + offset + width) lies inside the region of every type base may have.
    /// <paramref name="purpose"/> is "read" or "write". Afterwards the state assumes the access is in bounds.
    /// </summary>
    private bool CheckAccess(int baseReg, int offset, int width, string purpose)
    {
        if (!Require(baseReg, MemoryPointers | Socket)) return false;
        var types = T(baseReg);
        if (System.Numerics.BitOperations.PopCount((uint)types) == 1 || _s.Zone.IsBottom) return CheckAccessAs(baseReg, offset, width, purpose, types);
        // A pointer of several kinds: each kind is checked in the states where the register has it (the type tags
        // narrowed to it), where its offset is as precise as the paths that made it that kind left it.
        bool ok = true;
        var whole = _s.Zone;
        try
        {
            for (uint rest = (uint)types; rest != 0; rest &= rest - 1)
            {
                var kind = (TypeFlags)(rest & (~rest + 1));
                var view = whole.Clone();
                _s.RestrictToTypes(view, 0, baseReg, kind);
                if (view.IsBottom) continue;
                _s.Zone = view;
                ok &= CheckAccessAs(baseReg, offset, width, purpose, kind);
            }
        }
        finally
        {
            _s.Zone = whole;
        }
        return ok;
    }

    private bool CheckAccessAs(int baseReg, int offset, int width, string purpose, TypeFlags types)
    {
        bool ok = true;
        string access = $"valid_access({Describe(baseReg, offset)}, width={width}) for {purpose}";
        var off = _s.Zone.Get(Off(baseReg));
        if ((types & Stack) != 0)
        {
            Int128 lo = off.Lo == Interval.NegInf ? Interval.NegInf : off.Lo + offset;
            Int128 hi = off.Hi == Interval.PosInf ? Interval.PosInf : off.Hi + offset + width;
            if (lo < 0 || !AboveFrameBottom(baseReg, offset))
            {
                ok = false;
                Fail($"Lower bound must be at least r10.stack_offset - subprogram_stack_size ({access})", baseReg);
                if (types == Stack && T(10) == Stack) _s.Zone.AddConstraint(Off(baseReg), Off(10), offset + Isa.Registers.StackSize);
            }
            if (hi > TotalStackSize)
            {
                ok = false;
                Fail($"Upper bound must be at most total_stack_size ({access})", baseReg);
            }
            if (!ok && types == Stack) _s.Zone.Restrict(Off(baseReg), new Interval(-offset, TotalStackSize - offset - width));
        }
        if ((types & Context) != 0)
        {
            Int128 lo = off.Lo == Interval.NegInf ? Interval.NegInf : off.Lo + offset;
            Int128 hi = off.Hi == Interval.PosInf ? Interval.PosInf : off.Hi + offset + width;
            if (lo < 0)
            {
                ok = false;
                Fail($"Lower bound must be at least 0 ({access})", baseReg);
            }
            if (hi > _ctx.Size)
            {
                ok = false;
                Fail($"Upper bound must be at most {_ctx.Size} ({access})", baseReg);
            }
            if (purpose == "write" && lo >= 0 && hi <= _ctx.Size)
            {
                foreach (int field in (ReadOnlySpan<int>)[_ctx.Data, _ctx.End, _ctx.Meta])
                {
                    if (field < 0) continue;
                    if (lo < field + _platform.ContextPointerWidth && field < hi)
                    {
                        ok = false;
                        Fail($"Cannot write to context pointer field ({access})", baseReg);
                        break;
                    }
                }
            }
            if (!ok && types == Context) _s.Zone.Restrict(Off(baseReg), new Interval(-offset, _ctx.Size - offset - width));
        }
        if ((types & Packet) != 0)
        {
            // base.offset + offset >= meta_offset, base.offset + offset + width <= packet_size.
            if (_s.Zone.Bound(Off(baseReg), VariableLayout.MetaOffset) > offset)
            {
                ok = false;
                Fail($"Lower bound must be at least meta_offset ({access})", baseReg);
                _s.Zone.AddConstraint(Off(baseReg), VariableLayout.MetaOffset, offset);
            }
            if (_s.Zone.Bound(VariableLayout.PacketSize, Off(baseReg)) > -(offset + width))
            {
                ok = false;
                Fail($"Upper bound must be at most packet_size ({access})", baseReg);
                _s.Zone.AddConstraint(VariableLayout.PacketSize, Off(baseReg), -(offset + width));
            }
        }
        if ((types & Shared) != 0)
        {
            if (UView(baseReg).Lo < 1)
            {
                ok = false;
                Fail($"Possible null access ({access})", baseReg);
                if (types == Shared) _s.Zone.Restrict(Uv(baseReg), NonNull);
            }
            var size = K(baseReg).SharedSize;
            Int128 lo = off.Lo == Interval.NegInf ? Interval.NegInf : off.Lo + offset;
            Int128 hi = off.Hi == Interval.PosInf ? Interval.PosInf : off.Hi + offset + width;
            if (lo < 0)
            {
                ok = false;
                Fail($"Lower bound must be at least 0 ({access})", baseReg);
            }
            // offset + width within the region: by the size's range, or by the size variable's relation to the offset.
            bool fitsRelationally = _s.Zone.Bound(Size(baseReg), Off(baseReg)) <= -(offset + width);
            if (size.IsBottom || hi > size.Lo && !fitsRelationally)
            {
                ok = false;
                Fail($"Upper bound must be at most r{baseReg}.shared_region_size ({access})", baseReg);
            }
            if (purpose == "write" && K(baseReg).MayBeReadOnly)
            {
                ok = false;
                Fail($"Cannot write to a map value programs may only read ({access})", baseReg);
            }
        }
        if ((types & Socket) != 0)
        {
            if (UView(baseReg).Lo < 1)
            {
                ok = false;
                Fail($"Possible null access ({access})", baseReg);
                if (types == Socket) _s.Zone.Restrict(Uv(baseReg), NonNull);
            }
            if (purpose != "read" || !off.IsSingleton || !IsValidSocketAccess(off.Lo + offset, width))
            {
                ok = false;
                Fail($"Invalid socket access ({access})", baseReg);
            }
        }
        return ok;
    }

    /// <summary>
    /// The Linux rules for reading a socket returned by a lookup helper (bpf_sock_common_is_valid_access over struct
    /// bpf_sock): the type..priority words are hidden, bound_dev_if and mark are whole words only, the other fields
    /// allow aligned narrow reads, and dst_port is 2 bytes (readable as a whole word) followed by padding.
    /// </summary>
    private static bool IsValidSocketAccess(Int128 at, int width)
    {
        const int bpfSockSize = 80;
        if (at < 0 || at >= bpfSockSize || at % width != 0) return false;
        int o = (int)at;
        bool narrowWord = width <= 4;
        return o switch
        {
            4 or 44 or 72 or 76 => narrowWord, // family, src_port, state, rx_queue_mapping (narrow only at their start)
            >= 24 and < 44 => narrowWord, // src_ip4, src_ip6[4]
            >= 52 and < 72 => narrowWord, // dst_ip4, dst_ip6[4]
            48 or 49 => width <= 2 || (o == 48 && width == 4), // dst_port
            >= 8 and < 24 => false, // type, protocol, mark, priority: not in the common part
            50 or 51 => false, // padding after dst_port
            _ => width == 4, // bound_dev_if
        };
    }

    private void Memory(MemoryInstruction m)
    {
        int baseReg = m.Base;
        if (m.IsLoad)
        {
            int dst = m.Value.Register;
            CheckAccess(baseReg, m.Offset, m.Width, "read");
            if (_s.IsBottom) return;
            var types = T(baseReg);
            if (types == Stack)
            {
                StackLoad(dst, baseReg, m.Offset, m.Width, m.SignExtend);
                return;
            }
            if (types == Context && LoadContextField(dst, baseReg, m.Offset, m.Width)) return;
            if ((types & Context) != 0 && OverlapsPointerField(baseReg, m.Offset, m.Width))
            {
                // Part of a packet pointer, or a number: nothing that may leave the program.
                SetUninitialized(dst);
                SetK(dst, new RegisterKind(Number | Packet, RegisterKind.UnknownMap, Interval.Bottom));
                return;
            }
            SetLoadedNumber(dst, m.Width, m.SignExtend);
            return;
        }

        if (m.Value.IsRegister && T(m.Value.Register) == Uninitialized && T(baseReg) == Stack)
        {
            // Spilling an uninitialized register leaves the bytes uninitialized.
            CheckAccess(baseReg, m.Offset, m.Width, "write");
            if (_s.IsBottom) return;
            var o = _s.Zone.Get(Off(baseReg));
            if (o.HasFiniteBounds) _s.Stack.Forget((int)o.Lo + m.Offset, (int)o.Hi + m.Offset + m.Width);
            return;
        }
        if (m.Value.IsRegister && !Require(m.Value.Register, Initialized)) return;
        CheckAccess(baseReg, m.Offset, m.Width, "write");
        if (_s.IsBottom) return;
        var baseTypes = T(baseReg);
        if (baseTypes != Stack && m.Value.IsRegister && T(m.Value.Register) != Number)
        {
            Fail($"Only numbers can be stored to externally-visible regions (r{baseReg}.type != stack -> r{m.Value.Register}.type == number)", baseReg, m.Value.Register);
        }
        if ((baseTypes & Stack) != 0) StackStore(baseReg, m.Offset, m.Width, m.Value, baseTypes == Stack);
    }

    private bool OverlapsPointerField(int baseReg, int offset, int width)
    {
        var off = _s.Zone.Get(Off(baseReg));
        if (!off.HasFiniteBounds) return _ctx.Data >= 0 || _ctx.End >= 0 || _ctx.Meta >= 0;
        Int128 lo = off.Lo + offset, hi = off.Hi + offset + width;
        foreach (int field in (ReadOnlySpan<int>)[_ctx.Data, _ctx.End, _ctx.Meta])
        {
            if (field >= 0 && lo < field + _platform.ContextPointerWidth && field < hi) return true;
        }
        return false;
    }

    private bool LoadContextField(int dst, int baseReg, int offset, int width)
    {
        var off = _s.Zone.Get(Off(baseReg));
        if (!off.IsSingleton || (width != 4 && width != 8)) return false;
        long at = (long)off.Lo + offset;
        if (at < 0) return false;
        Int128 initial;
        int relativeTo;
        if (at == _ctx.Data) { initial = 0; relativeTo = 0; }
        else if (at == _ctx.End) { initial = 0; relativeTo = VariableLayout.PacketSize; }
        else if (at == _ctx.Meta) { initial = 0; relativeTo = VariableLayout.MetaOffset; }
        else return false;
        SetUninitialized(dst);
        _s.SetKind(0, dst, new RegisterKind(Packet, RegisterKind.UnknownMap, Interval.Bottom));
        _s.Zone.Assign(Uv(dst), NonNull);
        if (relativeTo == 0) _s.Zone.Assign(Off(dst), Interval.Const(initial));
        else _s.Zone.AssignVariable(Off(dst), relativeTo, Interval.Const(0));
        return true;
    }

    private void StackLoad(int dst, int baseReg, int offset, int width, bool signExtend)
    {
        var off = _s.Zone.Get(Off(baseReg));
        string access = $"valid_access({Describe(baseReg, offset)}, width={width}) for read";
        if (off.IsSingleton)
        {
            int at = (int)off.Lo + offset;
            var cell = _s.Stack.FindCell(at, width);
            if (cell is { } c && c.Value.Kind.Types != Number && width == 8)
            {
                RestoreFromCell(dst, MayBeNull(c.Value) && c.Value.Kind.Origin == 0 ? TieToFill(at, c.Value) : c.Value);
                return;
            }
            if (Readable(at, at + width))
            {
                if (cell is { } nc && nc.Value.Kind.Types == Number)
                {
                    var s = nc.Value.SValue;
                    var u = nc.Value.UValue;
                    if (signExtend && width < 8)
                    {
                        var sr = SignedRange(width);
                        s = u.IsWithin(new Interval(0, sr.Hi)) ? u : sr;
                        u = Interval.Unsigned64;
                    }
                    SetNumber(dst, s, u);
                    return;
                }
                if (ComposeBytes(at, width) is ulong composed)
                {
                    if (signExtend) composed = width switch { 1 => (ulong)(sbyte)composed, 2 => (ulong)(short)composed, 4 => (ulong)(int)composed, _ => composed };
                    SetConstant(dst, composed);
                    return;
                }
                SetLoadedNumber(dst, width, signExtend);
                return;
            }
            Fail($"Stack content is not numeric ({access})", baseReg);
            SetLoadedNumber(dst, width, signExtend);
            return;
        }
        if (off.HasFiniteBounds && Readable((int)off.Lo + offset, (int)off.Hi + offset + width))
        {
            SetLoadedNumber(dst, width, signExtend);
            return;
        }
        Fail($"Stack content is not numeric ({access})", baseReg);
        SetLoadedNumber(dst, width, signExtend);
    }

    /// <summary>Stack bytes a load may read as a number: numeric ones, and uninitialized ones when allowed.</summary>
    private bool Readable(int start, int end) =>
        _s.Stack.AllNumeric(start, end) ||
        (_options.AllowUninitializedStackReads && _s.Stack.NoneDirty(start, end) && _s.Stack.NoneNumeric(start, end));

    /// <summary>The value of [at, at + width) when single-value numeric cells cover it exactly.</summary>
    private ulong? ComposeBytes(int at, int width)
    {
        Span<byte> bytes = stackalloc byte[8];
        int covered = 0;
        foreach (var c in _s.Stack.Cells)
        {
            if (c.Offset < at || c.End > at + width) continue;
            if (c.Value.Kind.Types != Number || !c.Value.UValue.IsSingleton) return null;
            ulong v = (ulong)c.Value.UValue.Lo;
            for (int i = 0; i < c.Width; i++)
            {
                int shift = _options.BigEndian ? (c.Width - 1 - i) * 8 : i * 8;
                bytes[c.Offset - at + i] = (byte)(v >> shift);
            }
            covered += c.Width;
        }
        if (covered != width) return null;
        ulong result = 0;
        for (int i = 0; i < width; i++)
        {
            int shift = _options.BigEndian ? (width - 1 - i) * 8 : i * 8;
            result |= (ulong)bytes[i] << shift;
        }
        return result;
    }

    /// <summary>A spilled pointer that may be null: only then can a null check decide it.</summary>
    private static bool MayBeNull(StackValue v) =>
        (v.Kind.Types & (Shared | Socket)) != 0 && v.Offset == Interval.Const(0) && v.UValue.Lo <= 0;

    /// <summary>
    /// Gives a possibly-null cell of unknown origin (joined from several calls, or from a call and NULL) the origin of
    /// this fill, so the register filled from it and the cell are one value: a null check of the register then
    /// decides the cell, and a later fill of it (clang re-reads such spills rather than keep them in registers).
    /// The fill's earlier copies lose the origin first: a fill executed again (a loop) starts a new value.
    /// </summary>
    private StackValue TieToFill(int at, StackValue v)
    {
        int origin = -(_pc + 1);
        _s.ClearOrigin(origin);
        var tied = v with { Kind = v.Kind with { Origin = origin } };
        _s.Stack.UpdateCells(c => c.Offset == at && c.Width == 8 ? c with { Value = tied } : null);
        return tied;
    }

    private void RestoreFromCell(int dst, StackValue v)
    {
        if (v.Kind.Types == Number)
        {
            SetNumber(dst, v.SValue, v.UValue);
            return;
        }
        _s.SetKind(0, dst, v.Kind);
        _s.Zone.Assign(Sv(dst), v.SValue.IsBottom ? Interval.Top : v.SValue);
        _s.Zone.Assign(Uv(dst), v.UValue.IsBottom ? Interval.Top : v.UValue);
        _s.Zone.Assign(Off(dst), v.Offset.IsBottom ? Interval.Top : v.Offset);
        if (v.OffsetMinusPacketSize is { IsBottom: false } distance)
        {
            // offset - packet_size within [lo, hi], as it was when the register was spilled.
            if (distance.Hi != Interval.PosInf) _s.Zone.AddConstraint(VariableLayout.PacketSize, Off(dst), distance.Hi);
            if (distance.Lo != Interval.NegInf) _s.Zone.AddConstraint(Off(dst), VariableLayout.PacketSize, -distance.Lo);
        }
        if (v.OffsetMinusSharedSize is { IsBottom: false } room)
        {
            if (room.Hi != Interval.PosInf) _s.Zone.AddConstraint(Size(dst), Off(dst), room.Hi);
            if (room.Lo != Interval.NegInf) _s.Zone.AddConstraint(Off(dst), Size(dst), -room.Lo);
        }
    }

    private StackValue SnapshotRegister(int r) =>
        new(K(r), _s.Zone.Get(Sv(r)), _s.Zone.Get(Uv(r)), _s.Zone.Get(Off(r)),
            (T(r) & Packet) != 0 ? _s.Zone.Difference(VariableLayout.PacketSize, Off(r)) : null,
            (T(r) & Shared) != 0 ? _s.Zone.Difference(Size(r), Off(r)) : null);

    private void StackStore(int baseReg, int offset, int width, Operand value, bool onlyStack)
    {
        var off = _s.Zone.Get(Off(baseReg));
        bool isNumber = !value.IsRegister || T(value.Register) == Number;
        if (!onlyStack || !off.IsSingleton)
        {
            if (off.HasFiniteBounds) _s.Stack.StoreAnywhere((int)off.Lo + offset, (int)off.Hi + offset + width, isNumber);
            else _s.Stack.StoreAnywhere(_s.Stack.Bottom, _s.Stack.Top, isNumber);
            return;
        }
        int at = (int)off.Lo + offset;
        if (isNumber)
        {
            Interval s, u;
            if (value.IsRegister)
            {
                s = SView(value.Register);
                u = UView(value.Register);
            }
            else
            {
                s = Interval.Const(value.Immediate);
                u = Interval.Const((ulong)value.Immediate);
            }
            if (width < 8)
            {
                var range = UnsignedRange(width);
                if (!u.IsWithin(range))
                {
                    u = u.IsSingleton ? Interval.Const((ulong)u.Lo & (ulong)range.Hi) : range;
                }
                s = u;
            }
            var kind = s.IsSingleton && s.Lo == 0 ? RegisterKind.Number with { NumberIsZero = true } : RegisterKind.Number;
            _s.Stack.Store(at, width, new StackValue(kind, s, u, Interval.Top));
            return;
        }
        if (width == 8)
        {
            _s.Stack.Store(at, width, SnapshotRegister(value.Register));
            return;
        }
        _s.Stack.StoreAnywhere(at, at + width, false);
    }

    private void Atomic(AtomicInstruction a)
    {
        if (!Require(a.Src, Number)) return;
        if (!Require(a.Base, Stack | Shared)) return;
        CheckAccess(a.Base, a.Offset, a.Width, "write");
        if (_s.IsBottom) return;
        if (T(a.Base) == Stack)
        {
            var off = _s.Zone.Get(Off(a.Base));
            if (off.IsSingleton)
            {
                int at = (int)off.Lo + a.Offset;
                if (!Readable(at, at + a.Width))
                    Fail($"Stack content is not numeric (valid_access({Describe(a.Base, a.Offset)}, width={a.Width}) for read)", a.Base);
                if (AtomicOnKnownStackValue(a, at)) return;
                _s.Stack.WriteNumbers(at, at + a.Width);
            }
            else
            {
                _s.Stack.StoreAnywhere(_s.Stack.Bottom, _s.Stack.Top, true);
            }
        }
        if (a.Op == Isa.AtomicOp.Cmpxchg)
        {
            Require(0, Number);
            SetLoadedNumber(0, a.Width, false);
        }
        else if ((a.Op & Isa.AtomicOp.Fetch) != 0)
        {
            SetLoadedNumber(a.Src, a.Width, false);
        }
    }

    /// <summary>
    /// An atomic operation on a stack value and operands that are all known: the new value (and the fetched old one)
    /// is known too, as for the plain instruction sequence it stands for. False when something is unknown.
    /// </summary>
    private bool AtomicOnKnownStackValue(AtomicInstruction a, int at)
    {
        var cell = _s.Stack.FindCell(at, a.Width);
        ulong? current = cell is { } c && c.Value.Kind.Types == Number && c.Value.UValue.IsSingleton
            ? (ulong)c.Value.UValue.Lo
            : ComposeBytes(at, a.Width);
        if (current is not ulong old || Constant(a.Src) is not ulong operand) return false;
        bool is64 = a.Width == 8;
        ulong mask = is64 ? ulong.MaxValue : uint.MaxValue;
        ulong result;
        switch (a.Op & ~Isa.AtomicOp.Fetch)
        {
            case Isa.AtomicOp.Add: result = NumberMath.Evaluate(BinaryOp.Add, old, operand, is64); break;
            case Isa.AtomicOp.Or: result = NumberMath.Evaluate(BinaryOp.Or, old, operand, is64); break;
            case Isa.AtomicOp.And: result = NumberMath.Evaluate(BinaryOp.And, old, operand, is64); break;
            case Isa.AtomicOp.Xor: result = NumberMath.Evaluate(BinaryOp.Xor, old, operand, is64); break;
            case Isa.AtomicOp.Xchg & ~Isa.AtomicOp.Fetch: result = operand & mask; break;
            case Isa.AtomicOp.Cmpxchg & ~Isa.AtomicOp.Fetch:
                if (Constant(0) is not ulong expected) return false;
                result = (expected & mask) == old ? operand & mask : old;
                break;
            default: return false;
        }
        result &= mask;
        _s.Stack.Store(at, a.Width, new StackValue(RegisterKind.Number, Interval.Const(is64 ? (long)result : (Int128)result), Interval.Const(result), Interval.Top));
        if (a.Op == Isa.AtomicOp.Cmpxchg) SetConstant(0, old);
        else if ((a.Op & Isa.AtomicOp.Fetch) != 0) SetConstant(a.Src, old);
        return true;
    }

    private void PacketLoad(PacketLoadInstruction p)
    {
        if (!Require(6, Context)) return;
        if (p.Register is byte r && !Require(r, Number)) return;
        for (int reg = 1; reg <= 5; reg++) SetUninitialized(reg);
        SetLoadedNumber(0, p.Width, false);
    }
}
