using System.Collections.Immutable;
using Ebpf.Platform;
using Ebpf.Verifier.Domains;
using Ebpf.Verifier.Ir;
using Ebpf.Verifier.Platforms;

namespace Ebpf.Verifier.Analysis;

/// <summary>
/// Forward abstract interpretation over the call-expanded CFG: chaotic iteration in reverse post-order with widening
/// (with thresholds) at loop heads, two descending (narrowing) passes, a final ascending pass that re-establishes a
/// post-fixpoint, then a checking pass that reports every failed safety condition once per instruction. What the
/// fixpoint cannot prove goes to a path-sensitive second pass (Analyzer.Paths.cs).
/// </summary>
internal sealed partial class Analyzer
{
    private const int WideningDelay = 1;
    /// <summary>
    /// Widenings per loop head that stop at every constant of the program; later ones stop only at the constants
    /// branches compare with (loop bounds). A program with thousands of constants (a hash round unrolled) would
    /// otherwise climb them one iteration of the whole loop at a time.
    /// </summary>
    private const int ThresholdWidenings = 12;
    private const int NarrowingPasses = 2;

    private readonly IrProgram _program;
    private readonly IVerifierPlatform _platform;
    private readonly VerifierOptions _options;
    private readonly ControlFlowGraph _cfg;
    private readonly VariableLayout _layout;
    private readonly Transformer _transformer;
    private readonly long[] _thresholds;
    private readonly long[] _conditionThresholds;
    private readonly AbstractState?[] _in;
    private readonly AbstractState?[] _out;
    private readonly int[] _visits;
    private readonly int _stackTop;
    private AbstractState _initial = null!;

    public Analyzer(IrProgram program, IVerifierPlatform platform, VerifierOptions options)
    {
        _program = program;
        _platform = platform;
        _options = options;
        _cfg = ControlFlowGraph.Build(program, options, platform.CallbackOf);
        _layout = new VariableLayout(1, options.CheckTermination ? _cfg.LoopHeads : 0, _cfg.MaxDepth);
        _transformer = new Transformer(platform, options, _layout);
        _thresholds = CollectThresholds(program, options, conditionsOnly: false);
        _conditionThresholds = CollectThresholds(program, options, conditionsOnly: true);
        _in = new AbstractState?[_cfg.Blocks.Count];
        _out = new AbstractState?[_cfg.Blocks.Count];
        _visits = new int[_cfg.Blocks.Count];
        _stackTop = Isa.Registers.StackSize * options.MaxCallDepth;
    }

    public VariableLayout Layout => _layout;

    /// <summary>The zone variable counting entries of the entry function's loop head at <paramref name="pc"/>.</summary>
    public int? LoopCounterVariable(int pc)
    {
        if (_layout.LoopCounters == 0) return null;
        foreach (var b in _cfg.Blocks)
        {
            if (Counted(b) && b.Depth == 0 && b.Pcs[0] == pc) return _layout.LoopCounter(b.LoopCounter);
        }
        return null;
    }

    /// <summary>A state with every register uninitialized and nothing known: the base of initial states.</summary>
    public AbstractState CreateEmptyState() => new(_layout, 0, _stackTop);

