using Ebpf.Isa;

namespace Ebpf.Runtime.Jit;

/// <summary>
/// A loop that walks one or two byte strings with a counter advanced by one per iteration and leaves when the bytes
/// differ, when a byte equals a stop value, or when the counter reaches a limit (strcmp, strlen, memcmp shapes), in
/// any rotation: <c>[Head, Latch]</c>, the latch jumping back to the head, entered at <see cref="Entry"/> only.
/// The emitter skips the iterations that leave by none of the exits at once (<see cref="JitReductions.CountWhile"/>),
/// sets the registers as the last of them left them and runs the rest (the iteration that leaves) as written.
/// Iterations with counter values below <see cref="Limit"/> cannot leave by the counter exit.
/// <para>
/// The skip reads the strings up to the counter limit even past the byte that ends the loop (at most one vector
/// beyond it within that limit): verification proved every iteration's access in bounds whatever bytes the loop
/// reads, as the bytes are data, not bounds.
/// </para>
/// </summary>
internal sealed record JitSearchLoop(int Entry, int Head, int Latch, int Counter, long Limit, JitLoopValue First, JitLoopValue? Second,
    int Stop, IReadOnlyList<(int Register, JitLoopValue Final)> Finals)
{
    /// <summary>The loops of <paramref name="code"/> that match, by entry pc, except those whose latch is in <paramref name="claimed"/>.</summary>
    public static Dictionary<int, JitSearchLoop> Find(Instruction[] code, ulong[] wideValues, bool[] starts, IReadOnlySet<int> claimed)
    {
        var found = new Dictionary<int, JitSearchLoop>();
        for (int latch = 0; latch < code.Length; latch++)
        {
            if (!starts[latch] || claimed.Contains(latch) || !IsBranch(code[latch], out int head, latch) || head > latch) continue;
            if (Match(code, wideValues, starts, head, latch) is { } loop) found[loop.Entry] = loop;
        }
        return found;
    }

    /// <summary>A conditional jump or ja of the 64-bit class (its target in <paramref name="target"/>).</summary>
    private static bool IsBranch(Instruction insn, out int target, int pc)
    {
        target = pc + 1 + insn.Offset;
        return insn.Class == OpClass.Jmp && (JmpOp)insn.Operation is not (JmpOp.Exit or JmpOp.Call);
    }

    private static JitSearchLoop? Match(Instruction[] code, ulong[] wideValues, bool[] starts, int head, int latch)
    {
        // The body: moves, adds, lddw, loads and conditional exits; the only jump inside is the latch's.
        ushort written = 0;
        var counters = new int[Registers.Count];
        for (int pc = head; pc <= latch; pc++)
        {
            if (!starts[pc]) continue;
            var insn = code[pc];
            if (insn.Class is OpClass.Jmp or OpClass.Jmp32)
            {
                if (pc == latch) continue;
                if (!IsBranch(insn, out int target, pc) || (JmpOp)insn.Operation == JmpOp.Ja || target >= head && target <= latch) return null;
                continue;
            }
            if (insn.Class is not (OpClass.Alu64 or OpClass.Ldx) && insn.Opcode != OpCodes.LdDw) return null;
            written |= (ushort)(1 << insn.Dst);
            counters[insn.Dst] += insn.Class == OpClass.Alu64 && (AluOp)insn.Operation == AluOp.Add && !insn.UsesSrcRegister && insn.Imm == 1 ? 1 : 100;
        }
        int counter = Array.IndexOf(counters, 1);
        if (counter < 0) return null;

        // One way in: jumps from outside and the fall-through into the head.
        int entry = -1;
        void Enter(int pc) { if (entry == -1) entry = pc; else if (entry != pc) entry = -2; }
        int before = head - 1;
        while (before >= 0 && !starts[before]) before--;
        if (before >= 0 && FallsThrough(code[before])) Enter(head);
        for (int pc = 0; pc < code.Length; pc++)
        {
            if (!starts[pc] || pc >= head && pc <= latch) continue;
            var insn = code[pc];
            int target = insn.Opcode == OpCodes.Call && insn.Src == PseudoSource.LocalCall ? pc + 1 + insn.Imm
                : insn.Class is OpClass.Jmp or OpClass.Jmp32 && (JmpOp)insn.Operation is not (JmpOp.Exit or JmpOp.Call)
                    ? pc + 1 + ((JmpOp)insn.Operation == JmpOp.Ja && insn.Class == OpClass.Jmp32 ? insn.Imm : insn.Offset) : -1;
            if (target >= head && target <= latch) Enter(target);
        }
        if (entry < 0) return null;

        var values = new JitLoopValue[Registers.Count];
        for (int r = 0; r < values.Length; r++)
            values[r] = r == counter ? new JitLoopValue(0, -1, true) : (written & (1 << r)) != 0 ? new JitLoopValue(0, -1, false, Carried: true) : JitLoopValue.Entry(r);
        var loads = new List<JitLoopAccess>();
        var stores = new List<(JitLoopAccess, int)>();
        bool mismatch = false;
        int stop = -1;
        long? limit = null;
        foreach (int pc in Enumerable.Range(entry, latch + 1 - entry).Concat(Enumerable.Range(head, entry - head)))
        {
            if (!starts[pc]) continue;
            var insn = code[pc];
            if (insn.Class != OpClass.Jmp)
            {
                if (!Evaluate(insn, wideValues[pc], values, loads, stores)) return null;
                continue;
            }
            if ((JmpOp)insn.Operation == JmpOp.Ja) continue; // the latch
            // Leaves when equal (a jeq out, or a jne back) or when not equal (a jne out, or a jeq back).
            var op = (JmpOp)insn.Operation;
            if (op is not (JmpOp.Jeq or JmpOp.Jne)) return null;
            bool leavesWhenEqual = (op == JmpOp.Jeq) == (pc != latch);
            var a = values[insn.Dst];
            if (insn.UsesSrcRegister)
            {
                var b = values[insn.Src];
                if (leavesWhenEqual || a.Load < 0 || b.Load < 0 || a.Load == b.Load || a.Accumulator >= 0 || b.Accumulator >= 0) return null;
                mismatch = true;
            }
            else if (a.Load >= 0 && a.Accumulator < 0 && leavesWhenEqual && insn.Imm is >= 0 and <= 255 && (stop < 0 || stop == insn.Imm))
                stop = insn.Imm;
            else if (a.IsLinear && a.Counted && a.Base < 0 && leavesWhenEqual && limit is null)
                limit = insn.Imm - a.Constant;
            else return null;
        }
        var end = values[counter];
        if (limit is null || stores.Count != 0 || !end.IsLinear || !end.Counted || end.Base >= 0 || end.Constant != 1) return null;
        if (loads.Any(l => l.Size != 1) || loads.Count != (mismatch ? 2 : 1) || !mismatch && stop < 0) return null;
        var finals = new List<(int, JitLoopValue)>();
        for (int r = 0; r < values.Length; r++)
        {
            if ((written & (1 << r)) == 0) continue;
            if (values[r].Carried || values[r].Accumulator >= 0) return null;
            finals.Add((r, values[r]));
        }
        return new JitSearchLoop(entry, head, latch, counter, limit.Value, loads[0].Address, mismatch ? loads[1].Address : null, stop, finals);
    }

    private static bool Evaluate(Instruction insn, ulong wideValue, JitLoopValue[] values, List<JitLoopAccess> loads, List<(JitLoopAccess, int)> stores) =>
        JitLoopIdiom.Evaluate(insn, wideValue, values, loads, stores);

    private static bool FallsThrough(Instruction insn) =>
        insn.Class is not (OpClass.Jmp or OpClass.Jmp32) || (JmpOp)insn.Operation is not (JmpOp.Ja or JmpOp.Exit);
}
