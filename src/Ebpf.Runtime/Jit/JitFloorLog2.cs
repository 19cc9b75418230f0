using Ebpf.Isa;
using OpCodes = Ebpf.Isa.OpCodes;

namespace Ebpf.Runtime.Jit;

/// <summary>
/// What a register holds after a recognised <see cref="JitFloorLog2"/> region, as a function of the registers at its
/// start: <c>entry[Base] (Base -1: 0) + Constant</c>, plus <c>Sign * floor(log2(x))</c> when <see cref="Sign"/> is
/// not 0 (for x = 0 the region yields <c>entry[Base] + Zero</c> instead), or <c>x &gt;&gt; Shift</c> when
/// <see cref="Shifted"/>.
/// </summary>
internal readonly record struct JitLog2Output(int Register, int Base, ulong Constant, int Sign = 0, ulong Zero = 0, bool Shifted = false, int Shift = 0);

/// <summary>
/// A single-entry, single-exit piece of straight-line code and forward selects, from <see cref="Start"/> to
/// <see cref="End"/>, that computes <c>floor(log2(x))</c> (or <c>c - floor(log2(x))</c>: a leading-zero count) of the
/// value x register <see cref="X"/> holds at its start, whatever branch-and-shift search it was written as (clang
/// writes a binary search as a chain of "jump over one mov" selects, which the .NET JIT keeps as branches inside
/// loops). The emitter computes the live registers from one <c>lzcnt</c> instead and goes to <see cref="End"/>.
/// <para>
/// Recognised by what the code computes, not by its shape: it is run symbolically over the whole range of x (what
/// the instructions before the start bound it to), x an interval split at every comparison of a right shift of x
/// with a constant. Each resulting path is one interval of x on which every branch goes one way. It matches when
/// every path reaches one instruction, <see cref="End"/>, with each register live there either the same function on
/// every path or an affine function of floor(log2(x)) that is constant on each path's interval. So a search whose
/// threshold is off by one (an interval across a power of two) does not match, and anything else the code does
/// (memory, calls, other registers compared) ends the region before it.
/// </para>
/// </summary>
internal sealed record JitFloorLog2(int Start, int End, int X, int Low, int High, IReadOnlyList<JitLog2Output> Outputs)
{
    private const int MaxPaths = 130, MaxSteps = 160, MinBranches = 2;

    private enum Kind : byte { Constant, Entry, Shifted }

    /// <summary>A register on one path: a constant, entry[Register] + Value, or x >> Shift.</summary>
    private readonly record struct Value(Kind Kind, ulong Constant, int Register = -1, int Shift = 0)
    {
        public static Value Of(ulong constant) => new(Kind.Constant, constant);
    }

    private sealed class Path
    {
        public required Value[] Registers;
        public ulong Low, High; // the interval of x this path runs for
        public readonly List<(int Pc, Value[] Registers)> Visits = [];
        public int Branches;
    }

    /// <summary>The regions of <paramref name="code"/> that match, by start pc.</summary>
    /// <param name="liveIn">The registers (r0-r9 as bits) live at a pc: read there before being written.</param>
    public static Dictionary<int, JitFloorLog2> Find(Instruction[] code, ulong[] wideValues, bool[] starts, Func<int, ushort> liveIn)
    {
        var found = new Dictionary<int, JitFloorLog2>();
        int[][]? predecessors = null; // built when a candidate passes the cheap filter
        int coveredUpTo = -1;
        for (int pc = 1; pc < code.Length; pc++)
        {
            if (!starts[pc] || pc <= coveredUpTo) continue;
            int before = pc - 1;
            while (before > 0 && !starts[before]) before--;
            // x: what the instruction before the start wrote; the start has no other way in.
            var definer = code[before];
            if (definer.Class is not (OpClass.Alu32 or OpClass.Alu64 or OpClass.Ldx) && definer.Opcode != OpCodes.LdDw) continue;
            int x = definer.Dst;
            if (x >= Registers.FramePointer || !TestsSoon(code, pc, x)) continue;
            predecessors ??= Predecessors(code, starts);
            if (predecessors[pc].Length != 1 || predecessors[pc][0] != before) continue;
            ulong high = Bound(code, starts, predecessors, pc, x);
            if (Match(code, wideValues, starts, predecessors, liveIn, pc, x, high) is { } region)
            {
                found[pc] = region;
                coveredUpTo = Math.Max(region.High, region.End);
            }
        }
        return found;
    }

