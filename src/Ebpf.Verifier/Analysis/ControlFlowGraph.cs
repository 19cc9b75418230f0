using Ebpf.Verifier.Ir;

namespace Ebpf.Verifier.Analysis;

/// <summary>
/// The control-flow graph of a program with bpf-to-bpf calls expanded per call site (PREVAIL's approach): each call
/// context gets its own copy of the callee's blocks, so the callee is analysed in its own frame for each caller.
/// Structural errors (recursion, too deep calls, falling off the end, jumps into the middle of lddw) are collected.
/// </summary>
internal sealed class ControlFlowGraph
{
    private readonly record struct NodeKey(int Context, int Pc);
    /// <summary>A call context; <see cref="Callback"/>: entered from a callback helper's call, to which its exits return.</summary>
    private readonly record struct CallContext(int Parent, int CallSite, int Entry, int Depth, bool Callback = false);
    private readonly record struct NodeEdge(int Target, EdgeKind Kind, Condition? Assume);

    public IrProgram Program { get; }
    public List<CfgBlock> Blocks { get; } = [];
    public List<(int Pc, string Message)> Errors { get; } = [];
    public int MaxDepth { get; private set; }
    /// <summary>Blocks in reverse post-order.</summary>
    public List<CfgBlock> Order { get; } = [];
    public int LoopHeads { get; private set; }

    private ControlFlowGraph(IrProgram program) => Program = program;

    public static ControlFlowGraph Build(IrProgram program, VerifierOptions options, Func<int, Platforms.CallbackKind>? callbackOf = null)
    {
        var g = new ControlFlowGraph(program);
        g.Construct(options, callbackOf ?? (_ => Platforms.CallbackKind.None));
        return g;
    }

