using System.Collections.Immutable;
using Ebpf.Verifier.Domains;
using Ebpf.Verifier.Ir;

namespace Ebpf.Verifier.Analysis;

/// <summary>
/// The second pass, run when the fixpoint cannot prove a program: the kernel's way, paths explored one by one (no
/// joins, loops unrolled iteration by iteration) with the same transformers and checks, within an instruction budget
/// (<see cref="VerifierOptions.MaxExploredInstructions"/>, scaled down for large zones). A state bound for a join or
/// loop head is first abstracted: dead registers and stack bytes become "anything", and the numbers (in registers
/// and stack cells) that no address, stored-to-stack value, call or loop exit depends on lose their values
/// (<see cref="RegisterRelevance"/>, the kernel's liveness and precision marks). It is then dropped when a state
/// explored there, or one still waiting there, includes it.
/// <para>
/// Why that is sound: the abstraction only widens, and the widened state is the one explored (and kept), so
/// whatever the liveness says, the kept and waiting states cover every reachable state (an inductive invariant, as a
/// fixpoint's is): a wrong liveness could only cost precision. Termination: with it checked, the iteration counters
/// stay in the states, exact on each path, and are bounded at every loop head as in the fixpoint, so the invariant
/// bounds every loop per entry; an endless loop exceeds that bound or the budget.
/// </para>
/// <para>
/// Order: by loop iterations (outer loops first), then reverse post-order, so the paths through one iteration meet at
/// its joins before the next iteration starts, and the states kept per block can be few.
/// </para>
/// </summary>
internal sealed partial class Analyzer
{
    /// <summary>States kept per prune point at most; the oldest goes first.</summary>
    private const int StatesPerPrunePoint = 16;
    /// <summary>Bytes of kept states over all prune points: with many prune points each keeps fewer.</summary>
    private const long KeptStateBytes = 96L << 20;
    /// <summary>States waiting to be explored before the pass gives up (each is a full abstract state).</summary>
    private const int MaxPendingPaths = 4096;
    /// <summary>
    /// Bytes of waiting states: with large zones (deep calls) fewer may wait. Paths that multiply faster than
    /// they meet again are how a program too complex for this pass shows itself; giving up then costs less than
    /// the budget (and memory) a hopeless exploration would take.
    /// </summary>
    private const long PendingStateBytes = 16L << 20;
    private const int MinPendingPaths = 128;

    /// <summary>
    /// A state waiting at the start of a block, with the iterations of each loop on its path (by head rank).
    /// <see cref="Superseded"/>: a state waiting at the same block that includes it came later; it is not explored.
    /// </summary>
    private sealed record PathItem(CfgBlock Block, AbstractState State, int[] Iterations)
    {
        public bool Superseded { get; set; }
    }

    /// <summary>How the path pass ended: proven, or why not.</summary>
    internal readonly record struct PathOutcome(bool Proven, string Reason, long Instructions, AbstractState? Exit,
        Dictionary<int, AbstractState>? States);

    private bool IsPrunePoint(CfgBlock b) => b.IsLoopHead || b.Predecessors.Count > 1;