    /// <summary>
    /// Whether the code from <paramref name="pc"/>, along fall-through paths, tests registers derived from x (copies
    /// and shifts of it) twice within a few instructions, touching nothing but registers: a cheap filter before the
    /// symbolic run.
    /// </summary>
    private static bool TestsSoon(Instruction[] code, int pc, int x)
    {
        int derived = 1 << x, tests = 0;
        for (int steps = 0; steps < 24 && (uint)pc < (uint)code.Length; steps++)
        {
            var insn = code[pc];
            if (insn.Class is OpClass.Jmp or OpClass.Jmp32)
            {
                var op = (JmpOp)insn.Operation;
                if (op == JmpOp.Ja) { pc += 1 + (insn.Class == OpClass.Jmp32 ? insn.Imm : insn.Offset); continue; }
                if (op is JmpOp.Call or JmpOp.Exit) return false;
                if ((derived & (1 << insn.Dst)) == 0 && !(insn.UsesSrcRegister && (derived & (1 << insn.Src)) != 0)) return false;
                if (++tests == MinBranches) return true;
                pc++; // on along the fall-through path
                continue;
            }
            if (insn.Class is not (OpClass.Alu32 or OpClass.Alu64) && insn.Opcode != OpCodes.LdDw) return false;
            bool fromX = insn.UsesSrcRegister && (derived & (1 << insn.Src)) != 0;
            if ((AluOp)insn.Operation == AluOp.Mov || insn.Opcode == OpCodes.LdDw)
                derived = fromX ? derived | (1 << insn.Dst) : derived & ~(1 << insn.Dst);
            pc += ProgramDecoder.SlotCount(insn);
        }
        return false;
    }

    /// <summary>
    /// An upper bound of register <paramref name="register"/> at <paramref name="pc"/> from the straight-line code
    /// before it: a narrow load, a 32-bit operation, a right shift or a mask of a bounded value.
    /// </summary>
    private static ulong Bound(Instruction[] code, bool[] starts, int[][] predecessors, int pc, int register)
    {
        for (int depth = 0; depth < 16; depth++)
        {
            if (predecessors[pc].Length != 1) return ulong.MaxValue;
            int at = predecessors[pc][0];
            if (at < 0) return ulong.MaxValue; // the entry of the program or of a function
            var insn = code[at];
            if (at + ProgramDecoder.SlotCount(insn) != pc) return ulong.MaxValue; // reached by a jump
            pc = at;
            var (_, def) = JitLiveness.Effect(insn);
            if ((def & (1 << register)) == 0)
            {
                if (insn.Class is OpClass.Jmp or OpClass.Jmp32 && (JmpOp)insn.Operation is JmpOp.Call) return ulong.MaxValue;
                continue;
            }
            if (insn.Class == OpClass.Ldx && insn.Mode == AccessMode.Mem)
                return insn.AccessSize switch { AccessSize.Byte => 0xff, AccessSize.Half => 0xffff, AccessSize.Word => 0xffff_ffff, _ => ulong.MaxValue };
            if (insn.Class == OpClass.Alu32) return 0xffff_ffff;
            if (insn.Class != OpClass.Alu64 || insn.Offset != 0) return ulong.MaxValue;
            switch ((AluOp)insn.Operation)
            {
                case AluOp.Rsh: continue; // no larger than before
                case AluOp.And when !insn.UsesSrcRegister && insn.Imm >= 0: return (ulong)insn.Imm;
                case AluOp.Mov when !insn.UsesSrcRegister: return (ulong)(long)insn.Imm;
                case AluOp.Mov: register = insn.Src; continue;
                default: return ulong.MaxValue;
            }
        }
        return ulong.MaxValue;
    }

    private static int[][] Predecessors(Instruction[] code, bool[] starts)
    {
        var lists = new List<int>[code.Length + 1];
        for (int pc = 0; pc < code.Length; pc++)
        {
            if (!starts[pc]) continue;
            foreach (int next in JitLiveness.Successors(code, pc, code[pc]))
                if ((uint)next < (uint)lists.Length) (lists[next] ??= []).Add(pc);
            if (code[pc].Opcode == OpCodes.Call && code[pc].Src == PseudoSource.LocalCall)
            {
                int callee = pc + 1 + code[pc].Imm;
                if ((uint)callee < (uint)lists.Length) (lists[callee] ??= []).Add(-1); // entered from a call
            }
        }
        lists[0] = [.. lists[0] ?? [], -1]; // the program's entry
        return [.. lists.Select(l => l?.ToArray() ?? [])];
    }