    /// <summary>The usual entry state: r1 = context, r10 = top of the stack, packet size within bounds.</summary>
    public AbstractState CreateEntryState()
    {
        var s = CreateEmptyState();
        var z = s.Zone;
        var nonNull = new Interval(1, Interval.TwoTo64 - 1);
        var arguments = _options.EntryArguments.IsDefault ? [FunctionArgument.Context] : _options.EntryArguments;
        for (int i = 0; i < arguments.Length && i < 5; i++)
        {
            int r = i + 1;
            var a = arguments[i];
            switch (a.Kind)
            {
                case FunctionArgumentKind.Context:
                    s.SetKind(0, r, new RegisterKind(TypeFlags.Context, RegisterKind.UnknownMap, Interval.Bottom));
                    z.Assign(_layout.Offset(0, r), Interval.Const(0));
                    z.Assign(_layout.UValue(0, r), nonNull);
                    break;
                case FunctionArgumentKind.Memory:
                    // Memory the caller owns, of the parameter's size: like a map value, numbers only, null-checkable.
                    s.SetKind(0, r, new RegisterKind(TypeFlags.Shared, RegisterKind.UnknownMap, Interval.Const(a.Size)));
                    z.Assign(_layout.Offset(0, r), Interval.Const(0));
                    z.Assign(_layout.UValue(0, r), a.Nullable ? Interval.Unsigned64 : nonNull);
                    break;
                default:
                    s.SetKind(0, r, RegisterKind.Number);
                    z.Assign(_layout.SValue(0, r), Interval.Signed64);
                    z.Assign(_layout.UValue(0, r), Interval.Unsigned64);
                    break;
            }
        }
        s.SetKind(0, 10, new RegisterKind(TypeFlags.Stack, RegisterKind.UnknownMap, Interval.Bottom));
        z.Assign(_layout.Offset(0, 10), Interval.Const(_stackTop));
        z.Assign(_layout.UValue(0, 10), nonNull);
        z.Assign(VariableLayout.PacketSize, new Interval(0, _options.MaxPacketSize));
        z.Assign(VariableLayout.MetaOffset, Transformer.InitialMetaOffset(_platform.Context));
        return s;
    }

    public VerificationResult Run(AbstractState? initial)
    {
        var diagnostics = new List<Diagnostic>();
        if (_cfg.Errors.Count > 0)
        {
            foreach (var (pc, message) in _cfg.Errors.Distinct())
                diagnostics.Add(MakeDiagnostic(pc, DiagnosticSeverity.Error, message, null));
            return new VerificationResult([.. diagnostics], null, _cfg.LoopHeads, null, _cfg.Blocks.Count, null);
        }
        _initial = initial ?? CreateEntryState();
        for (int i = 0; i < _layout.LoopCounters; i++) _initial.Zone.Assign(_layout.LoopCounter(i), Interval.Const(0));

        if (_options.PathsOnly)
        {
            var only = new VerificationResult([], null, _cfg.LoopHeads, null, _cfg.Blocks.Count, null);
            var explored = ExplorePaths();
            return explored.Proven
                ? only.WithPathExploration([], explored.Instructions, null,
                    explored.States is null ? null : FormatStates(explored.States), new AnalysisOutcome(explored.Exit, _layout))
                : only.WithPathExploration([MakeDiagnostic(-1, DiagnosticSeverity.Error, "Path exploration failed: " + explored.Reason, null)],
                    explored.Instructions, explored.Reason, null, null);
        }
        Ascend();
        if (_cfg.LoopHeads > 0)
        {
            // Without loops one pass in reverse post-order is already the least fixpoint.
            for (int pass = 0; pass < NarrowingPasses; pass++) Descend();
            Ascend(allBlocks: true);
        }
        var result = Check(diagnostics);
        if (result.Passed || !_options.ExplorePaths) return result;
        var paths = ExplorePaths();
        if (!paths.Proven) return result.WithPathExploration(null, paths.Instructions, paths.Reason, null, null);
        // The fixpoint's objections were its imprecision: every path is safe. Its notes (unreachable code) stay.
        var notes = result.Diagnostics.Where(d => d.Severity != DiagnosticSeverity.Error).ToImmutableArray();
        return result.WithPathExploration(notes, paths.Instructions, null,
            paths.States is null ? null : FormatStates(paths.States), new AnalysisOutcome(paths.Exit, _layout));
    }

    private AbstractState ComputeIn(CfgBlock b)
    {
        AbstractState? result = b.Id == 0 ? _initial.Clone() : null;
        foreach (var e in b.Predecessors)
        {
            var o = _out[e.Source];
            if (o is null || o.IsBottom) continue;
            var edgeState = ApplyEdge(e, o);
            if (edgeState.IsBottom) continue;
            if (result is null) result = edgeState;
            else result.JoinWith(edgeState);
        }
        return result ?? AbstractState.CreateBottom(_layout, 0, _stackTop);
    }