    internal PathOutcome ExplorePaths()
    {
        var sink = new List<Transformer.Finding>();
        var relevance = RegisterRelevance.Compute(_cfg, _options.PathsOnly ? null : StackAccesses(), _stackTop, _platform.FindHelper);
        var recorded = _options.RecordStates ? new Dictionary<int, AbstractState>() : null;
        // Loop heads ranked by reverse post-order: an outer loop's head comes before its inner loops'.
        var heads = _cfg.Blocks.Where(b => b.IsLoopHead).OrderBy(b => b.Order).ToList();
        var rank = new int[_cfg.Blocks.Count];
        for (int i = 0; i < heads.Count; i++) rank[heads[i].Id] = i;

        int prunePoints = Math.Max(1, _cfg.Blocks.Count(IsPrunePoint));
        long stateBytes = (long)_initial.Zone.Size * _initial.Zone.Size * 16 + 4096;
        int keep = (int)Math.Clamp(KeptStateBytes / stateBytes / prunePoints, 2, StatesPerPrunePoint);
        int maxPending = (int)Math.Clamp(PendingStateBytes / stateBytes, MinPendingPaths, MaxPendingPaths);
        var kept = new List<AbstractState>?[_cfg.Blocks.Count];
        var waiting = new List<PathItem>?[_cfg.Blocks.Count];

        var queue = new PriorityQueue<PathItem, PathItem>(Comparer<PathItem>.Create(ComparePaths));
        Enqueue(new PathItem(_cfg.Blocks[0], _initial.Clone(), new int[heads.Count]));
        AbstractState? exit = null;
        long size = Math.Max(_initial.Zone.Size, VerifierOptions.PathBudgetReferenceVariables);
        long budget = _options.MaxExploredInstructions * VerifierOptions.PathBudgetReferenceVariables * VerifierOptions.PathBudgetReferenceVariables / (size * size);
        long executed = 0;

        while (queue.TryDequeue(out var item, out _))
        {
            var (b, s, iterations) = item;
            if (item.Superseded) continue;
            if (IsPrunePoint(b))
            {
                waiting[b.Id]!.Remove(item);
                var list = kept[b.Id] ??= [];
                if (list.Exists(s.IsIncludedIn)) continue;
                if (Counted(b) && list.Count > 0 && RepeatsButForCounters(s, list[^1]))
                    return Failed($"the loop at {b.Pcs[0]} repeats a state: it may not terminate");
                if (list.Count == keep) list.RemoveAt(0);
                list.Add(s.Clone());
            }
            if (Counted(b))
            {
                _transformer.CountIteration(s, _layout.LoopCounter(b.LoopCounter), b.Pcs[0], _options.MaxLoopIterations, sink);
                if (sink.Count > 0) return Failed($"at {sink[0].Pc}: {sink[0].Message}");
            }
            foreach (int pc in b.Pcs)
            {
                if (s.IsBottom) break;
                if (++executed > budget) return Failed($"more than {budget} instructions explored");
                if (recorded is not null) Record(recorded, pc, s);
                _transformer.Execute(s, b.Depth, pc, _program.Slots[pc]!, sink);
                if (sink.Count > 0) return Failed($"at {sink[0].Pc}: {sink[0].Message}");
            }
            if (s.IsBottom) continue;
            if (b.IsCallbackExit || b.RecursiveCallbacks is not null)
            {
                CheckCallbacks(b, s.Clone(), sink);
                if (sink.Count > 0) return Failed($"at {sink[0].Pc}: {sink[0].Message}");
            }
            if (b.IsProgramExit)
            {
                int last = b.Pcs[^1];
                if (_options.ReturnValueMustBeNumber && _program.Slots[last] is ExitInstruction)
                {
                    _transformer.CheckReturnValue(s, last, sink);
                    if (sink.Count > 0) return Failed($"at {last}: {sink[0].Message}");
                }
                if (_options.RequireReferencesReleased && _program.Slots[last] is ExitInstruction)
                {
                    _transformer.CheckReferencesReleased(s, last, sink);
                    if (sink.Count > 0) return Failed($"at {last}: {sink[0].Message}");
                }
                if (exit is null) exit = s.Clone();
                else exit.JoinWith(s);
            }
            foreach (var e in b.Successors)
            {
                var next = ApplyEdge(e, s);
                if (next.IsBottom) continue;
                var to = _cfg.Blocks[e.Target];
                var counts = iterations;
                if (to.IsLoopHead)
                {
                    counts = (int[])iterations.Clone();
                    counts[rank[to.Id]] = b.Order < to.Order ? 0 : counts[rank[to.Id]] + 1;
                }
                Enqueue(new PathItem(to, next, counts));
            }
            if (queue.Count > maxPending) return Failed($"more than {maxPending} paths pending");
        }
        return new PathOutcome(true, "", executed, exit, recorded);

        PathOutcome Failed(string reason) => new(false, reason, executed, null, null);

        // A state for a prune point is abstracted at once, and dropped when a state explored there or waiting there
        // includes it: paths that fan out before they meet wait as few distinct states. A waiting state it includes
        // is superseded (its paths are covered by this one's).
        void Enqueue(PathItem path)
        {
            var to = path.Block;
            if (IsPrunePoint(to))
            {
                _transformer.ForgetRegisters(path.State, relevance.LiveAt(to), relevance.RelevantAt(to));
                if (relevance.LiveStackAt(to) is { } liveStack)
                    path.State.Stack.ForgetDeadAndIrrelevant(liveStack, relevance.RelevantStackAt(to)!);
                if (kept[to.Id] is { } explored && explored.Exists(path.State.IsIncludedIn)) return;
                var others = waiting[to.Id] ??= [];
                foreach (var other in others)
                {
                    if (path.State.IsIncludedIn(other.State)) return;
                }
                foreach (var other in others)
                {
                    if (other.State.IsIncludedIn(path.State)) other.Superseded = true;
                }
                others.RemoveAll(o => o.Superseded);
                others.Add(path);
            }
            queue.Enqueue(path, path);
        }
    }

