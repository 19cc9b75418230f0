namespace Ebpf.Verifier.Domains;

/// <summary>
/// The product of the abstract domains at one program point: the zone domain over numeric variables, the type domain
/// (one <see cref="RegisterKind"/> per frame and register), and the stack domain. Bottom means unreachable.
/// </summary>
public sealed class AbstractState
{
    private readonly RegisterKind[] _kinds;
    /// <summary>Per active bpf-to-bpf call, the caller's r6-r10, restored when the callee exits.</summary>
    private List<StackValue[]> _saved = [];
    /// <summary>
    /// The references held (sorted; never mutated, replaced): origins of the acquiring calls (ring buffer reserves)
    /// whose records are not yet released on some path. Each must be released exactly once before the program exits.
    /// </summary>
    private int[] _held = [];

    public AbstractState(VariableLayout layout, int stackBottom, int stackTop)
    {
        Layout = layout;
        Zone = new ZoneDomain(layout.Count);
        _kinds = new RegisterKind[layout.Frames * Isa.Registers.Count];
        Array.Fill(_kinds, RegisterKind.Uninitialized);
        Stack = new StackDomain(stackBottom, stackTop);
    }

    private AbstractState(AbstractState other)
    {
        Layout = other.Layout;
        Zone = other.Zone.Clone();
        _kinds = (RegisterKind[])other._kinds.Clone();
        Stack = other.Stack.Clone();
        _saved = [.. other._saved];
        _held = other._held;
    }

    /// <summary>The references held on some path into this point, in acquisition-site order.</summary>
    public ReadOnlySpan<int> HeldReferences => _held;

    public bool Holds(int reference) => Array.BinarySearch(_held, reference) >= 0;

    public void Acquire(int reference)
    {
        if (Holds(reference)) return;
        _held = [.. _held, reference];
        Array.Sort(_held);
    }

    public void Drop(int reference)
    {
        if (Holds(reference)) _held = Array.FindAll(_held, r => r != reference);
    }

    /// <summary>
    /// Releases <paramref name="reference"/>: every register, saved register and stack cell that may point into its
    /// record dies (uninitialized, remembering which release killed it), whatever copy it is.
    /// </summary>
    public void Release(int reference)
    {
        Drop(reference);
        var dead = RegisterKind.Uninitialized with { Reference = reference };
        for (int i = 0; i < _kinds.Length; i++)
        {
            if (_kinds[i].MayPointInto(reference)) SetKind(i / Isa.Registers.Count, i % Isa.Registers.Count, dead);
        }
        Stack.Invalidate(k => k.MayPointInto(reference));
        for (int f = 0; f < _saved.Count; f++)
        {
            if (!Array.Exists(_saved[f], v => v.Kind.MayPointInto(reference))) continue;
            var copy = (StackValue[])_saved[f].Clone();
            for (int i = 0; i < copy.Length; i++)
            {
                if (copy[i].Kind.MayPointInto(reference)) copy[i] = new StackValue(dead, Interval.Top, Interval.Top, Interval.Top);
            }
            _saved[f] = copy;
        }
    }

    private static int[] Union(int[] a, int[] b) =>
        ReferenceEquals(a, b) || b.Length == 0 ? a : a.Length == 0 ? b : [.. a.Union(b).Order()];

    public int SavedFrames => _saved.Count;

    public void PushSaved(StackValue[] registers) => _saved.Add(registers);

    public StackValue[] PopSaved()
    {
        var top = _saved[^1];
        _saved.RemoveAt(_saved.Count - 1);
        return top;
    }

    public IReadOnlyList<StackValue[]> Saved => _saved;

    /// <summary>Forgets origin <paramref name="origin"/> everywhere: a new execution of that call starts a new value.</summary>
    public void ClearOrigin(int origin)
    {
        for (int i = 0; i < _kinds.Length; i++)
        {
            if (_kinds[i].Origin == origin) _kinds[i] = _kinds[i] with { Origin = 0 };
        }
        Stack.UpdateCells(c => c.Value.Kind.Origin == origin
            ? c with { Value = c.Value with { Kind = c.Value.Kind with { Origin = 0 } } } : null);
        for (int f = 0; f < _saved.Count; f++)
        {
            if (!Array.Exists(_saved[f], v => v.Kind.Origin == origin)) continue;
            var copy = (StackValue[])_saved[f].Clone();
            for (int i = 0; i < copy.Length; i++)
            {
                if (copy[i].Kind.Origin == origin) copy[i] = copy[i] with { Kind = copy[i].Kind with { Origin = 0 } };
            }
            _saved[f] = copy;
        }
    }