    private AbstractState ApplyEdge(CfgEdge e, AbstractState source)
    {
        var s = source.Clone();
        var from = _cfg.Blocks[e.Source];
        switch (e.Kind)
        {
            case EdgeKind.CallEnter:
                _transformer.EnterCall(s, from.Depth);
                break;
            case EdgeKind.Return:
                _transformer.ReturnFromCall(s, from.Depth);
                break;
            case EdgeKind.CallbackEnter:
                _transformer.EnterCallback(s, from.Depth, CallbackAt(from), _cfg.Blocks[e.Target].Pcs[0]);
                break;
            case EdgeKind.CallbackReturn:
                _transformer.ReturnFromCallback(s, from.Depth);
                break;
            case EdgeKind.CallbackDone:
                _transformer.FinishCallbackHelper(s, from.Depth);
                break;
            default:
                if (e.Assume is { } c) _transformer.Refine(s, from.Depth, c);
                break;
        }
        // Counters count iterations per entry of their loop: an edge from outside (ahead in reverse post-order) starts
        // the count again. Per-entry bounds suffice for termination: in an endless run, the head visited infinitely
        // often that comes first in reverse post-order is only reached by retreating edges once the run stays among
        // those blocks, so its counter is never reset and would exceed every bound.
        var to = _cfg.Blocks[e.Target];
        if (Counted(to) && from.Order < to.Order && !s.IsBottom)
            s.Zone.Assign(_layout.LoopCounter(to.LoopCounter), Interval.Const(0));
        return s;
    }

    private AbstractState RunBlock(CfgBlock b, AbstractState s, List<Transformer.Finding>? sink,
        Dictionary<int, string>? states, List<Diagnostic>? diagnostics)
    {
        if (s.IsBottom) return s;
        if (Counted(b))
        {
            int count = sink?.Count ?? 0;
            _transformer.CountIteration(s, _layout.LoopCounter(b.LoopCounter), b.Pcs[0], _options.MaxLoopIterations, sink);
            for (int i = count; i < (sink?.Count ?? 0); i++)
                diagnostics!.Add(MakeDiagnostic(sink![i].Pc, DiagnosticSeverity.Error, sink[i].Message, null));
        }
        // The state before a failing instruction is rebuilt from the block's start when needed, not copied ahead of
        // every instruction: findings are rare, copies of a zone are not cheap.
        var start = sink is null ? null : s.Clone();
        for (int k = 0; k < b.Pcs.Count; k++)
        {
            if (s.IsBottom) break;
            int pc = b.Pcs[k];
            var ins = _program.Slots[pc]!;
            if (states is not null && !states.ContainsKey(pc)) states[pc] = StateFormatter.Format(s, _layout, b.Depth);
            if (sink is null)
            {
                _transformer.Execute(s, b.Depth, pc, ins, null);
                continue;
            }
            int count = sink.Count;
            _transformer.Execute(s, b.Depth, pc, ins, sink);
            if (sink.Count == count) continue;
            var before = start!.Clone();
            for (int j = 0; j < k && !before.IsBottom; j++) _transformer.Execute(before, b.Depth, b.Pcs[j], _program.Slots[b.Pcs[j]]!, null);
            for (int i = count; i < sink.Count; i++)
            {
                var f = sink[i];
                diagnostics!.Add(MakeDiagnostic(f.Pc, DiagnosticSeverity.Error, f.Message,
                    StateFormatter.FormatRegisters(before, _layout, f.Registers)));
            }
        }
        return s;
    }

    private void Process(CfgBlock b, bool join)
    {
        var newIn = ComputeIn(b);
        if (newIn.IsBottom && _in[b.Id] is null) return;
        var old = _in[b.Id];
        if (old is not null)
        {
            if (newIn.IsIncludedIn(old)) return;
            if (join)
            {
                if (b.IsLoopHead && _visits[b.Id] >= WideningDelay)
                {
                    var widened = old.Clone();
                    widened.WidenWith(newIn, _visits[b.Id] < WideningDelay + ThresholdWidenings ? _thresholds : _conditionThresholds);
                    newIn = widened;
                }
                else
                {
                    newIn.JoinWith(old);
                }
            }
        }
        _visits[b.Id]++;
        _in[b.Id] = newIn;
        _out[b.Id] = RunBlock(b, newIn.Clone(), null, null, null);
        _changed = true;
    }