    /// <summary>Per block of the CFG and instruction, its stack accesses as the fixpoint's states say (see <see cref="RegisterRelevance"/>).</summary>
    private StackAccess[][] StackAccesses()
    {
        var result = new StackAccess[_cfg.Blocks.Count][];
        foreach (var b in _cfg.Blocks)
        {
            var accesses = result[b.Id] = new StackAccess[b.Pcs.Count];
            var s = _in[b.Id]?.Clone();
            for (int k = 0; k < b.Pcs.Count; k++)
            {
                if (s is null || s.IsBottom)
                {
                    accesses[k] = StackAccess.None;
                    continue;
                }
                var ins = _program.Slots[b.Pcs[k]]!;
                accesses[k] = _transformer.DescribeStackAccess(s, b.Depth, ins);
                _transformer.Execute(s, b.Depth, b.Pcs[k], ins, null);
            }
        }
        return result;
    }

    /// <summary>
    /// True when <paramref name="s"/> equals <paramref name="earlier"/> but for the iteration counters: the loop came
    /// back to where it was, and exploring on would repeat it (the kernel's "infinite loop detected").
    /// </summary>
    private bool RepeatsButForCounters(AbstractState s, AbstractState earlier)
    {
        int first = _layout.LoopCounter(0), count = _layout.LoopCounters;
        return s.IsIncludedIn(earlier, first, count) && earlier.IsIncludedIn(s, first, count);
    }

    private static int ComparePaths(PathItem a, PathItem b)
    {
        for (int i = 0; i < a.Iterations.Length; i++)
        {
            int c = a.Iterations[i].CompareTo(b.Iterations[i]);
            if (c != 0) return c;
        }
        return a.Block.Order.CompareTo(b.Block.Order);
    }

    private static void Record(Dictionary<int, AbstractState> recorded, int pc, AbstractState s)
    {
        if (recorded.TryGetValue(pc, out var seen)) seen.JoinWith(s);
        else recorded[pc] = s.Clone();
    }

    /// <summary>The states recorded by the path pass, formatted as the fixpoint's are.</summary>
    internal ImmutableDictionary<int, string> FormatStates(Dictionary<int, AbstractState> recorded)
    {
        var depthOf = new Dictionary<int, int>();
        foreach (var b in _cfg.Blocks)
            foreach (int pc in b.Pcs) depthOf.TryAdd(pc, b.Depth);
        return recorded.ToImmutableDictionary(kv => kv.Key, kv => StateFormatter.Format(kv.Value, _layout, depthOf[kv.Key]));
    }
}
