using Ebpf.Isa;

namespace Ebpf.Runtime.Jit;

/// <summary>What a recognised counted loop does per iteration: copies one element, or adds one loaded element to an accumulator.</summary>
internal enum JitLoopIdiomKind { Copy, Sum }

/// <summary>
/// A value in a loop body as a function of the loop's entry state: <c>Constant + entry[Base] + (Counted ? i : 0)</c>
/// (i: the counter at the start of the iteration; Base -1: none), the zero-extended result of load <c>Load</c>, or
/// the accumulator <c>Accumulator</c> plus that load.
/// </summary>
internal readonly record struct JitLoopValue(long Constant, int Base, bool Counted, int Load = -1, int Accumulator = -1, bool Carried = false)
{
    public bool IsLinear => Load < 0 && !Carried;
    public static JitLoopValue Entry(int register) => new(0, register, false);
}

/// <summary>One memory access of the loop body: <c>size</c> bytes at <c>Address + Offset</c>.</summary>
internal readonly record struct JitLoopAccess(JitLoopValue Address, int Size);

/// <summary>
/// A single-block counted loop <c>[Head, Latch]</c> the emitter may run as one block operation: every iteration loads
/// (and, for <see cref="JitLoopIdiomKind.Copy"/>, stores) <see cref="Step"/> bytes at addresses that advance by
/// <see cref="Step"/> with the counter, and the loop ends when the counter, advanced by <see cref="Step"/> per
/// iteration, equals <see cref="Limit"/>. <see cref="Finals"/> gives every register the body writes the value it holds
/// after the last iteration, so that the block operation leaves the registers exactly as the loop would.
/// </summary>
internal sealed record JitLoopIdiom(int Head, int Latch, int Exit, JitLoopIdiomKind Kind, int Counter, long Limit, int Step,
    JitLoopAccess Source, JitLoopAccess? Destination, int Accumulator, IReadOnlyList<(int Register, JitLoopValue Final)> Finals)
{
    /// <summary>
    /// The loops of <paramref name="code"/> that match, by head pc. A loop matches when its body is straight-line
    /// (nothing but 64-bit moves and adds, lddw, plain loads and stores; no branch into it), its latch is
    /// <c>if i != N goto head</c> (or <c>if i == N goto out; goto head</c>) with i advanced once by a positive constant,
    /// and what it does is one of the kinds, with the element size equal to the step (contiguous bytes).
    /// </summary>
    public static Dictionary<int, JitLoopIdiom> Find(Instruction[] code, ulong[] wideValues, bool[] starts, bool[] branchedTo)
    {
        var found = new Dictionary<int, JitLoopIdiom>();
        for (int pc = 0; pc < code.Length; pc++)
        {
            if (!starts[pc]) continue;
            var insn = code[pc];
            if (insn.Class != OpClass.Jmp || insn.UsesSrcRegister) continue;
            var op = (JmpOp)insn.Operation;
            int head, exit, compare = pc;
            if (op == JmpOp.Jne && insn.Offset < 0)
            {
                head = pc + 1 + insn.Offset;
                exit = pc + 1;
            }
            else if (op == JmpOp.Jeq && insn.Offset == 1 && pc + 1 < code.Length && code[pc + 1].Opcode == OpCodes.Ja && code[pc + 1].Offset < 0)
            {
                head = pc + 2 + code[pc + 1].Offset;
                exit = pc + 2;
                if (branchedTo[pc + 1]) continue;
            }
            else continue;
            if (head < 0 || head >= compare) continue;
            if (Match(code, wideValues, starts, branchedTo, head, compare, exit) is { } idiom) found[head] = idiom;
        }
        return found;
    }

    private static JitLoopIdiom? Match(Instruction[] code, ulong[] wideValues, bool[] starts, bool[] branchedTo, int head, int compare, int exit)
    {
        var latch = code[compare];
        int counter = latch.Dst;
        // Registers the body writes: their values at an iteration's start are carried from the last iteration.
        ushort written = 0;
        for (int pc = head; pc < compare; pc++)
        {
            if (!starts[pc]) continue;
            if (pc > head && branchedTo[pc]) return null;
            var insn = code[pc];
            if (insn.Class is OpClass.Alu64 or OpClass.Ldx || insn.Opcode == OpCodes.LdDw) written |= (ushort)(1 << insn.Dst);
            else if (insn.Class != OpClass.Stx || insn.Mode != AccessMode.Mem) return null;
        }
        if (branchedTo[compare] || (written & (1 << counter)) == 0 || (written & (1 << Registers.FramePointer)) != 0) return null;

        var values = new JitLoopValue[Registers.Count];
        for (int r = 0; r < values.Length; r++)
            values[r] = r == counter ? new JitLoopValue(0, -1, true) : (written & (1 << r)) != 0 ? new JitLoopValue(0, -1, false, Carried: true, Accumulator: r) : JitLoopValue.Entry(r);
        var loads = new List<JitLoopAccess>();
        var stores = new List<(JitLoopAccess Access, int Load)>();
        for (int pc = head; pc < compare; pc += ProgramDecoder.SlotCount(code[pc]))
            if (!Evaluate(code[pc], wideValues[pc], values, loads, stores)) return null;
        var end = values[counter];
        if (!end.IsLinear || !end.Counted || end.Base >= 0 || end.Constant <= 0 || end.Constant > 64 || loads.Count != 1) return null;
        int step = (int)end.Constant;
        var source = loads[0];
        if (source.Size != step) return null;
        var finals = new List<(int, JitLoopValue)>();
        int accumulator = -1;
        for (int r = 0; r < values.Length; r++)
        {
            if ((written & (1 << r)) == 0) continue;
            var v = values[r];
            if (v.Carried) return null; // written only from itself: not a shape handled here
            if (v.Accumulator >= 0)
            {
                if (accumulator >= 0 || v.Accumulator != r) return null;
                accumulator = r;
            }
            finals.Add((r, v));
        }
        JitLoopIdiomKind kind;
        JitLoopAccess? destination = null;
        if (stores.Count == 1 && accumulator < 0 && stores[0].Access.Size == step && stores[0].Load == 0)
        {
            kind = JitLoopIdiomKind.Copy;
            destination = stores[0].Access;
        }
        else if (stores.Count == 0 && accumulator >= 0)
        {
            kind = JitLoopIdiomKind.Sum;
        }
        else return null;
        return new JitLoopIdiom(head, exit - 1, exit, kind, counter, code[compare].Imm, step, source, destination, accumulator, finals);
    }

    /// <summary>
    /// Advances the symbolic <paramref name="values"/> of the registers over one straight-line instruction of a loop
    /// body (recording its loads and stores); false for anything outside the model.
    /// </summary>
    internal static bool Evaluate(Instruction insn, ulong wideValue, JitLoopValue[] values, List<JitLoopAccess> loads,
        List<(JitLoopAccess Access, int Load)> stores)
    {
        var dst = values[insn.Dst];
        if (insn.Opcode == OpCodes.LdDw)
        {
            values[insn.Dst] = new JitLoopValue((long)wideValue, -1, false);
            return true;
        }
        switch (insn.Class)
        {
            case OpClass.Alu64 when (AluOp)insn.Operation == AluOp.Mov && insn.Offset == 0:
                if (!insn.UsesSrcRegister) values[insn.Dst] = new JitLoopValue(insn.Imm, -1, false);
                else if (values[insn.Src].Carried) return false;
                else values[insn.Dst] = values[insn.Src];
                break;
            case OpClass.Alu64 when (AluOp)insn.Operation == AluOp.Add:
                if (!insn.UsesSrcRegister)
                {
                    if (!dst.IsLinear) return false;
                    values[insn.Dst] = dst with { Constant = dst.Constant + insn.Imm };
                    break;
                }
                var src = values[insn.Src];
                if (dst.Carried && dst.Load < 0 && src.Load >= 0 && src.Accumulator < 0 && !src.Carried)
                    values[insn.Dst] = dst with { Load = src.Load, Carried = false }; // accumulator += loaded element
                else if (dst.IsLinear && src.IsLinear && !(dst.Counted && src.Counted) && (dst.Base < 0 || src.Base < 0))
                    values[insn.Dst] = new JitLoopValue(dst.Constant + src.Constant, Math.Max(dst.Base, src.Base), dst.Counted || src.Counted);
                else return false;
                break;
            case OpClass.Ldx when insn.Mode == AccessMode.Mem:
                var address = values[insn.Src];
                if (!address.IsLinear || !address.Counted) return false;
                loads.Add(new JitLoopAccess(address with { Constant = address.Constant + insn.Offset }, insn.AccessSize.Bytes()));
                values[insn.Dst] = new JitLoopValue(0, -1, false, Load: loads.Count - 1);
                break;
            case OpClass.Stx:
                var to = values[insn.Dst];
                var value = values[insn.Src];
                if (!to.IsLinear || !to.Counted || value.Load < 0 || value.Accumulator >= 0) return false;
                stores.Add((new JitLoopAccess(to with { Constant = to.Constant + insn.Offset }, insn.AccessSize.Bytes()), value.Load));
                break;
            default:
                return false;
        }
        return true;
    }
}
