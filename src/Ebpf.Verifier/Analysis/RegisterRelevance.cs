using Ebpf.Verifier.Ir;

namespace Ebpf.Verifier.Analysis;

/// <summary>
/// Per block of the call-expanded CFG, the registers live at its start (read before written on some path) and those
/// whose value is relevant there: it may flow into an address, a store, a call's arguments or a comparison that can
/// leave a loop. The path pass forgets dead registers and the values of irrelevant numbers at its prune points (as
/// the kernel's liveness and precision marks let it ignore them), so paths that differ only in, say, an accumulated
/// sum or a value tested inside one iteration meet in one state. Comparisons that exit loops keep their operands:
/// they are what makes an unrolled loop end. Forgetting only widens a state, so a wrong answer here costs
/// precision, never soundness.
/// </summary>
internal sealed class RegisterRelevance
{
    private const ushort ArgumentRegisters = 0b11_1110;      // r1-r5
    private const ushort CalleeSaved = 0b11_1100_0000;       // r6-r9
    private const ushort FramePointer = 1 << 10;

    private readonly ushort[] _live;
    private readonly ushort[] _relevant;

    private RegisterRelevance(int blocks)
    {
        _live = new ushort[blocks];
        _relevant = new ushort[blocks];
    }

    public ushort LiveAt(CfgBlock b) => _live[b.Id];
    public ushort RelevantAt(CfgBlock b) => _relevant[b.Id];

    public static RegisterRelevance Compute(ControlFlowGraph cfg)
    {
        var result = new RegisterRelevance(cfg.Blocks.Count);
        var exits = LoopExits(cfg);
        bool changed = true;
        while (changed)
        {
            changed = false;
            for (int i = cfg.Order.Count - 1; i >= 0; i--)
            {
                var b = cfg.Order[i];
                ushort live = 0, relevant = 0;
                foreach (var e in b.Successors)
                {
                    live |= result._live[e.Target];
                    relevant |= result._relevant[e.Target];
                    // A callee's exit returns to the caller's r6-r9 as they were before the call, and its r0 is the
                    // caller's result: keep the caller's callee-saved registers (and everything) through calls.
                    if (e.Kind is EdgeKind.CallEnter or EdgeKind.Return)
                    {
                        live |= CalleeSaved | 1;
                        relevant |= CalleeSaved | 1;
                    }
                }
                if (b.IsProgramExit) live |= 1; // the result is checked to be a number; its value does not matter
                for (int k = b.Pcs.Count - 1; k >= 0; k--) Step(cfg.Program.Slots[b.Pcs[k]]!, exits[b.Id], ref live, ref relevant);
                live |= FramePointer;
                if (live != result._live[b.Id] || relevant != result._relevant[b.Id])
                {
                    result._live[b.Id] = live;
                    result._relevant[b.Id] = relevant;
                    changed = true;
                }
            }
        }
        return result;
    }

    private static ushort Bit(int r) => (ushort)(1 << r);