    /// <summary>Saved registers that may hold <paramref name="types"/> become uninitialized.</summary>
    public void InvalidateSaved(TypeFlags types)
    {
        for (int f = 0; f < _saved.Count; f++)
        {
            var frame = _saved[f];
            if (!Array.Exists(frame, v => (v.Kind.Types & types) != 0)) continue;
            var copy = (StackValue[])frame.Clone();
            for (int i = 0; i < copy.Length; i++)
            {
                if ((copy[i].Kind.Types & types) != 0)
                    copy[i] = new StackValue(RegisterKind.Uninitialized, Interval.Top, Interval.Top, Interval.Top);
            }
            _saved[f] = copy;
        }
    }

    private static List<StackValue[]> JoinSaved(List<StackValue[]> a, List<StackValue[]> b, bool widen)
    {
        if (a.Count != b.Count) throw new InvalidOperationException("Joined states have different call depths.");
        var result = new List<StackValue[]>(a.Count);
        for (int f = 0; f < a.Count; f++)
        {
            if (ReferenceEquals(a[f], b[f])) { result.Add(a[f]); continue; }
            var joined = new StackValue[a[f].Length];
            for (int i = 0; i < joined.Length; i++)
            {
                var j = a[f][i].Join(b[f][i]);
                if (widen && !j.IsIncludedIn(a[f][i]))
                    j = new StackValue(j.Kind, Interval.Top, j.UValue.Lo >= 1 ? new Interval(1, Interval.PosInf) : Interval.Top, Interval.Top);
                joined[i] = j;
            }
            result.Add(joined);
        }
        return result;
    }

    public VariableLayout Layout { get; }
    /// <summary>The zone; <see cref="Analysis"/> swaps in a narrowed copy to check one kind of a multi-kind pointer.</summary>
    public ZoneDomain Zone { get; internal set; }
    public StackDomain Stack { get; }
    public bool IsBottom => Zone.IsBottom;

    public AbstractState Clone() => new(this);

    public static AbstractState CreateBottom(VariableLayout layout, int stackBottom, int stackTop)
    {
        var s = new AbstractState(layout, stackBottom, stackTop);
        s.Zone.SetBottom();
        return s;
    }

    public RegisterKind Kind(int frame, int reg) => _kinds[frame * Isa.Registers.Count + reg];
    /// <summary>Sets a register's kind; its type tag takes the kind's code range, unrelated to other registers.</summary>
    public void SetKind(int frame, int reg, RegisterKind kind)
    {
        _kinds[frame * Isa.Registers.Count + reg] = kind;
        if (Zone.IsBottom) return;
        var codes = TypeCodes(kind.Types);
        Zone.Assign(Layout.TypeTag(frame, reg), codes);
        Zone.Assign(Layout.NegatedTypeTag(frame, reg), Negate(codes));
        Zone.Assign(Layout.SharedSize(frame, reg), (kind.Types & TypeFlags.Shared) != 0 && !kind.SharedSize.IsBottom ? kind.SharedSize : Interval.Top);
    }

    public static Interval Negate(Interval codes) => new(codes.Hi == Interval.PosInf ? Interval.NegInf : -codes.Hi,
        codes.Lo == Interval.NegInf ? Interval.PosInf : -codes.Lo);

    /// <summary>Narrows the zone to the states where the register holds a kind of <paramref name="types"/>.</summary>
    public void RestrictToTypes(ZoneDomain zone, int frame, int reg, TypeFlags types)
    {
        var codes = TypeCodes(types);
        if (zone.Restrict(Layout.TypeTag(frame, reg), codes)) zone.Restrict(Layout.NegatedTypeTag(frame, reg), Negate(codes));
    }

    /// <summary>Narrows a register's kind (a subset of its types), keeping what the zone relates its type tag to.</summary>
    public void RefineKind(int frame, int reg, RegisterKind kind)
    {
        _kinds[frame * Isa.Registers.Count + reg] = kind;
        if (!Zone.IsBottom) RestrictToTypes(Zone, frame, reg, kind.Types);
    }

    /// <summary>
    /// Codes of the types in the zone: bit position times <see cref="TypeCodeSpacing"/>. The spacing exceeds every
    /// packet size and stack offset, so a zone bound between a type tag and such a variable, joined over paths that
    /// held different types, still says what held for each type once the tag is narrowed to one (after
    /// <c>p = n &gt;= 14 ? data : 0; if (p)</c>, packet_size &gt;= 14 again): per-type facts a difference-bound
    /// domain otherwise loses in the join.
    /// </summary>
    public const long TypeCodeSpacing = 1L << 24;

