namespace Ebpf.Verifier.Domains;

/// <summary>
/// The zone abstract domain: a difference-bound matrix over numeric variables 1..n-1 and the constant zero
/// (variable 0). <c>m[i, j]</c> bounds <c>x_j - x_i</c> from above (<see cref="Interval.PosInf"/>: no bound), so
/// <c>m[0, j]</c> is x_j's upper bound and <c>-m[j, 0]</c> its lower bound. Every transfer keeps the matrix closed
/// (all implied bounds explicit) except widening, whose result later transfers tighten again.
/// </summary>
public sealed class ZoneDomain
{
    private static readonly Int128 Inf = Interval.PosInf;
    private readonly Int128[] _m;

    public ZoneDomain(int variables)
    {
        Size = variables + 1;
        _m = new Int128[Size * Size];
        Array.Fill(_m, Inf);
        for (int i = 0; i < Size; i++) _m[i * Size + i] = 0;
    }

    private ZoneDomain(ZoneDomain other)
    {
        Size = other.Size;
        _m = (Int128[])other._m.Clone();
        IsBottom = other.IsBottom;
    }

    /// <summary>Number of matrix rows: the variables plus the zero.</summary>
    public int Size { get; }
    public bool IsBottom { get; private set; }

    public ZoneDomain Clone() => new(this);

    public void SetBottom() => IsBottom = true;

    /// <summary>Upper bound of <c>x_j - x_i</c>.</summary>
    public Int128 Bound(int i, int j) => _m[i * Size + j];

    public Interval Get(int v) =>
        IsBottom ? Interval.Bottom : new(_m[v * Size] == Inf ? Interval.NegInf : -_m[v * Size], _m[v]);

    /// <summary>Interval of <c>x_j - x_i</c>.</summary>
    public Interval Difference(int i, int j) =>
        IsBottom ? Interval.Bottom : new(_m[j * Size + i] == Inf ? Interval.NegInf : -_m[j * Size + i], _m[i * Size + j]);

    public void Forget(int v)
    {
        int n = Size;
        for (int k = 0; k < n; k++)
        {
            _m[v * n + k] = Inf;
            _m[k * n + v] = Inf;
        }
        _m[v * n + v] = 0;
    }

    /// <summary><c>x_v := interval</c>, relating v to the others only through its bounds.</summary>
    public void Assign(int v, Interval value)
    {
        if (IsBottom) return;
        if (value.IsBottom) { IsBottom = true; return; }
        Forget(v);
        int n = Size;
        Int128 hi = value.Hi, negLo = value.Lo == Interval.NegInf ? Inf : -value.Lo;
        _m[v] = hi;
        _m[v * n] = negLo;
        for (int k = 1; k < n; k++)
        {
            if (k == v) continue;
            _m[k * n + v] = Interval.AddBound(_m[k * n], hi);
            _m[v * n + k] = Interval.AddBound(negLo, _m[k]);
        }
    }

    /// <summary><c>x_v := x_src + d</c> for d in <paramref name="delta"/>.</summary>
    public void AssignVariable(int v, int src, Interval delta)
    {
        if (IsBottom) return;
        if (delta.IsBottom) { IsBottom = true; return; }
        int n = Size;
        Int128 dHi = delta.Hi, dNegLo = delta.Lo == Interval.NegInf ? Inf : -delta.Lo;
        if (v == src)
        {
            for (int k = 0; k < n; k++)
            {
                if (k == v) continue;
                _m[k * n + v] = Interval.AddBound(_m[k * n + v], dHi);
                _m[v * n + k] = Interval.AddBound(_m[v * n + k], dNegLo);
            }
            return;
        }
        Forget(v);
        for (int k = 0; k < n; k++)
        {
            if (k == v) continue;
            _m[k * n + v] = Interval.AddBound(_m[k * n + src], dHi);
            _m[v * n + k] = Interval.AddBound(dNegLo, _m[src * n + k]);
        }
        _m[src * n + v] = Int128.Min(_m[src * n + v], dHi);
        _m[v * n + src] = Int128.Min(_m[v * n + src], dNegLo);
    }

