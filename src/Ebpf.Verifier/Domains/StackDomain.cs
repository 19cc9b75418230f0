namespace Ebpf.Verifier.Domains;

/// <summary>
/// The stack abstraction: per byte, whether it certainly holds (part of) a number, whether it may hold part of a
/// non-number (a spilled pointer: such bytes cannot be read as numbers), and a sorted list of cells that remember
/// stored values (spilled pointers keep their type and offset; numbers their ranges). A byte that is neither is
/// uninitialized. Offsets are absolute: the stack spans [<see cref="Bottom"/>, <see cref="Top"/>).
/// </summary>
public sealed class StackDomain
{
    private readonly ulong[] _numeric;
    private readonly ulong[] _dirty;
    private readonly List<StackCell> _cells;

    public StackDomain(int bottom, int top)
    {
        Bottom = bottom;
        Top = top;
        _numeric = new ulong[(top - bottom + 63) / 64];
        _dirty = new ulong[_numeric.Length];
        _cells = [];
    }

    private StackDomain(StackDomain other)
    {
        Bottom = other.Bottom;
        Top = other.Top;
        _numeric = (ulong[])other._numeric.Clone();
        _dirty = (ulong[])other._dirty.Clone();
        _cells = [.. other._cells];
    }

    public int Bottom { get; }
    public int Top { get; }
    public IReadOnlyList<StackCell> Cells => _cells;

    public StackDomain Clone() => new(this);

    public void CopyFrom(StackDomain other)
    {
        Array.Copy(other._numeric, _numeric, _numeric.Length);
        Array.Copy(other._dirty, _dirty, _dirty.Length);
        _cells.Clear();
        _cells.AddRange(other._cells);
    }

    public bool IsNumeric(int offset)
    {
        int i = offset - Bottom;
        return (_numeric[i >> 6] & (1UL << (i & 63))) != 0;
    }

    public bool IsDirty(int offset)
    {
        int i = offset - Bottom;
        return (_dirty[i >> 6] & (1UL << (i & 63))) != 0;
    }

    /// <summary>True when no byte of [start, end) may hold part of a non-number (uninitialized bytes are fine).</summary>
    public bool NoneDirty(int start, int end)
    {
        for (int o = Math.Max(start, Bottom); o < Math.Min(end, Top); o++)
        {
            if (IsDirty(o)) return false;
        }
        return true;
    }

    /// <summary>True when no byte of [start, end) is known to hold a number.</summary>
    public bool NoneNumeric(int start, int end)
    {
        for (int o = Math.Max(start, Bottom); o < Math.Min(end, Top); o++)
        {
            if (IsNumeric(o)) return false;
        }
        return true;
    }

    /// <summary>True when every byte of [start, end) certainly holds a number.</summary>
    public bool AllNumeric(int start, int end)
    {
        for (int o = start; o < end; o++)
        {
            if (o < Bottom || o >= Top || !IsNumeric(o)) return false;
        }
        return true;
    }

    /// <summary>Count of certainly numeric bytes starting at <paramref name="start"/>.</summary>
    public int NumericRun(int start)
    {
        int o = start;
        while (o >= Bottom && o < Top && IsNumeric(o)) o++;
        return o - start;
    }

    private void SetNumeric(int start, int end, bool value) => SetBits(_numeric, start, end, value);

    private void SetDirty(int start, int end, bool value) => SetBits(_dirty, start, end, value);

    private void SetBits(ulong[] bits, int start, int end, bool value)
    {
        for (int o = Math.Max(start, Bottom); o < Math.Min(end, Top); o++)
        {
            int i = o - Bottom;
            if (value) bits[i >> 6] |= 1UL << (i & 63);
            else bits[i >> 6] &= ~(1UL << (i & 63));
        }
    }

    /// <summary>Makes [start, end) uninitialized (a dead call frame).</summary>
    public void Forget(int start, int end)
    {
        RemoveCells(start, end);
        SetNumeric(start, end, false);
        SetDirty(start, end, false);
    }

    /// <summary>
    /// The path pass's abstraction at a prune point (bit i of the masks: byte Bottom + i). Bytes outside
    /// <paramref name="live"/> become "anything" (no longer known numeric, maybe a pointer), with the cells wholly
    /// among them; number cells with no byte in <paramref name="relevant"/> lose their values (the bytes stay
    /// numeric). A cell partly live stays whole (a pointer cannot be kept in part). Only widens the state.
    /// </summary>
    public void ForgetDeadAndIrrelevant(ulong[] live, ulong[] relevant)
    {
        _cells.RemoveAll(c => !AnySet(live, c.Offset, c.End) ||
            (c.Value.Kind.Types == TypeFlags.Number && !AnySet(relevant, c.Offset, c.End)));
        // The bytes of the cells kept keep what they are: a live cell's dead bytes still belong to it.
        var keep = (ulong[])live.Clone();
        foreach (var c in _cells)
        {
            for (int o = c.Offset; o < c.End; o++) keep[(o - Bottom) >> 6] |= 1UL << ((o - Bottom) & 63);
        }
        for (int i = 0; i < _numeric.Length && i < keep.Length; i++)
        {
            _numeric[i] &= keep[i];
            _dirty[i] |= ~keep[i];
        }
    }

