using Ebpf.Platform;
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
/// <para>
/// The same holds for stack bytes, when the fixpoint says what each instruction may read (<see cref="StackAccess"/>):
/// a byte is live when some path reads it before a store certainly overwrites it, and relevant when that read is an
/// atomic operation's or a load into a register that is relevant after it (a helper reads memory only as initialized
/// numbers: a key's or a record's value decides no check). A store's value is then relevant only when it may land in
/// relevant stack bytes (a number stored anywhere else is never read back as more than a number). The path pass makes dead
/// bytes "anything" (a pointer or a number: they are never read) and forgets the values of numbers in bytes that
/// are not relevant, as the kernel's stack-slot liveness and precision marks do. As for registers, forgetting only
/// widens the state the path pass goes on to explore, so a read this analysis missed costs a refusal, never a wrong
/// acceptance; the fixpoint's states (which cover every execution) are what make the reads it finds complete.
/// </para>
/// </summary>
internal sealed class RegisterRelevance
{
    private const ushort ArgumentRegisters = 0b11_1110;      // r1-r5
    private const ushort CalleeSaved = 0b11_1100_0000;       // r6-r9
    private const ushort FramePointer = 1 << 10;

    private readonly ushort[] _live;
    private readonly ushort[] _relevant;
    /// <summary>Per block, live and relevant stack bytes (one bit per byte of the whole stack); null without stack accesses.</summary>
    private readonly ulong[][]? _liveStack;
    private readonly ulong[][]? _relevantStack;

    private RegisterRelevance(int blocks, int stackWords)
    {
        _live = new ushort[blocks];
        _relevant = new ushort[blocks];
        if (stackWords == 0) return;
        _liveStack = new ulong[blocks][];
        _relevantStack = new ulong[blocks][];
        for (int i = 0; i < blocks; i++)
        {
            _liveStack[i] = new ulong[stackWords];
            _relevantStack[i] = new ulong[stackWords];
        }
    }

    public ushort LiveAt(CfgBlock b) => _live[b.Id];
    public ushort RelevantAt(CfgBlock b) => _relevant[b.Id];
    /// <summary>Stack bytes live at the block's start, or null when every byte must be taken as live.</summary>
    public ulong[]? LiveStackAt(CfgBlock b) => _liveStack?[b.Id];
    public ulong[]? RelevantStackAt(CfgBlock b) => _relevantStack?[b.Id];

    /// <param name="accesses">Per block and instruction, its stack accesses; null: the stack is all live.</param>
    /// <param name="helpers">The helpers' prototypes: a helper's <see cref="ArgumentType.Anything"/> arguments are not
    /// relevant at its call. Null, or a helper not found: every argument register is.</param>
    public static RegisterRelevance Compute(ControlFlowGraph cfg, StackAccess[][]? accesses = null, int stackBytes = 0,
        Func<int, HelperPrototype?>? helpers = null)
    {
        int words = accesses is null ? 0 : (stackBytes + 63) / 64;
        var result = new RegisterRelevance(cfg.Blocks.Count, words);
        var exits = LoopExits(cfg);
        var liveStack = new ulong[words];
        var relevantStack = new ulong[words];
        bool changed = true;
        while (changed)
        {
            changed = false;
            for (int i = cfg.Order.Count - 1; i >= 0; i--)
            {
                var b = cfg.Order[i];
                ushort live = 0, relevant = 0;
                Array.Clear(liveStack);
                Array.Clear(relevantStack);
                foreach (var e in b.Successors)
                {
                    live |= result._live[e.Target];
                    relevant |= result._relevant[e.Target];
                    if (accesses is not null)
                    {
                        Or(liveStack, result._liveStack![e.Target]);
                        Or(relevantStack, result._relevantStack![e.Target]);
                    }
                    // A callee's exit returns to the caller's r6-r9 as they were before the call, and its r0 is the
                    // caller's result: keep the caller's callee-saved registers (and everything) through calls.
                    if (e.Kind is EdgeKind.CallEnter or EdgeKind.Return or EdgeKind.CallbackEnter or EdgeKind.CallbackReturn)
                    {
                        live |= CalleeSaved | 1;
                        relevant |= CalleeSaved | 1;
                    }
                }
                if (b.IsProgramExit) live |= 1; // the result is checked to be a number; its value does not matter
                for (int k = b.Pcs.Count - 1; k >= 0; k--)
                {
                    bool storedValueMatters = true;
                    if (accesses is not null)
                    {
                        var access = accesses[b.Id][k];
                        storedValueMatters = access.StoreMayHitStack && AnySet(relevantStack, access.StoreStart, access.StoreEnd);
                        StepStack(access, relevant, liveStack, relevantStack);
                    }
                    Step(cfg.Program.Slots[b.Pcs[k]]!, exits[b.Id], storedValueMatters, helpers, ref live, ref relevant);
                }
                live |= FramePointer;
                if (live != result._live[b.Id] || relevant != result._relevant[b.Id])
                {
                    result._live[b.Id] = live;
                    result._relevant[b.Id] = relevant;
                    changed = true;
                }
                if (accesses is not null &&
                    (!liveStack.AsSpan().SequenceEqual(result._liveStack![b.Id]) || !relevantStack.AsSpan().SequenceEqual(result._relevantStack![b.Id])))
                {
                    liveStack.CopyTo(result._liveStack![b.Id], 0);
                    relevantStack.CopyTo(result._relevantStack![b.Id], 0);
                    changed = true;
                }
            }
        }
        return result;
    }