    private void Construct(VerifierOptions options, Func<int, Platforms.CallbackKind> callbackOf)
    {
        // The subprograms a function argument may name: every target of an lddw function reference.
        var functions = Program.Slots.OfType<LoadFunctionInstruction>().Select(f => f.Target).Distinct().Order().ToArray();
        var callbackExits = new HashSet<int>();
        var recursive = new Dictionary<int, List<int>>();
        var contexts = new List<CallContext> { new(-1, -1, 0, 0) };
        var nodeIds = new Dictionary<NodeKey, int>();
        var nodes = new List<NodeKey>();
        var edges = new List<List<NodeEdge>>();
        var exits = new HashSet<int>();
        var contextOf = new Dictionary<(int Parent, int CallSite, int Entry), int>();
        var work = new Stack<int>();

        int Node(int context, int pc)
        {
            var key = new NodeKey(context, pc);
            if (nodeIds.TryGetValue(key, out int id)) return id;
            id = nodes.Count;
            nodeIds[key] = id;
            nodes.Add(key);
            edges.Add([]);
            work.Push(id);
            return id;
        }

        bool OnStack(int context, int entry)
        {
            for (int c = context; c >= 0; c = contexts[c].Parent)
            {
                if (contexts[c].Entry == entry) return true;
            }
            return false;
        }

        int Child(int ctx, int callSite, int entry, bool callback)
        {
            if (contextOf.TryGetValue((ctx, callSite, entry), out int child)) return child;
            child = contexts.Count;
            int depth = contexts[ctx].Depth + 1;
            contexts.Add(new CallContext(ctx, callSite, entry, depth, callback));
            contextOf[(ctx, callSite, entry)] = child;
            MaxDepth = Math.Max(MaxDepth, depth);
            return child;
        }

        Node(0, 0);
        while (work.Count > 0)
        {
            int id = work.Pop();
            var (ctx, pc) = nodes[id];
            var ins = Program.Slots[pc]!;
            int next = Program.Next(pc);
            var cc = contexts[ctx];
            void FallThrough()
            {
                if (next < Program.Length) { edges[id].Add(new(Node(ctx, next), EdgeKind.Normal, null)); return; }
                if (options.MustHaveExit) Errors.Add((pc, "Control flow falls off the end of the program"));
                else if (cc.Depth == 0) exits.Add(id);
                else Errors.Add((pc, "Control flow falls off the end of a subprogram"));
            }
            int Target(int target)
            {
                if (Program.Slots[target] is null)
                {
                    Errors.Add((pc, $"jump to {target}, the middle of an lddw"));
                    return -1;
                }
                return Node(ctx, target);
            }
            switch (ins)
            {
                case JumpInstruction { Condition: null } j:
                {
                    int t = Target(j.Target);
                    if (t >= 0) edges[id].Add(new(t, EdgeKind.Normal, null));
                    break;
                }
                case JumpInstruction j:
                {
                    int t = Target(j.Target);
                    if (t >= 0) edges[id].Add(new(t, EdgeKind.Normal, j.Condition));
                    if (next < Program.Length) edges[id].Add(new(Node(ctx, next), EdgeKind.Normal, j.Condition!.Value.Negate()));
                    else if (options.MustHaveExit) Errors.Add((pc, "Control flow falls off the end of the program"));
                    else if (cc.Depth == 0) exits.Add(id);
                    break;
                }
                case ExitInstruction:
                    if (cc.Depth == 0)
                    {
                        exits.Add(id);
                        break;
                    }
                    if (cc.Callback)
                    {
                        // One call of the callback done: back to the helper's call, which may call it again or return.
                        callbackExits.Add(id);
                        edges[id].Add(new(Node(cc.Parent, cc.CallSite), EdgeKind.CallbackReturn, null));
                        break;
                    }
                    int returnPc = Program.Next(cc.CallSite);
                    if (returnPc >= Program.Length)
                    {
                        Errors.Add((cc.CallSite, "Control flow falls off the end of the program after a call"));
                        break;
                    }
                    edges[id].Add(new(Node(cc.Parent, returnPc), EdgeKind.Return, null));
                    break;
                case CallLocalInstruction call:
                {
                    if (Program.Slots[call.Target] is null)
                    {
                        Errors.Add((pc, $"call to {call.Target}, the middle of an lddw"));
                        break;
                    }
                    if (OnStack(ctx, call.Target))
                    {
                        Errors.Add((pc, "illegal recursion"));
                        break;
                    }
                    if (cc.Depth + 1 >= options.MaxCallDepth)
                    {
                        Errors.Add((pc, "too many call stack frames"));
                        break;
                    }
                    edges[id].Add(new(Node(Child(ctx, pc, call.Target, false), call.Target), EdgeKind.CallEnter, null));
                    break;
                }
                case CallHelperInstruction helper when callbackOf(helper.HelperId) != Platforms.CallbackKind.None:
                {
                    // A loop of unknown count around a call of whichever subprogram the function argument names
                    // (the entry edge keeps only the states where it names that one), then on past the call.
                    foreach (int target in functions)
                    {
                        if (OnStack(ctx, target))
                        {
                            if (!recursive.TryGetValue(id, out var list)) recursive[id] = list = [];
                            list.Add(target);
                            continue;
                        }
                        if (cc.Depth + 1 >= options.MaxCallDepth)
                        {
                            Errors.Add((pc, "too many call stack frames"));
                            break;
                        }
                        edges[id].Add(new(Node(Child(ctx, pc, target, true), target), EdgeKind.CallbackEnter, null));
                    }
                    if (next < Program.Length) edges[id].Add(new(Node(ctx, next), EdgeKind.CallbackDone, null));
                    else Errors.Add((pc, "Control flow falls off the end of the program after a call"));
                    break;
                }
                case InvalidInstruction:
                    break;
                default:
                    FallThrough();
                    break;
            }
        }

        // Group nodes into basic blocks.
        int n = nodes.Count;
        var predCount = new int[n];
        var plainSinglePred = new bool[n];
        for (int i = 0; i < n; i++)
        {
            foreach (var e in edges[i]) predCount[e.Target]++;
        }
        for (int i = 0; i < n; i++)
        {
            if (edges[i].Count == 1 && edges[i][0] is { Kind: EdgeKind.Normal, Assume: null } e && predCount[e.Target] == 1 && e.Target != 0)
                plainSinglePred[e.Target] = true;
        }
        var blockOf = new int[n];
        Array.Fill(blockOf, -1);
        for (int i = 0; i < n; i++)
        {
            if (plainSinglePred[i] || blockOf[i] >= 0) continue;
            var (ctx, _) = nodes[i];
            var block = new CfgBlock(Blocks.Count, contexts[ctx].Depth, ctx);
            Blocks.Add(block);
            int cur = i;
            while (true)
            {
                blockOf[cur] = block.Id;
                block.Pcs.Add(nodes[cur].Pc);
                if (edges[cur].Count == 1 && plainSinglePred[edges[cur][0].Target] && blockOf[edges[cur][0].Target] < 0)
                {
                    cur = edges[cur][0].Target;
                    continue;
                }
                break;
            }
            if (exits.Contains(cur)) block.IsProgramExit = true;
            if (callbackExits.Contains(cur)) block.IsCallbackExit = true;
            if (recursive.TryGetValue(cur, out var targets)) block.RecursiveCallbacks = targets;
            foreach (var e in edges[cur]) block.Successors.Add(new CfgEdge(block.Id, e.Target, e.Kind, e.Assume));
        }
        // Nodes in a cycle of plain single-predecessor edges have no leader; make each such cycle a block.
        for (int i = 0; i < n; i++)
        {
            if (blockOf[i] >= 0) continue;
            plainSinglePred[i] = false;
            var (ctx, _) = nodes[i];
            var block = new CfgBlock(Blocks.Count, contexts[ctx].Depth, ctx);
            Blocks.Add(block);
            int cur = i;
            while (true)
            {
                blockOf[cur] = block.Id;
                block.Pcs.Add(nodes[cur].Pc);
                if (edges[cur].Count == 1 && plainSinglePred[edges[cur][0].Target] && blockOf[edges[cur][0].Target] < 0)
                {
                    cur = edges[cur][0].Target;
                    continue;
                }
                break;
            }
            if (exits.Contains(cur)) block.IsProgramExit = true;
            if (callbackExits.Contains(cur)) block.IsCallbackExit = true;
            if (recursive.TryGetValue(cur, out var targets)) block.RecursiveCallbacks = targets;
            foreach (var e in edges[cur]) block.Successors.Add(new CfgEdge(block.Id, e.Target, e.Kind, e.Assume));
        }
        foreach (var b in Blocks)
        {
            for (int k = 0; k < b.Successors.Count; k++)
            {
                var e = b.Successors[k];
                var mapped = e with { Target = blockOf[e.Target] };
                b.Successors[k] = mapped;
                Blocks[mapped.Target].Predecessors.Add(mapped);
            }
        }
        ComputeOrder();
    }

