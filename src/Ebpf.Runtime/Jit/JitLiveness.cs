using Ebpf.Isa;
using OpCodes = Ebpf.Isa.OpCodes;

namespace Ebpf.Runtime.Jit;

/// <summary>
/// Which registers (r0-r9, as bits) each instruction of a function may read before writing (live in), by backward
/// dataflow over the function's jumps. A local call reads the arguments its callee reads (all of r1-r5 unless told)
/// and writes r0; a helper call reads r1-r5 (its arity is unknown here) and writes r0; an exit reads r0. Used to decide
/// whether local calls may be real method calls (arguments: the registers the callee reads, result r0) without changing
/// what an unverified program observes.
/// </summary>
internal static class JitLiveness
{
    private const ushort Arguments = 0b11_1110; // r1-r5

    /// <summary>Live-in masks for the instructions of [<paramref name="start"/>, <paramref name="end"/>) (indexed by pc - start).</summary>
    /// <param name="calleeReads">Registers of r0-r9 the function at a pc reads, for local calls to it; absent: r1-r5.</param>
    public static ushort[] LiveIn(Instruction[] code, bool[] starts, int start, int end, IReadOnlyDictionary<int, ushort>? calleeReads = null)
    {
        var live = new ushort[end - start];
        bool changed = true;
        while (changed)
        {
            changed = false;
            for (int pc = end - 1; pc >= start; pc--)
            {
                if (!starts[pc]) continue;
                var insn = code[pc];
                var (use, def) = Effect(insn);
                if (calleeReads is not null && insn.Opcode == OpCodes.Call && insn.Src == PseudoSource.LocalCall &&
                    calleeReads.TryGetValue(pc + 1 + insn.Imm, out ushort reads))
                    use = reads;
                ushort liveOut = 0;
                foreach (int next in Successors(code, pc, insn))
                    if (next >= start && next < end) liveOut |= live[next - start];
                ushort value = (ushort)(use | (liveOut & ~def));
                if (value != live[pc - start]) { live[pc - start] = value; changed = true; }
            }
        }
        return live;
    }

    /// <summary>Where control may go after the instruction at <paramref name="pc"/> (a local call: its return site).</summary>
    internal static IEnumerable<int> Successors(Instruction[] code, int pc, Instruction insn)
    {
        int next = pc + ProgramDecoder.SlotCount(insn);
        if (insn.Class is not (OpClass.Jmp or OpClass.Jmp32)) { yield return next; yield break; }
        switch ((JmpOp)insn.Operation)
        {
            case JmpOp.Exit: yield break;
            case JmpOp.Call: yield return next; yield break; // a local call returns here
            case JmpOp.Ja: yield return pc + 1 + (insn.Class == OpClass.Jmp32 ? insn.Imm : insn.Offset); yield break;
            default: yield return pc + 1 + insn.Offset; yield return next; yield break;
        }
    }

    private static ushort Bit(int register) => register < 10 ? (ushort)(1 << register) : (ushort)0;

    /// <summary>Registers the instruction reads, and registers it certainly writes.</summary>
    public static (ushort Use, ushort Def) Effect(Instruction insn)
    {
        ushort dst = Bit(insn.Dst), src = Bit(insn.Src);
        switch (insn.Class)
        {
            case OpClass.Alu32:
            case OpClass.Alu64:
                return (AluOp)insn.Operation switch
                {
                    AluOp.Mov => (insn.UsesSrcRegister ? src : (ushort)0, dst),
                    AluOp.Neg or AluOp.End => (dst, dst),
                    _ => ((ushort)(dst | (insn.UsesSrcRegister ? src : 0)), dst),
                };
            case OpClass.Ldx: return (src, dst);
            case OpClass.St: return (dst, 0);
            case OpClass.Stx:
                if (insn.Mode != AccessMode.Atomic) return ((ushort)(dst | src), 0);
                bool cmpxchg = (AtomicOp)insn.Imm == AtomicOp.Cmpxchg;
                bool fetch = (insn.Imm & (int)AtomicOp.Fetch) != 0;
                return ((ushort)(dst | src | (cmpxchg ? 1 : 0)), (ushort)((fetch && !cmpxchg ? src : 0) | (cmpxchg ? 1 : 0)));
            case OpClass.Ld:
                if (insn.Opcode == OpCodes.LdDw) return (0, dst);
                return (insn.Mode == AccessMode.Ind ? src : (ushort)0, 1); // legacy packet loads write r0
            default:
                return (JmpOp)insn.Operation switch
                {
                    JmpOp.Ja => (0, 0),
                    JmpOp.Exit => (1, 0),
                    JmpOp.Call => ((ushort)(Arguments | (insn.UsesSrcRegister ? dst : 0)), 1),
                    _ => ((ushort)(dst | (insn.UsesSrcRegister ? src : 0)), 0),
                };
        }
    }
}