    private bool _changed;

    private void Ascend(bool allBlocks = false)
    {
        var queue = new PriorityQueue<int, int>();
        var queued = new bool[_cfg.Blocks.Count];
        void Enqueue(CfgBlock b)
        {
            if (queued[b.Id] || b.Order < 0) return;
            queued[b.Id] = true;
            queue.Enqueue(b.Id, b.Order);
        }
        if (allBlocks) foreach (var b in _cfg.Order) Enqueue(b);
        else Enqueue(_cfg.Blocks[0]);
        while (queue.TryDequeue(out int id, out _))
        {
            queued[id] = false;
            var b = _cfg.Blocks[id];
            _changed = false;
            Process(b, join: true);
            if (!_changed) continue;
            foreach (var e in b.Successors) Enqueue(_cfg.Blocks[e.Target]);
        }
    }

    private void Descend()
    {
        foreach (var b in _cfg.Order)
        {
            if (_in[b.Id] is null) continue;
            var newIn = ComputeIn(b);
            _in[b.Id] = newIn;
            _out[b.Id] = RunBlock(b, newIn.Clone(), null, null, null);
        }
    }

    private VerificationResult Check(List<Diagnostic> diagnostics)
    {
        var sink = new List<Transformer.Finding>();
        var states = _options.RecordStates ? new Dictionary<int, string>() : null;
        var reached = new bool[_program.Length];
        AbstractState? exit = null;
        foreach (var b in _cfg.Order)
        {
            var s = _in[b.Id];
            if (s is null || s.IsBottom) continue;
            foreach (int pc in b.Pcs) reached[pc] = true;
            var o = RunBlock(b, s.Clone(), sink, states, diagnostics);
            if (o.IsBottom) continue;
            int last = b.Pcs[^1];
            if (_program.Slots[last] is JumpInstruction { Condition: { } cond })
            {
                foreach (var assumed in (ReadOnlySpan<Condition>)[cond, cond.Negate()])
                {
                    var t = o.Clone();
                    _transformer.Refine(t, b.Depth, assumed);
                    if (t.IsBottom)
                        diagnostics.Add(MakeDiagnostic(last, DiagnosticSeverity.Information, $"Code becomes unreachable (assume {assumed})", null));
                }
            }
            if (b.IsCallbackExit || b.RecursiveCallbacks is not null)
            {
                int count = sink.Count;
                var before = o.Clone();
                CheckCallbacks(b, o.Clone(), sink);
                for (int i = count; i < sink.Count; i++)
                    diagnostics.Add(MakeDiagnostic(last, DiagnosticSeverity.Error, sink[i].Message,
                        StateFormatter.FormatRegisters(before, _layout, sink[i].Registers)));
            }
            if (b.IsProgramExit)
            {
                if (_options.ReturnValueMustBeNumber && _program.Slots[last] is ExitInstruction)
                {
                    int count = sink.Count;
                    var before = o.Clone();
                    _transformer.CheckReturnValue(o, last, sink);
                    for (int i = count; i < sink.Count; i++)
                        diagnostics.Add(MakeDiagnostic(last, DiagnosticSeverity.Error, sink[i].Message, StateFormatter.FormatRegisters(before, _layout, [0])));
                }
                if (_options.RequireReferencesReleased && _program.Slots[last] is ExitInstruction)
                {
                    int count = sink.Count;
                    _transformer.CheckReferencesReleased(o, last, sink);
                    for (int i = count; i < sink.Count; i++)
                        diagnostics.Add(MakeDiagnostic(last, DiagnosticSeverity.Error, sink[i].Message, null));
                }
                if (exit is null) exit = o.Clone();
                else exit.JoinWith(o);
            }
        }
        ReportUnreachable(reached, diagnostics);

        long? bound = null;
        if (_options.CheckTermination)
        {
            bound = 0;
            foreach (var b in _cfg.Blocks)
            {
                if (!Counted(b) || _in[b.Id] is null || _in[b.Id]!.IsBottom) continue;
                var counted = _in[b.Id]!.Clone();
                var v = _layout.LoopCounter(b.LoopCounter);
                counted.Zone.AssignVariable(v, v, Interval.Const(1));
                var hi = counted.Zone.Get(v).Hi;
                bound = hi == Interval.PosInf ? long.MaxValue : (long)Int128.Max(bound.Value, hi);
            }
        }
        var unique = diagnostics
            .GroupBy(d => (d.Index, d.Severity, d.Message))
            .Select(g => g.First())
            .OrderBy(d => d.Index).ThenBy(d => d.Severity)
            .ToImmutableArray();
        return new VerificationResult(unique, bound, _cfg.LoopHeads, states?.ToImmutableDictionary(), _cfg.Blocks.Count,
            new AnalysisOutcome(exit, _layout));
    }