    /// <summary>The range of codes of a type set.</summary>
    public static Interval TypeCodes(TypeFlags types) => types == 0
        ? Interval.Top
        : new Interval(System.Numerics.BitOperations.TrailingZeroCount((uint)types) * TypeCodeSpacing,
            (31 - System.Numerics.BitOperations.LeadingZeroCount((uint)types)) * TypeCodeSpacing);

    public void JoinWith(AbstractState other)
    {
        if (other.IsBottom) return;
        if (IsBottom)
        {
            CopyFrom(other);
            return;
        }
        NumberOffsetsFrom(other, inPlace: true);
        var otherZone = other.NumberOffsetsFrom(this, inPlace: false);
        Zone.JoinWith(otherZone);
        for (int i = 0; i < _kinds.Length; i++) _kinds[i] = _kinds[i].Join(other._kinds[i]);
        Stack.JoinWith(other.Stack);
        _saved = JoinSaved(_saved, other._saved, false);
        _held = Union(_held, other._held);
    }

    public void WidenWith(AbstractState newer, ReadOnlySpan<long> thresholds)
    {
        if (newer.IsBottom) return;
        if (IsBottom)
        {
            CopyFrom(newer);
            return;
        }
        Zone.WidenWith(newer.Zone, thresholds);
        for (int i = 0; i < _kinds.Length; i++)
        {
            var joined = _kinds[i].Join(newer._kinds[i]);
            if (!joined.SharedSize.IsWithin(_kinds[i].SharedSize))
                joined = joined with { SharedSize = new Interval(joined.SharedSize.Lo < _kinds[i].SharedSize.Lo ? 0 : _kinds[i].SharedSize.Lo, Interval.PosInf) };
            _kinds[i] = joined;
        }
        Stack.WidenWith(newer.Stack);
        _saved = JoinSaved(_saved, newer._saved, true);
        _held = Union(_held, newer._held);
    }

    /// <summary>
    /// This zone (<paramref name="inPlace"/>) or a copy in which every register that holds only a number here and a
    /// pointer in <paramref name="pointers"/> takes that pointer's offset: a number's offset variable means nothing,
    /// so joins and inclusion then describe the pointer's offset exactly.
    /// </summary>
    private ZoneDomain NumberOffsetsFrom(AbstractState pointers, bool inPlace)
    {
        var zone = Zone;
        for (int i = 0; i < _kinds.Length; i++)
        {
            if (_kinds[i].Types != TypeFlags.Number || pointers._kinds[i].Types is TypeFlags.Number or 0 or TypeFlags.Uninitialized) continue;
            int offset = Layout.Offset(i / Isa.Registers.Count, i % Isa.Registers.Count);
            if (!inPlace && ReferenceEquals(zone, Zone)) zone = Zone.Clone();
            zone.Assign(offset, pointers.Zone.Get(offset));
        }
        return zone;
    }

    public bool IsIncludedIn(AbstractState other) => IsIncludedIn(other, 0, 0);

    /// <summary>Inclusion with the zone variables [<paramref name="skipFrom"/>, +<paramref name="skipCount"/>) left out.</summary>
    public bool IsIncludedIn(AbstractState other, int skipFrom, int skipCount)
    {
        if (IsBottom) return true;
        if (other.IsBottom) return false;
        foreach (int r in _held)
        {
            if (!other.Holds(r)) return false;
        }
        for (int i = 0; i < _kinds.Length; i++)
        {
            if (!_kinds[i].IsIncludedIn(other._kinds[i])) return false;
        }
        var zone = NumberOffsetsFrom(other, inPlace: false);
        if (!(skipCount == 0 ? zone.IsIncludedIn(other.Zone) : zone.IsIncludedInExcept(other.Zone, skipFrom, skipCount))) return false;
        if (!Stack.IsIncludedIn(other.Stack)) return false;
        for (int f = 0; f < _saved.Count; f++)
        {
            for (int i = 0; i < _saved[f].Length; i++)
            {
                if (!_saved[f][i].IsIncludedIn(other._saved[f][i])) return false;
            }
        }
        return true;
    }

    private void CopyFrom(AbstractState other)
    {
        var z = other.Zone.Clone();
        Zone.SetBottom();
        Zone.JoinWith(z);
        Array.Copy(other._kinds, _kinds, _kinds.Length);
        Stack.CopyFrom(other.Stack);
        _saved = [.. other._saved];
        _held = other._held;
    }
}