    private static ushort Bit(int r) => (ushort)(1 << r);

    private static void Or(ulong[] into, ulong[] from)
    {
        for (int i = 0; i < into.Length; i++) into[i] |= from[i];
    }

    /// <summary>
    /// Backward transfer of one instruction's stack accesses, given the registers relevant after it: a certain
    /// overwrite kills, then reads make live (and relevant, unless it is a load into an irrelevant register).
    /// </summary>
    private static void StepStack(StackAccess access, ushort relevantAfter, ulong[] live, ulong[] relevant)
    {
        SetBits(live, access.KillStart, access.KillEnd, false);
        SetBits(relevant, access.KillStart, access.KillEnd, false);
        bool matters = access.ReadValueInto switch
        {
            StackAccess.ValueMatters => true,
            StackAccess.ValueIgnored => false,
            var r => (relevantAfter & Bit(r)) != 0,
        };
        foreach (var (start, end) in access.Reads)
        {
            SetBits(live, start, end, true);
            if (matters) SetBits(relevant, start, end, true);
        }
    }

    private static bool AnySet(ulong[] bits, int start, int end)
    {
        for (int o = start; o < end; o++)
        {
            if ((bits[o >> 6] >> (o & 63) & 1) != 0) return true;
        }
        return false;
    }

    private static void SetBits(ulong[] bits, int start, int end, bool value)
    {
        while (start < end)
        {
            int word = start >> 6, from = start & 63, to = Math.Min(64, from + end - start);
            ulong mask = (to == 64 ? ulong.MaxValue : (1UL << to) - 1) & ~((1UL << from) - 1);
            if (value) bits[word] |= mask;
            else bits[word] &= ~mask;
            start += to - from;
        }
    }

    /// <summary>
    /// Backward transfer of one instruction: what must be live and relevant before it. A store's value matters when
    /// <paramref name="storedValueMatters"/>: it may land in relevant stack bytes (what it writes elsewhere is a
    /// number whose value no check reads; a pointer's type is never forgotten).
    /// </summary>
    private static void Step(IrInstruction ins, bool exitsLoop, bool storedValueMatters, Func<int, HelperPrototype?>? helpers,
        ref ushort live, ref ushort relevant)
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
            case LoadFunctionInstruction f:
                live &= (ushort)~Bit(f.Dst);
                relevant &= (ushort)~Bit(f.Dst);
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
                    if (storedValueMatters) relevant |= Bit(store.Value.Register);
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
            {
                live &= unchecked((ushort)~(ArgumentRegisters | 1));
                relevant &= unchecked((ushort)~(ArgumentRegisters | 1));
                live |= ArgumentRegisters;
                relevant |= ins is CallHelperInstruction h && helpers?.Invoke(h.HelperId) is { } proto
                    ? HelperValueArguments(proto)
                    : ArgumentRegisters;
                if (ins is CallRegisterInstruction cx)
                {
                    live |= Bit(cx.Register);
                    relevant |= Bit(cx.Register);
                }
                break;
            }
            case AssumeInstruction { Condition: var c }:
                Compare(c, true, ref live, ref relevant);
                break;
            case JumpInstruction { Condition: { } c }:
                Compare(c, exitsLoop, ref live, ref relevant);
                break;
        }
    }

    /// <summary>
    /// The argument registers whose numeric value may decide a check of a call to <paramref name="proto"/>: all but
    /// those it takes as <see cref="ArgumentType.Anything"/> (an offset, flags, a cookie: the only check is that it is
    /// a number, and forgetting a value keeps its type), as the kernel marks only size-like arguments precise. Sizes
    /// and the null a "pointer or null" argument may be do matter. A register the helper does not take stays relevant
    /// as before: a comparison outside a loop makes nothing relevant, and a return code a program tests after a call
    /// (Cilium's inline-asm load and store helpers) keeps its value only because it reaches a later call.
    /// </summary>
    private static ushort HelperValueArguments(HelperPrototype proto)
    {
        ushort matters = ArgumentRegisters;
        for (int i = 0; i < HelperPrototype.MaxArguments; i++)
        {
            if (proto.Arguments[i] == ArgumentType.Anything) matters &= (ushort)~Bit(i + 1);
        }
        return matters;
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