    /// <summary>Reverse post-order from the entry, and loop heads (targets of retreating edges) for widening.</summary>
    private void ComputeOrder()
    {
        int n = Blocks.Count;
        var state = new byte[n]; // 0 new, 1 on stack, 2 done
        var post = new List<CfgBlock>(n);
        var stack = new Stack<(int Block, int NextEdge)>();
        stack.Push((0, 0));
        state[0] = 1;
        while (stack.Count > 0)
        {
            var (b, k) = stack.Pop();
            var succ = Blocks[b].Successors;
            if (k < succ.Count)
            {
                stack.Push((b, k + 1));
                int t = succ[k].Target;
                if (state[t] == 0)
                {
                    state[t] = 1;
                    stack.Push((t, 0));
                }
                else if (state[t] == 1)
                {
                    // A callback helper's call is a loop head for widening, but the helper bounds its calls
                    // (bpf_loop's cap, a map's elements): only a loop of the program's own needs a counter.
                    Blocks[t].IsLoopHead = true;
                    if (succ[k].Kind != EdgeKind.CallbackReturn && Blocks[t].LoopCounter < 0)
                        Blocks[t].LoopCounter = LoopHeads++;
                }
                continue;
            }
            state[b] = 2;
            post.Add(Blocks[b]);
        }
        for (int i = post.Count - 1; i >= 0; i--)
        {
            post[i].Order = Order.Count;
            Order.Add(post[i]);
        }
    }
}