    private static JitFloorLog2? Match(Instruction[] code, ulong[] wideValues, bool[] starts, int[][] predecessors,
        Func<int, ushort> liveIn, int start, int x, ulong high)
    {
        var paths = Explore(code, wideValues, start, x, high);
        if (paths is null || paths.Max(p => p.Branches) < MinBranches) return null;
        // The exit: the first instruction every path reaches (after the start) where the live registers match.
        var common = paths[0].Visits.Select(v => v.Pc).Where(pc => pc != start).Distinct().ToList();
        foreach (var path in paths.Skip(1))
        {
            var reached = path.Visits.Select(v => v.Pc).ToHashSet();
            common.RemoveAll(pc => !reached.Contains(pc));
        }
        foreach (int end in common)
        {
            var region = new HashSet<int>();
            var atEnd = new Value[paths.Count][];
            bool ok = true;
            for (int p = 0; p < paths.Count && ok; p++)
            {
                var visits = paths[p].Visits;
                for (int v = 0; v < visits.Count; v++)
                {
                    if (visits[v].Pc == end) { atEnd[p] = visits[v].Registers; break; }
                    if (visits[v].Pc == start && v > 0) { ok = false; break; } // back at the start
                    region.Add(visits[v].Pc);
                }
            }
            if (!ok) continue;
            // Single entry: nothing but the start is reached from outside the region.
            if (region.Any(pc => pc != start && predecessors[pc].Any(from => !region.Contains(from)))) continue;
            if (LiveOutputs(paths, atEnd, liveIn(end), x) is { } outputs)
                return new JitFloorLog2(start, end, x, region.Min(), region.Max(), outputs);
        }
        return null;
    }

    /// <summary>Every path from <paramref name="start"/> over x in [0, high], each until it reaches what the model does not cover.</summary>
    private static List<Path>? Explore(Instruction[] code, ulong[] wideValues, int start, int x, ulong high)
    {
        var entry = new Value[Registers.Count];
        for (int r = 0; r < entry.Length; r++) entry[r] = r == x ? new Value(Kind.Shifted, 0) : new Value(Kind.Entry, 0, r);
        var pending = new Stack<(Path Path, int Pc)>();
        pending.Push((new Path { Registers = entry, Low = 0, High = high }, start));
        var done = new List<Path>();
        bool firstBranch = true;
        while (pending.Count > 0)
        {
            var (path, pc) = pending.Pop();
            while (pc >= 0 && pc < code.Length && path.Visits.Count < MaxSteps)
            {
                path.Visits.Add((pc, (Value[])path.Registers.Clone()));
                var insn = code[pc];
                int next = pc + ProgramDecoder.SlotCount(insn);
                if (insn.Class is OpClass.Jmp or OpClass.Jmp32)
                {
                    var op = (JmpOp)insn.Operation;
                    if (op == JmpOp.Ja) { pc = pc + 1 + (insn.Class == OpClass.Jmp32 ? insn.Imm : insn.Offset); continue; }
                    if (op is JmpOp.Call or JmpOp.Exit) break;
                    var split = Split(path, insn, wideValues[pc]);
                    if (split is null)
                    {
                        if (firstBranch) return null; // the first branch does not test x: not a search over x
                        break;
                    }
                    firstBranch = false;
                    path.Branches++;
                    int taken = pc + 1 + insn.Offset;
                    var (takenIntervals, fallIntervals) = split.Value;
                    var forks = takenIntervals.Select(i => (i, taken)).Concat(fallIntervals.Select(i => (i, next))).ToList();
                    for (int k = 1; k < forks.Count; k++)
                    {
                        var fork = new Path { Registers = (Value[])path.Registers.Clone(), Low = forks[k].i.Low, High = forks[k].i.High, Branches = path.Branches };
                        fork.Visits.AddRange(path.Visits);
                        pending.Push((fork, forks[k].Item2));
                    }
                    (path.Low, path.High) = forks[0].i;
                    pc = forks[0].Item2;
                    if (done.Count + pending.Count + 1 > MaxPaths) return null;
                    continue;
                }
                if (!Step(path, insn, wideValues[pc])) break;
                pc = next;
            }
            done.Add(path);
        }
        return done;
    }

