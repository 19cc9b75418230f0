using System.Globalization;
using System.Text.RegularExpressions;
using Ebpf.Verifier.Domains;

namespace Ebpf.Verifier.Tests.Prevail;

/// <summary>
/// PREVAIL's invariant constraints ("r1.type=ctx", "r1.svalue=[0, 10]", "r2.svalue-r7.uvalue&lt;=11",
/// "s[504...511].type=number", "packet_size=20", "pc[1]=5"): applied to build a pre-state, and checked for
/// implication by a post-state.
/// </summary>
internal sealed partial class InvariantConstraints(VariableLayout layout, Func<int, int?> loopCounterAt)
{
    [GeneratedRegex(@"^r(\d+)\.type=(\w+)$")] private static partial Regex TypeIs();
    [GeneratedRegex(@"^r(\d+)\.type=r(\d+)\.type$")] private static partial Regex SameType();
    [GeneratedRegex(@"^r(\d+)\.type in \{(.*)\}$")] private static partial Regex TypeIn();
    [GeneratedRegex(@"^s\[(\d+)(?:\.\.\.(\d+))?\]\.(\w+)(?:=| in )(.+)$")] private static partial Regex StackConstraint();
    [GeneratedRegex(@"^(.+?)-(.+?)<=(-?\d+)$")] private static partial Regex Difference();
    [GeneratedRegex(@"^(r\d+\.\w+|packet_size|meta_offset|pc\[\d+\])=(.+)$")] private static partial Regex Assignment();
    [GeneratedRegex(@"^\[\s*(-oo|-?\d+)\s*,\s*(\+oo|-?\d+)\s*\]$")] private static partial Regex Range();
    [GeneratedRegex(@"^(r\d+\.\w+|packet_size|meta_offset|pc\[\d+\])(?:([+-])(\d+))?$")] private static partial Regex VariableExpression();

    private static readonly string[] OffsetFields = ["ctx_offset", "stack_offset", "packet_offset", "shared_offset"];