    /// <summary>Backward transfer of one instruction: what must be live and relevant before it.</summary>
    private static void Step(IrInstruction ins, bool exitsLoop, ref ushort live, ref ushort relevant)
    {
        switch (ins)
        {
            case BinaryInstruction b:
            {
                ushort dst = Bit(b.Dst);
                bool wasRelevant = (relevant & dst) != 0;
                bool reads = b.Op is not (BinaryOp.Mov or BinaryOp.MovSx8 or BinaryOp.MovSx16 or BinaryOp.MovSx32);
                if (!reads)
                {
                    live &= (ushort)~dst;
                    relevant &= (ushort)~dst;
                }
                else
                {
                    live |= dst;
                }
                if (b.Src.IsRegister)
                {
                    live |= Bit(b.Src.Register);
                    // A divisor's value decides whether the division is allowed (when division by zero is not).
                    if (wasRelevant || b.Op is BinaryOp.UDiv or BinaryOp.UMod or BinaryOp.SDiv or BinaryOp.SMod)
                        relevant |= Bit(b.Src.Register);
                }
                break;
            }
            case UnaryInstruction u:
                live |= Bit(u.Dst);
                break;
            case LoadMapInstruction m:
                live &= (ushort)~Bit(m.Dst);
                relevant &= (ushort)~Bit(m.Dst);
                break;
            case LoadMapValueInstruction mv:
                live &= (ushort)~Bit(mv.Dst);
                relevant &= (ushort)~Bit(mv.Dst);
                break;
            case MemoryInstruction { IsLoad: true } load:
            {
                ushort dst = Bit(load.Value.Register);
                live &= (ushort)~dst;
                relevant &= (ushort)~dst;
                live |= Bit(load.Base);
                relevant |= Bit(load.Base);
                break;
            }
            case MemoryInstruction store:
                live |= Bit(store.Base);
                relevant |= Bit(store.Base);
                if (store.Value.IsRegister)
                {
                    live |= Bit(store.Value.Register);
                    relevant |= Bit(store.Value.Register);
                }
                break;
            case AtomicInstruction a:
                live |= (ushort)(Bit(a.Base) | Bit(a.Src) | 1);
                relevant |= (ushort)(Bit(a.Base) | Bit(a.Src) | 1);
                break;
            case PacketLoadInstruction p:
                live &= unchecked((ushort)~(ArgumentRegisters | 1));
                relevant &= unchecked((ushort)~(ArgumentRegisters | 1));
                live |= Bit(6);
                relevant |= Bit(6);
                if (p.Register is byte r)
                {
                    live |= Bit(r);
                    relevant |= Bit(r);
                }
                break;
            case CallHelperInstruction or CallRegisterInstruction or CallLocalInstruction:
                live &= unchecked((ushort)~(ArgumentRegisters | 1));
                relevant &= unchecked((ushort)~(ArgumentRegisters | 1));
                live |= ArgumentRegisters;
                relevant |= ArgumentRegisters;
                if (ins is CallRegisterInstruction cx)
                {
                    live |= Bit(cx.Register);
                    relevant |= Bit(cx.Register);
                }
                break;
            case AssumeInstruction { Condition: var c }:
                Compare(c, true, ref live, ref relevant);
                break;
            case JumpInstruction { Condition: { } c }:
                Compare(c, exitsLoop, ref live, ref relevant);
                break;
        }
    }

    private static void Compare(Condition c, bool matters, ref ushort live, ref ushort relevant)
    {
        ushort operands = (ushort)(Bit(c.Left) | (c.Right.IsRegister ? Bit(c.Right.Register) : 0));
        live |= operands;
        if (matters) relevant |= operands;
    }

    /// <summary>
    /// Blocks with an edge out of a loop they belong to (a loop's body: its head and the blocks that reach one of its
    /// retreating edges without passing the head).
    /// </summary>
    private static bool[] LoopExits(ControlFlowGraph cfg)
    {
        int n = cfg.Blocks.Count;
        var exits = new bool[n];
        var body = new bool[n];
        var work = new Stack<int>();
        foreach (var head in cfg.Blocks)
        {
            if (!head.IsLoopHead) continue;
            Array.Clear(body);
            body[head.Id] = true;
            foreach (var e in head.Predecessors)
            {
                if (cfg.Blocks[e.Source].Order >= head.Order && !body[e.Source])
                {
                    body[e.Source] = true;
                    work.Push(e.Source);
                }
            }
            while (work.TryPop(out int id))
            {
                foreach (var e in cfg.Blocks[id].Predecessors)
                {
                    if (body[e.Source]) continue;
                    body[e.Source] = true;
                    work.Push(e.Source);
                }
            }
            for (int id = 0; id < n; id++)
            {
                if (!body[id]) continue;
                foreach (var e in cfg.Blocks[id].Successors)
                {
                    if (!body[e.Target]) exits[id] = true;
                }
            }
        }
        return exits;
    }
}