    private bool AnySet(ulong[] bits, int start, int end)
    {
        for (int o = start; o < end; o++)
        {
            int i = o - Bottom;
            if ((bits[i >> 6] >> (i & 63) & 1) != 0) return true;
        }
        return false;
    }

    /// <summary>Removes the cells overlapping [start, end); a removed pointer cell's other bytes stay unreadable.</summary>
    private void RemoveCells(int start, int end) => _cells.RemoveAll(c => c.Overlaps(start, end));

    public StackCell? FindCell(int offset, int width)
    {
        foreach (var c in _cells)
        {
            if (c.Offset == offset && c.Width == width) return c;
        }
        return null;
    }

    /// <summary>A store of <paramref name="value"/> at a known offset.</summary>
    public void Store(int offset, int width, StackValue value)
    {
        RemoveCells(offset, offset + width);
        bool number = value.Kind.Types == TypeFlags.Number;
        SetNumeric(offset, offset + width, number);
        SetDirty(offset, offset + width, !number);
        if (!number && (value.Kind.Types & TypeFlags.Initialized) == 0) return;
        int at = 0;
        while (at < _cells.Count && _cells[at].Offset < offset) at++;
        _cells.Insert(at, new StackCell(offset, width, value));
    }

    /// <summary>A store somewhere in [start, end) (a variable offset): bytes may or may not be overwritten.</summary>
    public void StoreAnywhere(int start, int end, bool isNumber)
    {
        RemoveCells(start, end);
        if (!isNumber)
        {
            SetNumeric(start, end, false);
            SetDirty(start, end, true);
        }
    }

    /// <summary>A helper wrote numbers to [start, end), or a certain numeric store of unknown value.</summary>
    public void WriteNumbers(int start, int end)
    {
        RemoveCells(start, end);
        SetNumeric(start, end, true);
        SetDirty(start, end, false);
    }

    /// <summary>Forgets every cell whose value may have the given types (e.g. packet pointers after a reallocation).</summary>
    public void Invalidate(TypeFlags types) => Invalidate(k => (k.Types & types) != 0);

    /// <summary>Cells holding a kind <paramref name="dies"/> picks become unreadable bytes.</summary>
    public void Invalidate(Func<RegisterKind, bool> dies)
    {
        foreach (var c in _cells)
        {
            if (dies(c.Value.Kind))
            {
                SetNumeric(c.Offset, c.End, false);
                SetDirty(c.Offset, c.End, true);
            }
        }
        _cells.RemoveAll(c => dies(c.Value.Kind));
    }

    /// <summary>Rewrites the cells <paramref name="update"/> changes (e.g. a null check seen through a spilled copy).</summary>
    public void UpdateCells(Func<StackCell, StackCell?> update)
    {
        for (int k = 0; k < _cells.Count; k++)
        {
            if (update(_cells[k]) is { } changed)
            {
                _cells[k] = changed;
                if (changed.Value.Kind.Types == TypeFlags.Number)
                {
                    SetNumeric(changed.Offset, changed.End, true);
                    SetDirty(changed.Offset, changed.End, false);
                }
            }
        }
    }

    public void JoinWith(StackDomain other)
    {
        for (int i = 0; i < _numeric.Length; i++)
        {
            _numeric[i] &= other._numeric[i];
            _dirty[i] |= other._dirty[i];
        }
        var joined = new List<StackCell>();
        foreach (var c in _cells)
        {
            var o = other.FindCell(c.Offset, c.Width);
            if (o is null) continue;
            var value = c.Value.Join(o.Value.Value);
            joined.Add(c with { Value = value });
        }
        _cells.Clear();
        _cells.AddRange(joined);
        foreach (var c in _cells)
        {
            if (c.Value.Kind.Types != TypeFlags.Number)
            {
                SetNumeric(c.Offset, c.End, false);
                SetDirty(c.Offset, c.End, true);
            }
        }
    }

    /// <summary>Widening: like join, but a cell whose ranges grew loses them (it keeps its type).</summary>
    public void WidenWith(StackDomain newer)
    {
        var before = _cells.ToArray();
        JoinWith(newer);
        for (int k = 0; k < _cells.Count; k++)
        {
            var c = _cells[k];
            foreach (var b in before)
            {
                if (b.Offset != c.Offset || b.Width != c.Width) continue;
                if (c.Value.IsIncludedIn(b.Value)) break;
                var v = c.Value;
                _cells[k] = c with
                {
                    Value = new StackValue(v.Kind, Widen(b.Value.SValue, v.SValue), Widen(b.Value.UValue, v.UValue), Widen(b.Value.Offset, v.Offset)),
                };
                break;
            }
        }
    }

    private static Interval Widen(Interval old, Interval now)
    {
        if (old.IsBottom) return now;
        return new(now.Lo < old.Lo ? Interval.NegInf : old.Lo, now.Hi > old.Hi ? Interval.PosInf : old.Hi);
    }

    public bool IsIncludedIn(StackDomain other)
    {
        for (int i = 0; i < _numeric.Length; i++)
        {
            if ((other._numeric[i] & ~_numeric[i]) != 0) return false;
            if ((_dirty[i] & ~other._dirty[i]) != 0) return false;
        }
        foreach (var o in other._cells)
        {
            var c = FindCell(o.Offset, o.Width);
            if (c is null || !c.Value.Value.IsIncludedIn(o.Value)) return false;
        }
        return true;
    }
}