    /// <summary>Adds <c>x_j - x_i &lt;= c</c> and closes; returns false when the state becomes empty.</summary>
    public bool AddConstraint(int i, int j, Int128 c)
    {
        if (IsBottom) return false;
        if (c == Inf || i == j && c >= 0) return true;
        int n = Size;
        Int128 back = _m[j * n + i];
        if (back != Inf && back + c < 0) { IsBottom = true; return false; }
        if (c >= _m[i * n + j]) return true;
        // Only rows with a bound to x_i and columns with a bound from x_j can tighten: visit just those.
        Span<int> sources = n <= 256 ? stackalloc int[n] : new int[n];
        Span<int> targets = n <= 256 ? stackalloc int[n] : new int[n];
        int sourceCount = 0, targetCount = 0;
        int rowJ = j * n;
        for (int k = 0; k < n; k++)
        {
            if (_m[k * n + i] != Inf) sources[sourceCount++] = k;
            if (_m[rowJ + k] != Inf) targets[targetCount++] = k;
        }
        Span<Int128> fromJ = n <= 128 ? stackalloc Int128[targetCount] : new Int128[targetCount];
        for (int t = 0; t < targetCount; t++) fromJ[t] = _m[rowJ + targets[t]];
        for (int s = 0; s < sourceCount; s++)
        {
            int k = sources[s];
            int rowK = k * n;
            Int128 viaK = _m[rowK + i] + c;
            for (int t = 0; t < targetCount; t++)
            {
                int at = rowK + targets[t];
                Int128 candidate = viaK + fromJ[t];
                if (candidate < _m[at]) _m[at] = candidate;
            }
        }
        for (int k = 0; k < n; k++)
        {
            if (_m[k * n + k] < 0) { IsBottom = true; return false; }
        }
        return true;
    }

    /// <summary>Restricts x_v to <paramref name="value"/>; false when the state becomes empty.</summary>
    public bool Restrict(int v, Interval value)
    {
        if (value.IsBottom) { IsBottom = true; return false; }
        if (value.Hi != Interval.PosInf && !AddConstraint(0, v, value.Hi)) return false;
        if (value.Lo != Interval.NegInf && !AddConstraint(v, 0, -value.Lo)) return false;
        return !IsBottom;
    }

    /// <summary>Least upper bound, in place. Both operands closed gives a closed result.</summary>
    public void JoinWith(ZoneDomain other)
    {
        if (other.IsBottom) return;
        if (IsBottom) { Array.Copy(other._m, _m, _m.Length); IsBottom = false; return; }
        for (int k = 0; k < _m.Length; k++) _m[k] = Int128.Max(_m[k], other._m[k]);
    }

    /// <summary>
    /// Widening of this (older) by <paramref name="newer"/>: stable bounds stay, a bound that grew jumps to the next
    /// threshold above it (for variable-vs-zero bounds) or to no bound.
    /// </summary>
    public void WidenWith(ZoneDomain newer, ReadOnlySpan<long> thresholds)
    {
        if (newer.IsBottom) return;
        if (IsBottom) { Array.Copy(newer._m, _m, _m.Length); IsBottom = false; return; }
        int n = Size;
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < n; j++)
            {
                int k = i * n + j;
                if (newer._m[k] <= _m[k]) continue;
                _m[k] = (i == 0 || j == 0) ? NextThreshold(newer._m[k], thresholds) : Inf;
            }
        }
    }

    private static Int128 NextThreshold(Int128 value, ReadOnlySpan<long> thresholds)
    {
        foreach (long t in thresholds)
        {
            if (t >= value) return t;
        }
        return Inf;
    }

    /// <summary>True when every bound of this is at least as tight as other's (sufficient for inclusion).</summary>
    public bool IsIncludedIn(ZoneDomain other)
    {
        if (IsBottom) return true;
        if (other.IsBottom) return false;
        for (int k = 0; k < _m.Length; k++)
        {
            if (_m[k] > other._m[k]) return false;
        }
        return true;
    }

    /// <summary>
    /// Inclusion of the projections that drop variables [<paramref name="skipFrom"/>, <paramref name="skipFrom"/> +
    /// <paramref name="skipCount"/>): for closed matrices, comparing the other rows and columns is exactly that.
    /// </summary>
    public bool IsIncludedInExcept(ZoneDomain other, int skipFrom, int skipCount)
    {
        if (IsBottom) return true;
        if (other.IsBottom) return false;
        int n = Size, skipTo = skipFrom + skipCount;
        for (int i = 0; i < n; i++)
        {
            if (i >= skipFrom && i < skipTo) continue;
            int row = i * n;
            for (int j = 0; j < n; j++)
            {
                if (j >= skipFrom && j < skipTo) continue;
                if (_m[row + j] > other._m[row + j]) return false;
            }
        }
        return true;
    }

    /// <summary>Re-closes the whole matrix (Floyd-Warshall), e.g. after widening.</summary>
    public void Close()
    {
        if (IsBottom) return;
        int n = Size;
        for (int k = 0; k < n; k++)
        {
            for (int i = 0; i < n; i++)
            {
                Int128 ik = _m[i * n + k];
                if (ik == Inf) continue;
                for (int j = 0; j < n; j++)
                {
                    Int128 kj = _m[k * n + j];
                    if (kj == Inf) continue;
                    if (ik + kj < _m[i * n + j]) _m[i * n + j] = ik + kj;
                }
            }
        }
        for (int i = 0; i < n; i++)
        {
            if (_m[i * n + i] < 0) { IsBottom = true; return; }
        }
    }
}