    /// <summary>x >> k as a constant where it is one on the path's interval.</summary>
    private static Value Settle(Value v, Path path) =>
        v.Kind == Kind.Shifted && (v.Shift >= 64 || path.Low >> v.Shift == path.High >> v.Shift)
            ? Value.Of(v.Shift >= 64 ? 0 : path.Low >> v.Shift) : v;

    /// <summary>Advances the path over an ALU instruction; false for what the model does not cover.</summary>
    private static bool Step(Path path, Instruction insn, ulong wideValue)
    {
        var r = path.Registers;
        if (insn.Opcode == OpCodes.LdDw)
        {
            if (insn.Src != 0) return false;
            r[insn.Dst] = Value.Of(wideValue);
            return true;
        }
        if (insn.Class is not (OpClass.Alu32 or OpClass.Alu64) || insn.Offset != 0 || insn.Dst >= Registers.FramePointer) return false;
        bool wide = insn.Class == OpClass.Alu64;
        var op = (AluOp)insn.Operation;
        var dst = r[insn.Dst];
        var src = insn.UsesSrcRegister ? r[insn.Src] : Value.Of(wide ? (ulong)(long)insn.Imm : (uint)insn.Imm);
        if (op is AluOp.Neg or AluOp.End or AluOp.Div or AluOp.Mod) src = Value.Of(0);
        if (op == AluOp.Mov)
        {
            if (wide || src.Kind == Kind.Constant) { r[insn.Dst] = wide ? src : Value.Of((uint)src.Constant); return true; }
            src = Settle(src, path);
            if (src.Kind == Kind.Shifted && path.High >> src.Shift <= uint.MaxValue) { r[insn.Dst] = src; return true; }
            return src.Kind == Kind.Constant && Assign(r, insn.Dst, Value.Of((uint)src.Constant));
        }
        // x >> k >> c is x >> (k + c): where the value fits 32 bits, the 32-bit shift is the same.
        if (op == AluOp.Rsh && dst.Kind == Kind.Shifted && src.Kind == Kind.Constant && (wide ? src.Constant < 64 : src.Constant < 32 && path.High >> dst.Shift <= uint.MaxValue))
        {
            r[insn.Dst] = Settle(dst with { Shift = dst.Shift + (int)src.Constant }, path);
            return true;
        }
        dst = Settle(dst, path);
        src = Settle(src, path);
        if (dst.Kind == Kind.Constant && src.Kind == Kind.Constant)
            return Constant(op, wide, dst.Constant, src.Constant) is { } value && Assign(r, insn.Dst, Value.Of(value));
        // entry[b] + c, while it stays that (64-bit adds and subtractions of constants).
        if (wide && op is AluOp.Add or AluOp.Sub && dst.Kind == Kind.Entry && src.Kind == Kind.Constant)
        {
            r[insn.Dst] = dst with { Constant = op == AluOp.Add ? dst.Constant + src.Constant : dst.Constant - src.Constant };
            return true;
        }
        if (wide && op == AluOp.Add && dst.Kind == Kind.Constant && src.Kind == Kind.Entry)
        {
            r[insn.Dst] = src with { Constant = src.Constant + dst.Constant };
            return true;
        }
        return false;
    }

    private static bool Assign(Value[] registers, int register, Value value)
    {
        registers[register] = value;
        return true;
    }

    private static ulong? Constant(AluOp op, bool wide, ulong a, ulong b)
    {
        if (!wide) { a = (uint)a; b = (uint)b; }
        int mask = wide ? 63 : 31;
        ulong? value = op switch
        {
            AluOp.Add => a + b,
            AluOp.Sub => a - b,
            AluOp.Mul => a * b,
            AluOp.Or => a | b,
            AluOp.And => a & b,
            AluOp.Xor => a ^ b,
            AluOp.Lsh => a << (int)(b & (ulong)mask),
            AluOp.Rsh => a >> (int)(b & (ulong)mask),
            AluOp.Arsh => wide ? (ulong)((long)a >> (int)(b & 63)) : (uint)((int)a >> (int)(b & 31)),
            AluOp.Neg => 0 - a,
            _ => null, // division, byte swaps: not in a search
        };
        return value is { } v && !wide ? (uint)v : value;
    }