    private static TypeFlags ParseTypes(string list)
    {
        TypeFlags t = 0;
        foreach (var name in list.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            t |= TypeNames.Parse(name) ?? throw new FormatException($"unknown type '{name}'");
        return t;
    }

    private static Int128 Bound(string text) =>
        text == "+oo" ? Interval.PosInf : text == "-oo" ? Interval.NegInf : Int128.Parse(text, CultureInfo.InvariantCulture);

    private static Interval? ParseInterval(string text)
    {
        var m = Range().Match(text.Trim());
        if (m.Success) return new Interval(Bound(m.Groups[1].Value), Bound(m.Groups[2].Value));
        return Int128.TryParse(text.Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var v) ? Interval.Const(v) : null;
    }

    /// <summary>The zone variable a PREVAIL name denotes, or null for non-numeric or unknown names.</summary>
    private int? Variable(string name)
    {
        if (name == "packet_size") return VariableLayout.PacketSize;
        if (name == "meta_offset") return VariableLayout.MetaOffset;
        if (name.StartsWith("pc[", StringComparison.Ordinal))
            return loopCounterAt(int.Parse(name[3..^1], CultureInfo.InvariantCulture));
        int dot = name.IndexOf('.');
        if (dot < 0 || name[0] != 'r') return null;
        int reg = int.Parse(name[1..dot], CultureInfo.InvariantCulture);
        string field = name[(dot + 1)..];
        if (field == "svalue") return layout.SValue(0, reg);
        if (field == "uvalue") return layout.UValue(0, reg);
        if (Array.IndexOf(OffsetFields, field) >= 0) return layout.Offset(0, reg);
        return null;
    }

    /// <summary>"rM.field+c" as (variable, c).</summary>
    private (int Var, Int128 Delta)? VariableWithDelta(string text)
    {
        var m = VariableExpression().Match(text.Trim());
        if (!m.Success) return null;
        var v = Variable(m.Groups[1].Value);
        if (v is null) return null;
        Int128 delta = m.Groups[3].Success ? Int128.Parse(m.Groups[3].Value, CultureInfo.InvariantCulture) : 0;
        if (m.Groups[2].Value == "-") delta = -delta;
        return (v.Value, delta);
    }

    public void Apply(IEnumerable<string> constraints, AbstractState s)
    {
        var list = constraints.ToList();
        // Types first: they decide what the numeric facts mean.
        foreach (var c in list)
        {
            Match m;
            if ((m = TypeIs().Match(c)).Success)
                SetType(s, int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture), ParseTypes(m.Groups[2].Value));
            else if ((m = TypeIn().Match(c)).Success)
                SetType(s, int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture), ParseTypes(m.Groups[2].Value));
        }
        var numericSizes = new List<(int Reg, int Size)>();
        foreach (var c in list)
        {
            if (TypeIs().IsMatch(c) || TypeIn().IsMatch(c)) continue;
            Match m;
            if ((m = SameType().Match(c)).Success)
            {
                int a = layout.TypeTag(0, int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture));
                int b = layout.TypeTag(0, int.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture));
                s.Zone.AddConstraint(a, b, 0);
                s.Zone.AddConstraint(b, a, 0);
                continue;
            }
            if ((m = StackConstraint().Match(c)).Success)
            {
                ApplyStack(s, m);
                continue;
            }
            if (c.Contains("<=", StringComparison.Ordinal) && (m = Difference().Match(c)).Success)
            {
                var x = Variable(m.Groups[1].Value);
                var y = Variable(m.Groups[2].Value);
                if (x is not null && y is not null)
                    s.Zone.AddConstraint(y.Value, x.Value, Int128.Parse(m.Groups[3].Value, CultureInfo.InvariantCulture));
                continue;
            }
            if ((m = Assignment().Match(c)).Success)
            {
                string name = m.Groups[1].Value;
                string value = m.Groups[2].Value;
                int dot = name.IndexOf('.');
                string field = dot >= 0 ? name[(dot + 1)..] : "";
                int reg = name.StartsWith('r') && dot > 0 ? int.Parse(name[1..dot], CultureInfo.InvariantCulture) : -1;
                if (field is "shared_region_size")
                {
                    if (ParseInterval(value) is { } size) s.SetKind(0, reg, s.Kind(0, reg) with { SharedSize = size });
                    continue;
                }
                if (field is "map_fd" or "map_fd_programs")
                {
                    s.SetKind(0, reg, s.Kind(0, reg) with { MapReference = int.Parse(value, CultureInfo.InvariantCulture) });
                    continue;
                }
                if (field is "stack_numeric_size")
                {
                    if (ParseInterval(value) is { } n) numericSizes.Add((reg, (int)n.Lo));
                    continue;
                }
                var target = Variable(name);
                if (target is null) continue;
                if (ParseInterval(value) is { } interval)
                {
                    s.Zone.Restrict(target.Value, interval);
                }
                else if (VariableWithDelta(value) is var (src, delta))
                {
                    s.Zone.AddConstraint(src, target.Value, delta);
                    s.Zone.AddConstraint(target.Value, src, -delta);
                }
            }
        }
        foreach (var (reg, size) in numericSizes)
        {
            var off = s.Zone.Get(layout.Offset(0, reg));
            if (off.IsSingleton) s.Stack.WriteNumbers((int)off.Lo, (int)off.Lo + size);
        }
    }

    private void SetType(AbstractState s, int reg, TypeFlags types)
    {
        s.SetKind(0, reg, new RegisterKind(types, RegisterKind.UnknownMap, Interval.Bottom));
        if ((types & (TypeFlags.Stack | TypeFlags.Context | TypeFlags.Packet)) != 0 && (types & (TypeFlags.Nullable | TypeFlags.Number)) == 0)
            s.Zone.Restrict(layout.UValue(0, reg), new Interval(1, Interval.TwoTo64 - 1));
    }

    private static void ApplyStack(AbstractState s, Match m)
    {
        int start = int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
        int end = m.Groups[2].Success ? int.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture) + 1 : start + 1;
        string field = m.Groups[3].Value;
        string value = m.Groups[4].Value;
        var cell = s.Stack.FindCell(start, end - start);
        var current = cell?.Value ?? new StackValue(RegisterKind.Number, Interval.Signed64, Interval.Unsigned64, Interval.Top);
        switch (field)
        {
            case "type":
                var types = value.StartsWith('{') ? ParseTypes(value.Trim('{', '}')) : ParseTypes(value);
                if (types == TypeFlags.Number)
                {
                    s.Stack.WriteNumbers(start, end);
                    return;
                }
                s.Stack.Store(start, end - start, current with { Kind = new RegisterKind(types, RegisterKind.UnknownMap, Interval.Bottom) });
                return;
            case "svalue" when ParseInterval(value) is { } sv:
                s.Stack.Store(start, end - start, current with { SValue = sv, UValue = sv.Lo >= 0 ? sv : current.UValue });
                return;
            case "uvalue" when ParseInterval(value) is { } uv:
                s.Stack.Store(start, end - start, current with { UValue = uv, SValue = uv.Hi < Interval.TwoTo63 ? uv : current.SValue });
                return;
            default:
                if (field.EndsWith("_offset", StringComparison.Ordinal) && ParseInterval(value) is { } off)
                    s.Stack.Store(start, end - start, current with { Offset = off });
                return;
        }
    }

    /// <summary>True when some state satisfies both <paramref name="constraints"/> and the invariant <paramref name="s"/>.</summary>
    public bool IsConsistent(IReadOnlyList<string> constraints, AbstractState? s)
    {
        if (s is null || s.IsBottom) return false;
        var meet = s.Clone();
        foreach (var c in constraints)
        {
            Match m;
            if (!(m = TypeIs().Match(c)).Success && !(m = TypeIn().Match(c)).Success) continue;
            int reg = int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
            var common = meet.Kind(0, reg).Types & ParseTypes(m.Groups[2].Value);
            if (common == 0) return false;
            meet.SetKind(0, reg, meet.Kind(0, reg) with { Types = common });
        }
        Apply(constraints.Where(c => !TypeIs().IsMatch(c) && !TypeIn().IsMatch(c)), meet);
        return !meet.IsBottom;
    }

    /// <summary>
    /// True when every state <paramref name="constraints"/> describes (built from <paramref name="empty"/> like a
    /// pre-state, so unmentioned registers are uninitialized) lies within the invariant <paramref name="s"/>.
    /// </summary>
    public bool IsEntailed(IReadOnlyList<string> constraints, AbstractState empty, AbstractState? s)
    {
        if (s is null || s.IsBottom) return false;
        var observed = empty.Clone();
        Apply(constraints, observed);
        return observed.IsIncludedIn(s);
    }

    /// <summary>Counts the constraints the state implies.</summary>
    public (int Implied, int Total) CountImplied(IReadOnlyList<string> constraints, AbstractState? s)
    {
        if (constraints.Count == 1 && constraints[0] == "_|_") return (s is null || s.IsBottom ? 1 : 0, 1);
        int implied = 0;
        foreach (var c in constraints)
        {
            if (s is not null && !s.IsBottom && Implies(c, s)) implied++;
        }
        return (implied, constraints.Count);
    }

    private bool Implies(string c, AbstractState s)
    {
        Match m;
        if ((m = SameType().Match(c)).Success)
        {
            int r1 = int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
            int r2 = int.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture);
            var t = s.Kind(0, r1).Types;
            return (t == s.Kind(0, r2).Types && System.Numerics.BitOperations.PopCount((uint)t) == 1) ||
                s.Zone.Difference(layout.TypeTag(0, r2), layout.TypeTag(0, r1)) == Interval.Const(0);
        }
        if ((m = TypeIs().Match(c)).Success)
            return TypeNames.Parse(m.Groups[2].Value) is { } t && s.Kind(0, int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture)).Types == t;
        if ((m = TypeIn().Match(c)).Success)
        {
            var allowed = ParseTypes(m.Groups[2].Value);
            return (s.Kind(0, int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture)).Types & ~allowed) == 0;
        }
        if ((m = StackConstraint().Match(c)).Success)
        {
            int start = int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
            int end = m.Groups[2].Success ? int.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture) + 1 : start + 1;
            string field = m.Groups[3].Value;
            if (field == "type" && m.Groups[4].Value == "number") return s.Stack.AllNumeric(start, end);
            var cell = s.Stack.FindCell(start, end - start);
            if (cell is null) return false;
            if (field == "type") return TypeNames.Parse(m.Groups[4].Value) is { } t && cell.Value.Value.Kind.Types == t;
            if (ParseInterval(m.Groups[4].Value) is not { } expected) return false;
            var v = cell.Value.Value;
            var actual = field == "svalue" ? v.SValue : field == "uvalue" ? v.UValue : v.Offset;
            return actual.IsWithin(expected);
        }
        if (c.Contains("<=", StringComparison.Ordinal) && (m = Difference().Match(c)).Success)
        {
            var x = Variable(m.Groups[1].Value);
            var y = Variable(m.Groups[2].Value);
            return x is not null && y is not null && s.Zone.Difference(y.Value, x.Value).Hi <= Int128.Parse(m.Groups[3].Value, CultureInfo.InvariantCulture);
        }
        if ((m = Assignment().Match(c)).Success)
        {
            string name = m.Groups[1].Value;
            string value = m.Groups[2].Value;
            int dot = name.IndexOf('.');
            string field = dot >= 0 ? name[(dot + 1)..] : "";
            int reg = name.StartsWith('r') && dot > 0 ? int.Parse(name[1..dot], CultureInfo.InvariantCulture) : -1;
            if (field == "shared_region_size")
                return ParseInterval(value) is { } size && s.Kind(0, reg).SharedSize.IsWithin(size);
            if (field is "map_fd" or "map_fd_programs")
                return s.Kind(0, reg).MapReference.ToString(CultureInfo.InvariantCulture) == value;
            if (field == "stack_numeric_size")
            {
                var off = s.Zone.Get(layout.Offset(0, reg));
                return off.IsSingleton && ParseInterval(value) is { } n && s.Stack.NumericRun((int)off.Lo) is var run && n.Contains(run);
            }
            var target = Variable(name);
            if (target is null) return false;
            if (ParseInterval(value) is { } interval)
            {
                var actual = s.Zone.Get(target.Value);
                if (field == "svalue") actual = actual.Meet(Interval.Signed64);
                if (field == "uvalue") actual = actual.Meet(Interval.Unsigned64);
                return actual.IsWithin(interval);
            }
            if (VariableWithDelta(value) is var (src, delta))
                return s.Zone.Difference(src, target.Value) == Interval.Const(delta);
        }
        return false;
    }
}