    /// <summary>True when the block heads a loop of the program whose iterations are counted (termination checks on).</summary>
    private bool Counted(CfgBlock b) => b.LoopCounter >= 0 && _layout.LoopCounters > 0;

    private CallbackKind CallbackAt(CfgBlock b) =>
        _program.Slots[b.Pcs[^1]] is CallHelperInstruction c ? _platform.CallbackOf(c.HelperId) : CallbackKind.None;

    /// <summary>The callback rules at a block's end: a callback's r0 at its exits; no recursion at a callback helper's call.</summary>
    private void CheckCallbacks(CfgBlock b, AbstractState end, List<Transformer.Finding> sink)
    {
        if (b.IsCallbackExit) _transformer.CheckCallbackReturn(end, b.Pcs[^1], b.Depth, sink);
        if (b.RecursiveCallbacks is { } targets) _transformer.CheckNotRecursive(end, b.Pcs[^1], b.Depth, targets, sink);
    }

    private void ReportUnreachable(bool[] reached, List<Diagnostic> diagnostics)
    {
        int pc = 0;
        while (pc < _program.Length)
        {
            if (_program.Slots[pc] is null || reached[pc]) { pc++; continue; }
            int start = pc;
            int end = pc;
            while (pc < _program.Length && (_program.Slots[pc] is null || !reached[pc]))
            {
                if (_program.Slots[pc] is not null) end = pc;
                pc++;
            }
            diagnostics.Add(MakeDiagnostic(start, DiagnosticSeverity.Information,
                start == end ? "Instruction is unreachable" : $"Instructions {start}-{end} are unreachable", null));
        }
    }

    private Diagnostic MakeDiagnostic(int pc, DiagnosticSeverity severity, string message, string? registers)
    {
        string? text = null;
        string? source = null;
        if (pc >= 0 && pc < _program.Length)
        {
            text = _options.Disassembler?.Invoke(pc) ?? (_program.Slots[pc] is { } ins ? IrFormatter.Format(ins) : null);
            source = _options.SourceLineResolver?.Invoke(pc);
        }
        return new Diagnostic(pc, severity, message, text, registers, source);
    }

    private static long[] CollectThresholds(IrProgram program, VerifierOptions options, bool conditionsOnly)
    {
        var set = new SortedSet<long> { -1, 0, 1, 8, 16, 32, 64, 128, 255, 256, 512, 1024, 4096, 65535, 65536, int.MaxValue, uint.MaxValue, long.MaxValue, options.MaxLoopIterations, options.MaxPacketSize };
        foreach (var ins in program.Slots)
        {
            long? c = ins switch
            {
                JumpInstruction { Condition: { Right.IsRegister: false } cond } => cond.Right.Immediate,
                AssumeInstruction { Condition: { Right.IsRegister: false } cond } => cond.Right.Immediate,
                BinaryInstruction { Src.IsRegister: false } bin when !conditionsOnly => bin.Src.Immediate,
                _ => null,
            };
            if (c is long v && v > -(1L << 40) && v < 1L << 40)
            {
                // v - 1 is the last value before an exit on `== v` (e.g. `i != 16` loops): widening that stops
                // there finds the loop invariant i <= v - 1 instead of overshooting to v.
                set.Add(v - 1);
                set.Add(v);
                set.Add(v + 1);
                set.Add(-v);
                set.Add(-v + 1);
            }
        }
        return [.. set];
    }
}