    /// <summary>
    /// The intervals of x for which a conditional jump is taken and not taken, when it compares a right shift of x (or a
    /// constant) with a constant; null otherwise.
    /// </summary>
    private static (List<(ulong Low, ulong High)> Taken, List<(ulong Low, ulong High)> Fall)? Split(Path path, Instruction insn, ulong wideValue)
    {
        var r = path.Registers;
        bool wide = insn.Class == OpClass.Jmp;
        var left = Settle(r[insn.Dst], path);
        var right = insn.UsesSrcRegister ? Settle(r[insn.Src], path) : Value.Of(wide ? (ulong)(long)insn.Imm : (uint)insn.Imm);
        var op = (JmpOp)insn.Operation;
        if (left.Kind == Kind.Constant && right.Kind == Kind.Shifted)
        {
            (left, right) = (right, left);
            op = op switch { JmpOp.Jgt => JmpOp.Jlt, JmpOp.Jge => JmpOp.Jle, JmpOp.Jlt => JmpOp.Jgt, JmpOp.Jle => JmpOp.Jge,
                JmpOp.Jsgt => JmpOp.Jslt, JmpOp.Jsge => JmpOp.Jsle, JmpOp.Jslt => JmpOp.Jsgt, JmpOp.Jsle => JmpOp.Jsge, _ => op };
        }
        if (right.Kind != Kind.Constant) return null;
        ulong c = wide ? right.Constant : (uint)right.Constant;
        if (left.Kind == Kind.Constant)
        {
            return Compare(op, wide, left.Constant, c) is { } taken ? Whole(path, taken) : null;
        }
        if (left.Kind != Kind.Shifted) return null;
        int k = left.Shift;
        ulong tHigh = path.High >> k;
        if (!wide && tHigh > uint.MaxValue) return null;
        // t = x >> k is non-negative here: a signed compare with a non-negative constant is the unsigned one.
        bool signedBound = wide ? tHigh <= long.MaxValue : tHigh <= int.MaxValue;
        bool negative = wide ? (long)c < 0 : (int)c < 0;
        switch (op)
        {
            case JmpOp.Jsgt or JmpOp.Jsge or JmpOp.Jslt or JmpOp.Jsle:
                if (!signedBound) return null;
                if (negative) return Whole(path, op is JmpOp.Jsgt or JmpOp.Jsge);
                op = op switch { JmpOp.Jsgt => JmpOp.Jgt, JmpOp.Jsge => JmpOp.Jge, JmpOp.Jslt => JmpOp.Jlt, _ => JmpOp.Jle };
                break;
            case JmpOp.Jset:
                return null;
        }
        // t >= m, as intervals of x: x >= m << k (none when that overflows).
        (List<(ulong, ulong)> AtLeast, List<(ulong, ulong)> Below) From(ulong m)
        {
            if (m == 0) return ([(path.Low, path.High)], []);
            if (m > ulong.MaxValue >> k) return ([], [(path.Low, path.High)]);
            ulong threshold = m << k;
            var above = new List<(ulong, ulong)>();
            var below = new List<(ulong, ulong)>();
            if (threshold <= path.High) above.Add((Math.Max(threshold, path.Low), path.High));
            if (threshold > path.Low) below.Add((path.Low, Math.Min(threshold - 1, path.High)));
            return (above, below);
        }
        switch (op)
        {
            case JmpOp.Jgt: return c == ulong.MaxValue ? ([], [(path.Low, path.High)]) : From(c + 1);
            case JmpOp.Jge: return From(c);
            case JmpOp.Jlt: { var (a, b) = From(c); return (b, a); }
            case JmpOp.Jle: { var (a, b) = c == ulong.MaxValue ? ([(path.Low, path.High)], []) : From(c + 1); return (b, a); }
            case JmpOp.Jeq or JmpOp.Jne:
            {
                var (atLeast, below) = From(c);
                var equal = new List<(ulong, ulong)>();
                var other = new List<(ulong, ulong)>(below);
                foreach (var (lo, hi) in atLeast)
                {
                    var (above, upTo) = c == ulong.MaxValue ? ([], [(lo, hi)]) : Within(lo, hi, c + 1);
                    equal.AddRange(upTo);
                    other.AddRange(above);
                }
                return op == JmpOp.Jeq ? (equal, other) : (other, equal);
            }
            default: return null;
        }

        (List<(ulong, ulong)>, List<(ulong, ulong)>) Within(ulong lo, ulong hi, ulong m)
        {
            if (m > ulong.MaxValue >> k) return ([], [(lo, hi)]);
            ulong threshold = m << k;
            var above = new List<(ulong, ulong)>();
            var below = new List<(ulong, ulong)>();
            if (threshold <= hi) above.Add((Math.Max(threshold, lo), hi));
            if (threshold > lo) below.Add((lo, Math.Min(threshold - 1, hi)));
            return (above, below);
        }
    }

    private static (List<(ulong, ulong)>, List<(ulong, ulong)>) Whole(Path path, bool taken)
    {
        var all = new List<(ulong, ulong)> { (path.Low, path.High) };
        return taken ? (all, []) : ([], all);
    }

    private static bool? Compare(JmpOp op, bool wide, ulong a, ulong b)
    {
        if (!wide) { a = (uint)a; b = (uint)b; }
        long sa = wide ? (long)a : (int)a, sb = wide ? (long)b : (int)b;
        return op switch
        {
            JmpOp.Jeq => a == b, JmpOp.Jne => a != b, JmpOp.Jgt => a > b, JmpOp.Jge => a >= b, JmpOp.Jlt => a < b, JmpOp.Jle => a <= b,
            JmpOp.Jsgt => sa > sb, JmpOp.Jsge => sa >= sb, JmpOp.Jslt => sa < sb, JmpOp.Jsle => sa <= sb, JmpOp.Jset => (a & b) != 0,
            _ => null,
        };
    }

    /// <summary>
    /// What each register live at the exit holds, when every one is the same function of the entry on every path, or
    /// entry[b] + a + sign * floor(log2(x)) over all paths (and at least one is the latter); null otherwise.
    /// </summary>
    private static List<JitLog2Output>? LiveOutputs(List<Path> paths, Value[][] atEnd, ushort live, int x)
    {
        var outputs = new List<JitLog2Output>();
        bool log2 = false;
        for (int r = 0; r < Registers.FramePointer; r++)
        {
            if ((live & (1 << r)) == 0) continue;
            var first = atEnd[0][r];
            if (atEnd.All(v => v[r] == first))
            {
                if (first == (r == x ? new Value(Kind.Shifted, 0) : new Value(Kind.Entry, 0, r))) continue; // unchanged
                outputs.Add(first.Kind switch
                {
                    Kind.Constant => new JitLog2Output(r, -1, first.Constant),
                    Kind.Entry => new JitLog2Output(r, first.Register, first.Constant),
                    _ => new JitLog2Output(r, -1, 0, Shifted: true, Shift: first.Shift),
                });
                continue;
            }
            var values = atEnd.Select((v, p) => Settle(v[r], paths[p])).ToArray();
            if (Log2Of(paths, values) is not { } output) return null;
            outputs.Add(output with { Register = r });
            log2 = true;
        }
        return log2 ? outputs : null;
    }

    /// <summary>entry[b] + a + sign * floor(log2(x)) (entry[b] + z at x = 0) that every path's value equals on its interval.</summary>
    private static JitLog2Output? Log2Of(List<Path> paths, Value[] values)
    {
        int register = values[0].Kind == Kind.Entry ? values[0].Register : -1;
        ulong? zero = null;
        var leaves = new List<(int Log, ulong Constant)>();
        for (int p = 0; p < paths.Count; p++)
        {
            var v = values[p];
            if (v.Kind == Kind.Shifted || (v.Kind == Kind.Entry ? v.Register : -1) != register) return null;
            ulong low = paths[p].Low, high = paths[p].High;
            if (low == 0)
            {
                zero = v.Constant;
                if (high == 0) continue;
                low = 1;
            }
            int log = System.Numerics.BitOperations.Log2(low);
            if (System.Numerics.BitOperations.Log2(high) != log) return null; // one value across a power of two
            leaves.Add((log, v.Constant));
        }
        if (leaves.Select(l => l.Log).Distinct().Count() < 2) return null;
        foreach (int sign in new[] { 1, -1 })
        {
            ulong a = leaves[0].Constant - (ulong)(long)(sign * leaves[0].Log);
            if (leaves.All(l => l.Constant == a + (ulong)(long)(sign * l.Log)))
                return new JitLog2Output(-1, register, a, sign, zero ?? a);
        }
        return null;
    }
}
