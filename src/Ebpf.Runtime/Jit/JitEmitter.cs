using System.Buffers.Binary;
using System.Reflection;
using System.Reflection.Emit;
using Ebpf.Isa;
using Ebpf.Runtime.Interpretation;
using OpCodes = Ebpf.Isa.OpCodes;
using OpCodes_ = System.Reflection.Emit.OpCodes;

namespace Ebpf.Runtime.Jit;

/// <summary>
/// Translates one prepared program to CIL. eBPF registers are IL locals (never address-taken, so the .NET JIT
/// enregisters them); each slot has a label; lddw values and map addresses are constants; helpers are direct calls
/// when they can be. Local calls are inline frames: r6-r9 and a return-site number are saved in a small frame area,
/// r10 moves down 512 bytes, and exit pops a frame and dispatches to the return site (or returns at depth 0), which
/// is exactly the interpreter's call model, recursion included.
/// <para>
/// A program whose one method would exceed the .NET JIT's optimizer limits (<see cref="JitMethodLimits"/>; above them
/// the JIT gives up optimizing) is emitted as regions instead: contiguous ranges of instructions, each its own method
/// (<see cref="EmitRegions"/>), which keep the registers in locals and hand them over in a <see cref="JitState"/> when
/// control leaves the region. An entry method dispatches between regions by entry number.
/// </para>
/// The emitter writes into methods the caller's <see cref="JitMethodFactory"/> defines: dynamic methods, or methods of
/// a persisted assembly (a native module). Relocatable code (the module's) binds nothing of one load: lddw map
/// references read this load's values from the closure, helpers are called through the closure's delegates, and
/// inlined array lookups read their map's address and sizes from the closure.
/// </summary>
internal sealed class JitEmitter
{
    private const int FrameSaveBytes = 40; // r6-r9 and the return-site number
    internal static readonly Type[] Parameters = [typeof(JitClosure), typeof(ExecutionRequest).MakeByRefType(), typeof(ulong), typeof(HelperCallContext).MakeByRefType()];
    internal static readonly Type[] RegionParameters = [.. Parameters, typeof(JitState).MakeByRefType(), typeof(int)];
    // Arguments: 0 closure, 1 request, 2 frame top (r10), 3 context (every method); regions: 4 state, 5 entry number;
    // called functions: from 4 the registers of r0-r9 the function reads, in order, then the call depth.
    private const byte ArgState = 4, ArgEntry = 5, ArgFirstRegister = 4;

    /// <summary>What a region returns besides the number of the entry to continue at.</summary>
    private const int ProgramReturned = -1, Stopped = -2;

    private readonly Instruction[] _code;
    private readonly ulong[] _wideValues;
    private readonly HelperFunction?[] _callTargets;
    private readonly HelperTable _helpers;
    private readonly JitOptions _options;
    private readonly JitMethodFactory _define;
    private readonly bool _checked;
    private readonly long _budget;
    private readonly List<HelperFunction> _delegates = [];
    private readonly List<object?> _targets = [];
    private readonly List<int> _delegatePcs = [];
    private readonly List<int> _arrayLookupMaps = [];
    private readonly bool _relocatable;
    // Return sites (pc after each local call) in pc order, and each call's number among them.
    private readonly List<int> _returnSites = [];
    private readonly Dictionary<int, int> _returnSiteOfCall = [];
    // Per subprogram entry pc: the return-site indexes of the local calls to it, and the label its exits branch to.
    private readonly SortedDictionary<int, List<int>> _callSitesByCallee = [];
    private readonly Dictionary<int, Label> _calleeExits = [];
    private bool[] _starts = [], _branchedTo = [];

    // Functions: with real calls every bpf-to-bpf function [Start, End) is its own method; else one "function", the
    // whole program, whose local calls are inline frames.
    private readonly List<(int Start, int End)> _functions = [];
    private readonly bool _realCalls;
    private MethodInfo[] _functionMethods = [];
    private int _function, _functionStart, _functionEnd;
    // Per called function (by entry pc): the registers of r1-r5 it reads (its arguments), whether it may stop the
    // program (calls a helper, directly or through its callees), and whether calls need a depth check (recursion, or
    // chains deeper than the frames).
    private readonly Dictionary<int, ushort> _calleeReads = [];
    private readonly Dictionary<int, bool> _mayStop = [];
    private bool _checkCallDepth = true;

    // The method being written: a whole function, or one region [_regionStart, _regionEnd) of it.
    private CountingIlGenerator _il = null!;
    private LocalBuilder[] _r = null!;
    private Label[] _labels = null!;
    private LocalBuilder _depth = null!, _saves = null!, _executed = null!, _packet = null!, _packetLength = null!;
    private LocalBuilder _address = null!, _u32a = null!, _u32b = null!;
    private LocalBuilder? _tailCallEntry;
    private Label _returnZero, _sharedExit, _stop, _anySite;
    private bool _hasLocalCalls, _hasLegacyLoads, _usesStack, _callsTailCall;

    // Regions only: entry numbers by pc (ascending with pc, so one region's entries are consecutive), the stubs that
    // leave the region for a pc outside it, and the blocks every exit ends in.
    private bool _inRegion;
    private int _regionStart, _regionEnd;
    private readonly SortedDictionary<int, int> _entries = [];
    private readonly List<(int Pc, Label Stub)> _leaving = [];
    private readonly Dictionary<int, Label> _leaveStubs = [];
    private Label _programReturn, _leave;
    private LocalBuilder _next = null!;

    // Counted loops run as one block operation (unchecked, unbudgeted code only), by head pc; the label each one's
    // latch branches back to (the loop itself, past the block operation's guard), by latch pc; per method temporaries.
    private readonly Dictionary<int, JitLoopIdiom> _idioms;
    private readonly Dictionary<int, JitSearchLoop> _searches;
    private readonly Dictionary<int, Label> _loopBodies = [];
    private LocalBuilder? _loopBytes, _loopFrom, _loopTo;
    private int _loopIdiomsEmitted;

    // Floor-log2 searches run as one leading-zero count (same conditions), by start pc; per method temporaries.
    private readonly Dictionary<int, JitFloorLog2> _floorLog2s;
    private LocalBuilder? _log2X, _log2Value;
    private readonly List<LocalBuilder> _log2Outputs = [];
    private int _floorLog2sEmitted;

    public JitEmitter(Instruction[] code, ulong[] wideValues, HelperFunction?[] callTargets, HelperTable helpers, JitOptions options,
        JitMethodFactory define, bool relocatable = false)
    {
        _relocatable = relocatable;
        _code = code;
        _wideValues = wideValues;
        _callTargets = callTargets;
        _helpers = helpers;
        _options = options;
        _define = define;
        _checked = options.Mode == ExecutionMode.Checked;
        _budget = options.InstructionBudget;
        Scan();
        _realCalls = FindFunctions();
        _idioms = _checked || _budget != 0 || !options.LoopIdioms ? [] : JitLoopIdiom.Find(code, wideValues, _starts, _branchedTo);
        _searches = _checked || _budget != 0 || !options.LoopIdioms ? []
            : JitSearchLoop.Find(code, wideValues, _starts, _idioms.Values.Select(l => l.Latch).ToHashSet());
        _floorLog2s = _checked || _budget != 0 || !options.LoopIdioms ? [] : JitFloorLog2.Find(code, wideValues, _starts, LiveAt);
    }

    private readonly Dictionary<int, ushort[]> _liveInByFunction = [];

    /// <summary>
    /// Registers live at <paramref name="pc"/> (liveness over its function). Unverified code with local calls may read
    /// a callee's r1-r5 after the call: those count as live too.
    /// </summary>
    private ushort LiveAt(int pc)
    {
        int f = _functions.FindLastIndex(fn => fn.Start <= pc);
        var (start, end) = _functions[f];
        if (!_liveInByFunction.TryGetValue(f, out var live))
            _liveInByFunction[f] = live = JitLiveness.LiveIn(_code, _starts, start, end, _realCalls ? _calleeReads : null);
        return (ushort)(live[pc - start] | (_hasLocalCalls && !_options.Verified ? 0b11_1110 : 0));
    }

    public bool HasLocalCalls => _hasLocalCalls;

    /// <summary>The slot of each helper call site, by the ordinal its code reads the closure's delegates at.</summary>
    public IReadOnlyList<int> CallSitePcs => _delegatePcs;

    /// <summary>
    /// Relocatable code: per inlined array lookup, in order, the slot of the lddw of its map; the closure's
    /// <see cref="JitClosure.ArrayLayouts"/> holds that map's values address, entry size and per-CPU stride of this load.
    /// </summary>
    public IReadOnlyList<int> ArrayLookupMaps => _arrayLookupMaps;

    /// <summary>The program may call bpf_tail_call (directly or through callx): its executor enters the targets itself.</summary>
    public bool CallsTailCall => _callsTailCall;

    /// <summary>False when nothing reads r10 and nothing calls locally: such a program needs no stack at all.</summary>
    public bool UsesStack => _usesStack || _hasLocalCalls;

    /// <summary>Instruction starts (the second slot of an lddw is not one).</summary>
    public bool[] Starts => _starts;

    /// <summary>The functions emitted as methods of their own (one, the whole program, unless local calls are real calls).</summary>
    public IReadOnlyList<(int Start, int End)> Functions => _functions;

    /// <summary>
    /// The program: function f as one method where <paramref name="regionPlans"/>[f] is null, else as the regions
    /// starting at those pcs (ascending, the first the function's start), each a method
    /// <c>int region(closure, in request, frameTop, ref context, ref JitState, int entry)</c> run by an entry method
    /// with the function's signature: a region returns the entry to continue at, or that the function returned or
    /// stopped. Records what each instruction cost in one-method functions (<see cref="JitEmission.CostBefore"/>), from
    /// which <see cref="JitRegionPlanner"/> cuts regions for a function too large for one method.
    /// </summary>
    public JitEmission Emit(string name, IReadOnlyList<int>?[] regionPlans)
    {
        var entryIl = new ILGenerator[_functions.Count];
        _functionMethods = new MethodInfo[_functions.Count];
        for (int f = 0; f < _functions.Count; f++)
            _functionMethods[f] = _define(f == 0 ? name : $"{name}_fn{f}", typeof(ulong), f == 0 ? Parameters : FunctionParameters(_functions[f].Start), out entryIl[f]);
        var methods = new List<MethodInfo>(_functionMethods);
        var costs = new IlCounts[_functions.Count][];
        var largest = new IlCounts[_functions.Count];
        int ilSize = 0;
        for (int f = 0; f < _functions.Count; f++)
        {
            _function = f;
            (_functionStart, _functionEnd) = _functions[f];
            _il = new CountingIlGenerator(entryIl[f]);
            if (regionPlans[f] is { } plan)
            {
                EmitRegions(_functionMethods[f].Name, plan, methods, ref ilSize, ref largest[f]);
                continue;
            }
            _inRegion = false;
            _regionStart = _functionStart;
            _regionEnd = _functionEnd;
            DeclareLocals();
            EmitPrologue();
            var cost = costs[f] = new IlCounts[_functionEnd - _functionStart + 1];
            for (int pc = _functionStart; pc < _functionEnd; pc += ProgramDecoder.SlotCount(_code[pc]))
            {
                cost[pc - _functionStart] = _il.Counts;
                EmitSlot(pc);
            }
            cost[^1] = _il.Counts;
            EmitEpilogues();
            ilSize += _il.ILOffset;
            largest[f] = _il.Counts;
        }
        return new JitEmission(methods[0], methods, Closure(), ilSize, largest, costs, _loopIdiomsEmitted, _floorLog2sEmitted);
    }

    private void EmitRegions(string name, IReadOnlyList<int> regionStarts, List<MethodInfo> methods, ref int ilSize, ref IlCounts largest)
    {
        var entryIl = _il;
        _inRegion = true;
        FindEntries(regionStarts);
        var regions = new List<MethodInfo>();
        var regionOfEntry = new List<int>();
        for (int k = 0; k < regionStarts.Count; k++)
        {
            _regionStart = regionStarts[k];
            _regionEnd = k + 1 < regionStarts.Count ? regionStarts[k + 1] : _functionEnd;
            var method = _define($"{name}_region{k}", typeof(int), RegionParameters, out var il);
            _il = new CountingIlGenerator(il);
            EmitRegion();
            regions.Add(method);
            ilSize += _il.ILOffset;
            largest = IlCounts.Max(largest, _il.Counts);
            foreach (int pc in _entries.Keys)
                if (pc >= _regionStart && pc < _regionEnd) regionOfEntry.Add(k);
        }
        _il = entryIl;
        EmitRegionDispatch(regions, regionOfEntry);
        ilSize += _il.ILOffset;
        largest = IlCounts.Max(largest, _il.Counts);
        methods.AddRange(regions);
    }

    private JitClosure Closure() => new([.. _delegates], [.. _targets], _helpers);

    private void EmitSlot(int pc)
    {
        var search = _searches.TryGetValue(pc, out var s) && s.Head >= _regionStart && s.Latch < _regionEnd ? s : null;
        var searchBody = _il.DefineLabel();
        if (search is not null && search.Entry != search.Head) _il.Emit(OpCodes_.Br, searchBody); // the loop's own way into the entry
        _il.MarkLabel(_labels[pc]);
        if (search is not null) EmitSearchLoop(search, searchBody);
        if (_budget != 0) EmitBudgetStep(pc);
        if (_idioms.TryGetValue(pc, out var loop) && loop.Latch < _regionEnd) EmitLoopIdiom(loop);
        if (_floorLog2s.TryGetValue(pc, out var log2) && Math.Min(log2.Low, log2.End) >= _regionStart && Math.Max(log2.High, log2.End) < _regionEnd)
            EmitFloorLog2(log2);
        EmitInstruction(pc, _code[pc]);
    }

    private void Scan()
    {
        _starts = new bool[_code.Length];
        _branchedTo = new bool[_code.Length + 1];
        for (int pc = 0; pc < _code.Length; pc += ProgramDecoder.SlotCount(_code[pc]))
        {
            var insn = _code[pc];
            _starts[pc] = true;
            if (insn.Class is OpClass.Jmp or OpClass.Jmp32 && (JmpOp)insn.Operation is not (JmpOp.Exit or JmpOp.Call))
            {
                int target = JumpTarget(pc, insn);
                if ((uint)target < (uint)_branchedTo.Length) _branchedTo[target] = true;
            }
            if (IsLocalCall(insn))
            {
                _hasLocalCalls = true;
                int callee = pc + 1 + insn.Imm;
                if ((uint)callee < (uint)_branchedTo.Length) _branchedTo[callee] = true;
                _branchedTo[pc + 1] = true; // the return site
                if (!_callSitesByCallee.TryGetValue(callee, out var sites)) _callSitesByCallee[callee] = sites = [];
                sites.Add(_returnSites.Count);
                _returnSiteOfCall[pc] = _returnSites.Count;
                _returnSites.Add(pc + 1);
            }
            if (insn.Class == OpClass.Ld && insn.Mode is AccessMode.Abs or AccessMode.Ind) _hasLegacyLoads = true;
            // r10 appears as a source or as the base of a store (it is never a destination).
            bool registerOperands = insn.Opcode is not (OpCodes.LdDw or OpCodes.Call);
            if (registerOperands && (insn.Src == Registers.FramePointer || insn.Dst == Registers.FramePointer)) _usesStack = true;
        }
    }

    private static bool IsLocalCall(Instruction insn) => insn.Opcode == OpCodes.Call && insn.Src == PseudoSource.LocalCall;

    private static int JumpTarget(int pc, Instruction insn) =>
        pc + 1 + ((JmpOp)insn.Operation == JmpOp.Ja && insn.Class == OpClass.Jmp32 ? insn.Imm : insn.Offset);

    /// <summary>
    /// Splits the program into its bpf-to-bpf functions (from each call target to the next) and says whether local
    /// calls may be real method calls: every jump stays in its function and no function runs into the next; no caller
    /// reads r1-r5 after a call before writing them (a method returns only r0; taken as given for a verified program,
    /// see <see cref="JitOptions.Verified"/>, else shown by liveness); no instruction budget and no legacy packet loads (both end or count the whole run, not one function).
    /// Else the whole program is one function with inline frames, exactly the interpreter's model either way.
    /// </summary>
    private bool FindFunctions()
    {
        var entries = new SortedSet<int> { 0 };
        foreach (int callee in _callSitesByCallee.Keys) entries.Add(callee);
        bool feasible = _hasLocalCalls && _budget == 0 && !_hasLegacyLoads && entries.All(e => e >= 0 && e < _code.Length && _starts[e]);
        if (feasible)
        {
            var bounds = entries.Append(_code.Length).ToArray();
            // Which registers each function reads before writing them (its arguments: r1-r5 usually, r0 and r6-r9
            // when it reads the caller's, as the call model allows), narrowed from all ten until nothing changes (a
            // sound answer for recursion too: every round only drops registers a call cannot read).
            var calleeReads = entries.Skip(1).ToDictionary(e => e, _ => PassedRegisters);
            for (bool changed = true; changed;)
            {
                changed = false;
                for (int f = 1; f + 1 < bounds.Length; f++)
                {
                    ushort reads = (ushort)(JitLiveness.LiveIn(_code, _starts, bounds[f], bounds[f + 1], calleeReads)[0] & PassedRegisters);
                    if (reads != calleeReads[bounds[f]]) { calleeReads[bounds[f]] = reads; changed = true; }
                }
            }
            for (int f = 0; f + 1 < bounds.Length && feasible; f++)
                feasible = FunctionIsSelfContained(bounds[f], bounds[f + 1], calleeReads);
            if (feasible)
            {
                for (int f = 0; f + 1 < bounds.Length; f++) _functions.Add((bounds[f], bounds[f + 1]));
                foreach (var (entry, reads) in calleeReads) _calleeReads[entry] = reads;
                AnalyseCallGraph();
                return true;
            }
        }
        _functions.Add((0, _code.Length));
        return false;
    }

    /// <summary>Which functions may stop the program, and whether the call graph needs run-time depth checks.</summary>
    private void AnalyseCallGraph()
    {
        var callees = _functions.Select(f => Enumerable.Range(f.Start, f.End - f.Start)
            .Where(pc => _starts[pc] && IsLocalCall(_code[pc])).Select(pc => pc + 1 + _code[pc].Imm).Distinct().ToList()).ToList();
        int IndexOf(int entry) => _functions.FindIndex(f => f.Start == entry);
        var stops = _functions.Select(f => Enumerable.Range(f.Start, f.End - f.Start)
            .Any(pc => _starts[pc] && _code[pc].Opcode is OpCodes.Call or OpCodes.CallX && !IsLocalCall(_code[pc]))).ToArray();
        for (bool changed = true; changed;)
        {
            changed = false;
            for (int f = 0; f < stops.Length; f++)
                if (!stops[f] && callees[f].Any(c => stops[IndexOf(c)])) { stops[f] = changed = true; }
        }
        for (int f = 1; f < _functions.Count; f++) _mayStop[_functions[f].Start] = stops[f];
        // Frames of the deepest chain from the program (null: a cycle). Within MaxCallDepth no call can fail.
        var frames = new int?[_functions.Count];
        var visiting = new bool[_functions.Count];
        int? Frames(int f)
        {
            if (visiting[f]) return null;
            if (frames[f] is { } known) return known;
            visiting[f] = true;
            int deepest = 0;
            foreach (int c in callees[f])
            {
                if (Frames(IndexOf(c)) is not { } below) { visiting[f] = false; return null; }
                deepest = Math.Max(deepest, below);
            }
            visiting[f] = false;
            return frames[f] = 1 + deepest;
        }
        _checkCallDepth = Frames(0) is not { } depth || depth > _options.MaxCallDepth;
    }

    private Type[] FunctionParameters(int entry) =>
        [.. Parameters, .. Enumerable.Range(0, 10).Where(r => (_calleeReads[entry] & (1 << r)) != 0).Select(_ => typeof(ulong)), typeof(int)];

    /// <summary>Registers a called function may receive as arguments: r0-r9 (r10 is the frame top it is given).</summary>
    private const ushort PassedRegisters = 0b11_1111_1111;

    private bool FunctionIsSelfContained(int start, int end, IReadOnlyDictionary<int, ushort> calleeReads)
    {
        int last = start;
        for (int pc = start; pc < end; pc += ProgramDecoder.SlotCount(_code[pc]))
        {
            last = pc;
            var insn = _code[pc];
            if (insn.Class is OpClass.Jmp or OpClass.Jmp32 && (JmpOp)insn.Operation is not (JmpOp.Exit or JmpOp.Call) &&
                JumpTarget(pc, insn) is var target && (target < start || target >= end))
                return false;
        }
        if (FallsThrough(_code[last], realCalls: true)) return false;
        var live = JitLiveness.LiveIn(_code, _starts, start, end, calleeReads);
        if (_options.Verified) return true;
        const ushort arguments = 0b11_1110; // r1-r5
        for (int pc = start; pc < end; pc += ProgramDecoder.SlotCount(_code[pc]))
            if (IsLocalCall(_code[pc]) && pc + 1 < end && (live[pc + 1 - start] & arguments) != 0) return false;
        return true;
    }

    /// <summary>Where control may go after the instruction at <paramref name="pc"/> within its function (inline frames: exits go to every return site).</summary>
    private IEnumerable<int> Successors(int pc)
    {
        var insn = _code[pc];
        int next = pc + ProgramDecoder.SlotCount(insn);
        if (insn.Class is not (OpClass.Jmp or OpClass.Jmp32))
        {
            yield return next;
            yield break;
        }
        switch ((JmpOp)insn.Operation)
        {
            case JmpOp.Exit:
                if (_realCalls) break;
                foreach (int site in _returnSites) yield return site;
                break;
            case JmpOp.Call:
                yield return IsLocalCall(insn) && !_realCalls ? pc + 1 + insn.Imm : next;
                break;
            case JmpOp.Ja:
                yield return JumpTarget(pc, insn);
                break;
            default:
                yield return JumpTarget(pc, insn);
                yield return next;
                break;
        }
    }

    private static bool FallsThrough(Instruction insn, bool realCalls) =>
        insn.Class is not (OpClass.Jmp or OpClass.Jmp32) ||
        (JmpOp)insn.Operation switch
        {
            JmpOp.Ja or JmpOp.Exit => false,
            JmpOp.Call => !IsLocalCall(insn) || realCalls,
            _ => true,
        };

    /// <summary>Numbers every pc control may reach from another region of the function, and every region's start.</summary>
    private void FindEntries(IReadOnlyList<int> regionStarts)
    {
        _entries.Clear();
        var regionOf = new int[_code.Length];
        for (int k = 0, pc = _functionStart; pc < _functionEnd; pc++)
        {
            while (k + 1 < regionStarts.Count && regionStarts[k + 1] <= pc) k++;
            regionOf[pc] = k;
        }
        var entries = new SortedSet<int>(regionStarts); // every region has an entry, even one nothing reaches
        for (int pc = _functionStart; pc < _functionEnd; pc += ProgramDecoder.SlotCount(_code[pc]))
            foreach (int next in Successors(pc))
                if (next >= _functionStart && next < _functionEnd && regionOf[next] != regionOf[pc]) entries.Add(next);
        foreach (int pc in entries) _entries[pc] = _entries.Count;
    }

    /// <summary>The frame-save area of inline frames (none with real calls: a method keeps its caller's r6-r9).</summary>
    private bool InlineFrames => _hasLocalCalls && !_realCalls;

    private void DeclareLocals()
    {
        _r = new LocalBuilder[11];
        for (int i = 0; i < _r.Length; i++) _r[i] = _il.DeclareLocal(typeof(ulong));
        _labels = new Label[_code.Length];
        for (int i = _regionStart; i < _regionEnd; i++) _labels[i] = _il.DefineLabel();
        _address = _il.DeclareLocal(typeof(ulong));
        _loopBytes = _loopFrom = _loopTo = null;
        _log2X = _log2Value = null;
        _log2Outputs.Clear();
        _u32a = _il.DeclareLocal(typeof(int));
        _u32b = _il.DeclareLocal(typeof(int));
        _tailCallEntry = null;
        _calleeExits.Clear();
        _returnZero = _il.DefineLabel();
        _sharedExit = _il.DefineLabel();
        _anySite = _il.DefineLabel();
        _stop = _il.DefineLabel();
        if (_hasLocalCalls) _depth = _il.DeclareLocal(typeof(int));
        if (InlineFrames) _saves = _il.DeclareLocal(typeof(nint));
        if (_budget != 0) _executed = _il.DeclareLocal(typeof(long));
        if (_hasLegacyLoads)
        {
            _packet = _il.DeclareLocal(typeof(ulong));
            _packetLength = _il.DeclareLocal(typeof(ulong));
        }
    }

    /// <summary>
    /// The registers a function starts with: the program's r1 and r2 from the request (r0 and r3-r9 zero, as in the
    /// interpreter), a called function's r1-r5 from its arguments; r10 is the frame top it was given.
    /// </summary>
    private IEnumerable<(int Register, Action Load)> InitialRegisters()
    {
        var il = _il;
        for (int i = 0; i < 10; i++)
        {
            int register = i;
            if (_function == 0 && register is 1 or 2)
                yield return (register, () =>
                {
                    il.Emit(OpCodes_.Ldarg_1);
                    il.Emit(OpCodes_.Call, Getter(typeof(ExecutionRequest), register == 1 ? nameof(ExecutionRequest.R1) : nameof(ExecutionRequest.R2)));
                });
            else if (_function != 0 && (_calleeReads[_functionStart] & (1 << register)) != 0)
                yield return (register, () => il.Emit(OpCodes_.Ldarg_S, (byte)(ArgFirstRegister + ArgumentIndex(_functionStart, register))));
            else
                yield return (register, () => il.Emit(OpCodes_.Ldc_I8, 0L));
        }
        yield return (10, () => il.Emit(OpCodes_.Ldarg_2));
    }

    /// <summary>Position of <paramref name="register"/> among the called function's register arguments (10: the depth after them).</summary>
    private int ArgumentIndex(int entry, int register) => System.Numerics.BitOperations.PopCount((uint)(_calleeReads[entry] & ((1 << register) - 1)));

    private void EmitCallDepth()
    {
        if (_function == 0) _il.Emit(OpCodes_.Ldc_I4_0);
        else _il.Emit(OpCodes_.Ldarg_S, (byte)(ArgFirstRegister + ArgumentIndex(_functionStart, 10)));
    }

    private void EmitPrologue()
    {
        var il = _il;
        foreach (var (register, load) in InitialRegisters())
        {
            load();
            il.Emit(OpCodes_.Stloc, _r[register]);
        }
        if (_hasLocalCalls)
        {
            EmitCallDepth();
            il.Emit(OpCodes_.Stloc, _depth);
        }
        if (InlineFrames)
        {
            EmitAllocateFrameSaves();
            il.Emit(OpCodes_.Stloc, _saves);
        }
        if (_budget != 0)
        {
            il.Emit(OpCodes_.Ldc_I8, 0L);
            il.Emit(OpCodes_.Stloc, _executed);
        }
        if (_hasLegacyLoads)
        {
            EmitPacketBounds(_packet, _packetLength, null);
        }
    }

    private void EmitAllocateFrameSaves()
    {
        _il.Emit(OpCodes_.Ldc_I4, _options.MaxCallDepth * FrameSaveBytes);
        _il.Emit(OpCodes_.Conv_U);
        _il.Emit(OpCodes_.Localloc);
    }

    /// <summary>The request's legacy packet start and length, into two locals or (regions) two state fields.</summary>
    private void EmitPacketBounds(LocalBuilder? start, LocalBuilder? length, LocalBuilder? state)
    {
        var il = _il;
        var region = il.DeclareLocal(typeof(MemoryRegion));
        il.Emit(OpCodes_.Ldarg_1);
        il.Emit(OpCodes_.Call, Getter(typeof(ExecutionRequest), nameof(ExecutionRequest.Packet)));
        il.Emit(OpCodes_.Stloc, region);
        foreach (var (local, property, field) in (ReadOnlySpan<(LocalBuilder?, string, string)>)
            [(start, nameof(MemoryRegion.Start), nameof(JitState.Packet)), (length, nameof(MemoryRegion.Length), nameof(JitState.PacketLength))])
        {
            if (state is not null) il.Emit(OpCodes_.Ldloca, state);
            il.Emit(OpCodes_.Ldloca, region);
            il.Emit(OpCodes_.Call, Getter(typeof(MemoryRegion), property));
            if (state is not null) il.Emit(OpCodes_.Stfld, StateField(field));
            else il.Emit(OpCodes_.Stloc, local!);
        }
    }

    // ---- regions ----

    private static FieldInfo StateField(string name) => typeof(JitState).GetField(name)!;
    private static readonly FieldInfo[] StateRegisters = [.. Enumerable.Range(0, 11).Select(i => StateField($"R{i}"))];

    /// <summary>The state a region keeps in locals: registers, and the call depth and budget count when used.</summary>
    private IEnumerable<(LocalBuilder Local, FieldInfo Field, bool Written)> RegionLocals()
    {
        for (int i = 0; i < _r.Length; i++) yield return (_r[i], StateRegisters[i], true);
        if (_hasLocalCalls) yield return (_depth, StateField(nameof(JitState.Depth)), true);
        if (InlineFrames) yield return (_saves, StateField(nameof(JitState.Saves)), false);
        if (_budget != 0) yield return (_executed, StateField(nameof(JitState.Executed)), true);
        if (_hasLegacyLoads)
        {
            yield return (_packet, StateField(nameof(JitState.Packet)), false);
            yield return (_packetLength, StateField(nameof(JitState.PacketLength)), false);
        }
    }

    private void EmitRegion()
    {
        var il = _il;
        DeclareLocals();
        _next = il.DeclareLocal(typeof(int));
        _programReturn = il.DefineLabel();
        _leave = il.DefineLabel();
        _leaving.Clear();
        _leaveStubs.Clear();
        foreach (var (local, field, _) in RegionLocals())
        {
            il.Emit(OpCodes_.Ldarg_S, ArgState);
            il.Emit(OpCodes_.Ldfld, field);
            il.Emit(OpCodes_.Stloc, local);
        }
        // Continue at the entry asked for: this region's entries are numbered consecutively.
        var here = _entries.Where(e => e.Key >= _regionStart && e.Key < _regionEnd).ToList();
        il.Emit(OpCodes_.Ldarg_S, ArgEntry);
        LdcI4(here[0].Value);
        il.Emit(OpCodes_.Sub);
        il.Emit(OpCodes_.Switch, [.. here.Select(e => _labels[e.Key])]);
        il.Emit(OpCodes_.Br, _labels[here[0].Key]);
        int last = _regionStart;
        for (int pc = _regionStart; pc < _regionEnd; pc += ProgramDecoder.SlotCount(_code[pc]))
        {
            EmitSlot(pc);
            last = pc;
        }
        // The last instruction may run on into the next region.
        if (FallsThrough(_code[last], _realCalls)) il.Emit(OpCodes_.Br, Target(_regionEnd));
        EmitEpilogues();
        il.MarkLabel(_programReturn);
        il.Emit(OpCodes_.Ldarg_S, ArgState);
        Ld(0);
        il.Emit(OpCodes_.Stfld, StateRegisters[0]);
        LdcI4(ProgramReturned);
        il.Emit(OpCodes_.Ret);
        foreach (var (pc, stub) in _leaving)
        {
            il.MarkLabel(stub);
            LdcI4(_entries[pc]);
            il.Emit(OpCodes_.Br, _leave);
        }
        if (_leaving.Count == 0) return;
        il.MarkLabel(_leave);
        il.Emit(OpCodes_.Stloc, _next);
        foreach (var (local, field, written) in RegionLocals())
        {
            if (!written) continue;
            il.Emit(OpCodes_.Ldarg_S, ArgState);
            il.Emit(OpCodes_.Ldloc, local);
            il.Emit(OpCodes_.Stfld, field);
        }
        il.Emit(OpCodes_.Ldloc, _next);
        il.Emit(OpCodes_.Ret);
    }

    /// <summary>The label for a branch to <paramref name="pc"/>: its own in this method, else a stub that leaves the region for it.</summary>
    private Label Target(int pc)
    {
        if (pc >= _regionStart && pc < _regionEnd) return _labels[pc];
        if (!_inRegion || !_entries.ContainsKey(pc))
            throw new InvalidOperationException($"JIT: no entry for pc {pc} outside region [{_regionStart}, {_regionEnd})");
        if (!_leaveStubs.TryGetValue(pc, out var stub))
        {
            _leaveStubs[pc] = stub = _il.DefineLabel();
            _leaving.Add((pc, stub));
        }
        return stub;
    }

    /// <summary>The entry method of a function in regions: sets up the state, then runs region after region.</summary>
    private void EmitRegionDispatch(List<MethodInfo> regions, List<int> regionOfEntry)
    {
        var il = _il;
        var state = il.DeclareLocal(typeof(JitState));
        var next = il.DeclareLocal(typeof(int));
        il.Emit(OpCodes_.Ldloca, state);
        il.Emit(OpCodes_.Initobj, typeof(JitState)); // zero: registers not given, the budget count
        foreach (var (register, load) in InitialRegisters())
        {
            il.Emit(OpCodes_.Ldloca, state);
            load();
            il.Emit(OpCodes_.Stfld, StateRegisters[register]);
        }
        if (_hasLocalCalls)
        {
            il.Emit(OpCodes_.Ldloca, state);
            EmitCallDepth();
            il.Emit(OpCodes_.Stfld, StateField(nameof(JitState.Depth)));
        }
        if (InlineFrames)
        {
            // The frame-save area lives as long as this method: every region runs below it. (localloc wants an
            // otherwise empty evaluation stack.)
            var saves = il.DeclareLocal(typeof(nint));
            EmitAllocateFrameSaves();
            il.Emit(OpCodes_.Stloc, saves);
            il.Emit(OpCodes_.Ldloca, state);
            il.Emit(OpCodes_.Ldloc, saves);
            il.Emit(OpCodes_.Stfld, StateField(nameof(JitState.Saves)));
        }
        if (_hasLegacyLoads) EmitPacketBounds(null, null, state);
        var calls = regions.Select(_ => il.DefineLabel()).ToArray();
        var dispatch = il.DefineLabel();
        var stopped = il.DefineLabel();
        LdcI4(_entries[_functionStart]);
        il.Emit(OpCodes_.Stloc, next);
        il.MarkLabel(dispatch);
        il.Emit(OpCodes_.Ldloc, next);
        il.Emit(OpCodes_.Switch, [.. regionOfEntry.Select(k => calls[k])]);
        il.Emit(OpCodes_.Ldloc, next);
        LdcI4(ProgramReturned);
        il.Emit(OpCodes_.Bne_Un, stopped);
        il.Emit(OpCodes_.Ldloca, state);
        il.Emit(OpCodes_.Ldfld, StateRegisters[0]);
        il.Emit(OpCodes_.Ret);
        il.MarkLabel(stopped);
        il.Emit(OpCodes_.Ldarg_3);
        il.Emit(OpCodes_.Call, StopValue);
        il.Emit(OpCodes_.Ret);
        for (int k = 0; k < regions.Count; k++)
        {
            il.MarkLabel(calls[k]);
            il.Emit(OpCodes_.Ldarg_0);
            il.Emit(OpCodes_.Ldarg_1);
            il.Emit(OpCodes_.Ldarg_2);
            il.Emit(OpCodes_.Ldarg_3);
            il.Emit(OpCodes_.Ldloca, state);
            il.Emit(OpCodes_.Ldloc, next);
            il.Emit(OpCodes_.Call, regions[k]);
            il.Emit(OpCodes_.Stloc, next);
            il.Emit(OpCodes_.Br, dispatch);
        }
    }

    /// <summary>Ends the function (the program, unless local calls are real calls) with r0 as its result.</summary>
    private void EmitProgramReturn()
    {
        if (_inRegion) { _il.Emit(OpCodes_.Br, _programReturn); return; }
        Ld(0);
        _il.Emit(OpCodes_.Ret);
    }

    private void EmitEpilogues()
    {
        var il = _il;
        // Legacy packet load out of bounds: the program ends with r0 = 0, as in Linux (no real calls with legacy loads).
        il.MarkLabel(_returnZero);
        LdcI8(0);
        St(0);
        EmitProgramReturn();
        // A helper asked to stop (unwind, tail call): r0 is the value it gave. A called function returns it to its
        // caller, which stops in turn.
        il.MarkLabel(_stop);
        if (_inRegion)
        {
            LdcI4(Stopped);
            il.Emit(OpCodes_.Ret);
        }
        else
        {
            il.Emit(OpCodes_.Ldarg_3);
            il.Emit(OpCodes_.Call, StopValue);
            il.Emit(OpCodes_.Ret);
        }
        il.MarkLabel(_sharedExit);
        if (!InlineFrames)
        {
            EmitProgramReturn();
            return;
        }
        EmitReturn([]);
        foreach (var (callee, label) in _calleeExits)
        {
            il.MarkLabel(label);
            EmitReturn(_callSitesByCallee[callee]);
        }
    }

    /// <summary>
    /// The exit label for an exit at <paramref name="pc"/>: with inline frames a subprogram's own (its return tests
    /// the sites that call it first, direct branches the CPU predicts, before the switch over every site), else the
    /// shared one.
    /// </summary>
    private Label ExitLabel(int pc)
    {
        if (!InlineFrames) return _sharedExit;
        int callee = -1;
        foreach (int entry in _callSitesByCallee.Keys)
        {
            if (entry > pc) break;
            callee = entry;
        }
        if (callee <= 0) return _sharedExit;
        if (!_calleeExits.TryGetValue(callee, out var label)) _calleeExits[callee] = label = _il.DefineLabel();
        return label;
    }

    /// <summary>
    /// Returns from the current frame: at depth 0 from the program with r0; otherwise restores the caller's r6-r9 and
    /// r10 and branches to the return site saved by the call, testing <paramref name="likelySites"/> first.
    /// </summary>
    private void EmitReturn(IReadOnlyList<int> likelySites)
    {
        var il = _il;
        var pop = il.DefineLabel();
        il.Emit(OpCodes_.Ldloc, _depth);
        il.Emit(OpCodes_.Brtrue, pop);
        EmitProgramReturn();
        il.MarkLabel(pop);
        il.Emit(OpCodes_.Ldloc, _depth);
        il.Emit(OpCodes_.Ldc_I4_1);
        il.Emit(OpCodes_.Sub);
        il.Emit(OpCodes_.Stloc, _depth);
        EmitFrameAddress();
        for (int i = 0; i < 4; i++)
        {
            il.Emit(OpCodes_.Ldloc, _address);
            if (i != 0) { il.Emit(OpCodes_.Ldc_I8, (long)(i * 8)); il.Emit(OpCodes_.Add); }
            il.Emit(OpCodes_.Conv_U);
            il.Emit(OpCodes_.Ldind_I8);
            il.Emit(OpCodes_.Stloc, _r[6 + i]);
        }
        il.Emit(OpCodes_.Ldloc, _r[10]);
        il.Emit(OpCodes_.Ldc_I8, (long)Registers.StackSize);
        il.Emit(OpCodes_.Add);
        il.Emit(OpCodes_.Stloc, _r[10]);
        il.Emit(OpCodes_.Ldloc, _address);
        il.Emit(OpCodes_.Ldc_I8, 32L);
        il.Emit(OpCodes_.Add);
        il.Emit(OpCodes_.Conv_U);
        il.Emit(OpCodes_.Ldind_I4);
        il.Emit(OpCodes_.Stloc, _u32a);
        var sites = _returnSites.Select(Target).ToArray();
        foreach (int site in likelySites)
        {
            il.Emit(OpCodes_.Ldloc, _u32a);
            LdcI4(site);
            il.Emit(OpCodes_.Beq, sites[site]);
        }
        if (likelySites.Count > 0)
        {
            il.Emit(OpCodes_.Br, _anySite); // one switch over every site serves all exits
            return;
        }
        il.MarkLabel(_anySite);
        il.Emit(OpCodes_.Ldloc, _u32a);
        if (sites.Length == 1) il.Emit(OpCodes_.Pop);
        else il.Emit(OpCodes_.Switch, sites[..^1]);
        il.Emit(OpCodes_.Br, sites[^1]); // the last site needs no comparison
    }

    /// <summary>_address = saves + depth * FrameSaveBytes.</summary>
    private void EmitFrameAddress()
    {
        _il.Emit(OpCodes_.Ldloc, _saves);
        _il.Emit(OpCodes_.Ldloc, _depth);
        _il.Emit(OpCodes_.Ldc_I4, FrameSaveBytes);
        _il.Emit(OpCodes_.Mul);
        _il.Emit(OpCodes_.Add);
        _il.Emit(OpCodes_.Conv_U8);
        _il.Emit(OpCodes_.Stloc, _address);
    }

    private void EmitBudgetStep(int pc)
    {
        var il = _il;
        var ok = il.DefineLabel();
        il.Emit(OpCodes_.Ldloc, _executed);
        il.Emit(OpCodes_.Ldc_I8, 1L);
        il.Emit(OpCodes_.Add);
        il.Emit(OpCodes_.Dup);
        il.Emit(OpCodes_.Stloc, _executed);
        il.Emit(OpCodes_.Ldc_I8, _budget);
        il.Emit(OpCodes_.Ble, ok);
        il.Emit(OpCodes_.Ldc_I4, pc);
        il.Emit(OpCodes_.Ldc_I8, _budget);
        il.Emit(OpCodes_.Newobj, BudgetExceeded);
        il.Emit(OpCodes_.Throw);
        il.MarkLabel(ok);
    }

    private void EmitInstruction(int pc, Instruction insn)
    {
        switch (insn.Class)
        {
            case OpClass.Alu64: EmitAlu64(insn); break;
            case OpClass.Alu32: EmitAlu32(insn); break;
            case OpClass.Jmp:
            case OpClass.Jmp32: EmitJump(pc, insn); break;
            case OpClass.Ldx: EmitLoad(pc, insn); break;
            case OpClass.St:
            case OpClass.Stx:
                if (insn.Mode == AccessMode.Atomic) EmitAtomic(pc, insn);
                else EmitStore(pc, insn);
                break;
            case OpClass.Ld:
                if (insn.Opcode == OpCodes.LdDw && _relocatable && insn.Src != PseudoSource.Imm64)
                {
                    _il.Emit(OpCodes_.Ldarg_0);
                    _il.Emit(OpCodes_.Ldfld, WideValuesField);
                    LdcI4(pc);
                    _il.Emit(OpCodes_.Ldelem_I8);
                    _il.Emit(OpCodes_.Stloc, _r[insn.Dst]);
                }
                else if (insn.Opcode == OpCodes.LdDw)
                {
                    _il.Emit(OpCodes_.Ldc_I8, (long)_wideValues[pc]);
                    _il.Emit(OpCodes_.Stloc, _r[insn.Dst]);
                }
                else
                {
                    EmitLegacyLoad(insn);
                }
                break;
        }
    }

    // ---- ALU ----

    private void Ld(int register) => _il.Emit(OpCodes_.Ldloc, _r[register]);
    private void St(int register) => _il.Emit(OpCodes_.Stloc, _r[register]);
    private void LdcI8(long value) => _il.Emit(OpCodes_.Ldc_I8, value);
    private void LdcI4(int value) => _il.Emit(OpCodes_.Ldc_I4, value);

    private void EmitAlu64(Instruction insn)
    {
        var il = _il;
        int dst = insn.Dst, src = insn.Src;
        bool reg = insn.UsesSrcRegister;
        var op = (AluOp)insn.Operation;
        switch (op)
        {
            case AluOp.Add: case AluOp.Sub: case AluOp.Mul: case AluOp.Or: case AluOp.And: case AluOp.Xor:
                Ld(dst);
                if (reg) Ld(src); else LdcI8(insn.Imm);
                il.Emit(BinaryOp(op));
                St(dst);
                break;
            case AluOp.Lsh: case AluOp.Rsh: case AluOp.Arsh:
                Ld(dst);
                if (reg) { Ld(src); il.Emit(OpCodes_.Conv_I4); LdcI4(63); il.Emit(OpCodes_.And); }
                else LdcI4(insn.Imm & 63);
                il.Emit(op == AluOp.Lsh ? OpCodes_.Shl : op == AluOp.Rsh ? OpCodes_.Shr_Un : OpCodes_.Shr);
                St(dst);
                break;
            case AluOp.Neg:
                Ld(dst);
                il.Emit(OpCodes_.Neg);
                St(dst);
                break;
            case AluOp.Mov:
                if (!reg) { LdcI8(insn.Imm); St(dst); break; }
                Ld(src);
                switch (insn.Offset)
                {
                    case 8: il.Emit(OpCodes_.Conv_I1); il.Emit(OpCodes_.Conv_I8); break;
                    case 16: il.Emit(OpCodes_.Conv_I2); il.Emit(OpCodes_.Conv_I8); break;
                    case 32: il.Emit(OpCodes_.Conv_I4); il.Emit(OpCodes_.Conv_I8); break;
                }
                St(dst);
                break;
            case AluOp.Div: case AluOp.Mod:
                if (reg) EmitDivMod64Register(dst, src, op == AluOp.Mod, insn.Offset != 0);
                else EmitDivMod64Immediate(dst, insn.Imm, op == AluOp.Mod, insn.Offset != 0);
                break;
            case AluOp.End: // ALU64 bswap
                EmitByteSwap(dst, insn.Imm);
                break;
        }
    }

    private void EmitAlu32(Instruction insn)
    {
        var il = _il;
        int dst = insn.Dst, src = insn.Src;
        bool reg = insn.UsesSrcRegister;
        var op = (AluOp)insn.Operation;
        switch (op)
        {
            case AluOp.Add: case AluOp.Sub: case AluOp.Mul: case AluOp.Or: case AluOp.And: case AluOp.Xor:
                Ld(dst); il.Emit(OpCodes_.Conv_U4);
                if (reg) { Ld(src); il.Emit(OpCodes_.Conv_U4); } else LdcI4(insn.Imm);
                il.Emit(BinaryOp(op));
                il.Emit(OpCodes_.Conv_U8);
                St(dst);
                break;
            case AluOp.Lsh: case AluOp.Rsh: case AluOp.Arsh:
                Ld(dst); il.Emit(OpCodes_.Conv_U4);
                if (reg) { Ld(src); il.Emit(OpCodes_.Conv_I4); LdcI4(31); il.Emit(OpCodes_.And); }
                else LdcI4(insn.Imm & 31);
                il.Emit(op == AluOp.Lsh ? OpCodes_.Shl : op == AluOp.Rsh ? OpCodes_.Shr_Un : OpCodes_.Shr);
                il.Emit(OpCodes_.Conv_U8);
                St(dst);
                break;
            case AluOp.Neg:
                Ld(dst); il.Emit(OpCodes_.Conv_U4);
                il.Emit(OpCodes_.Neg);
                il.Emit(OpCodes_.Conv_U8);
                St(dst);
                break;
            case AluOp.Mov:
                if (!reg) { LdcI8((uint)insn.Imm); St(dst); break; }
                Ld(src);
                switch (insn.Offset)
                {
                    case 0: il.Emit(OpCodes_.Conv_U4); break;
                    case 8: il.Emit(OpCodes_.Conv_I1); break;
                    default: il.Emit(OpCodes_.Conv_I2); break;
                }
                il.Emit(OpCodes_.Conv_U8);
                St(dst);
                break;
            case AluOp.Div: case AluOp.Mod:
                EmitDivMod32(dst, reg, src, insn.Imm, op == AluOp.Mod, insn.Offset != 0);
                break;
            case AluOp.End:
                if (insn.Opcode == 0xd4) // to little-endian: truncation on a little-endian host
                {
                    if (insn.Imm == 64) break;
                    Ld(dst);
                    il.Emit(insn.Imm == 16 ? OpCodes_.Conv_U2 : OpCodes_.Conv_U4);
                    il.Emit(OpCodes_.Conv_U8);
                    St(dst);
                }
                else
                {
                    EmitByteSwap(dst, insn.Imm);
                }
                break;
        }
    }

    private static OpCode BinaryOp(AluOp op) => op switch
    {
        AluOp.Add => OpCodes_.Add,
        AluOp.Sub => OpCodes_.Sub,
        AluOp.Mul => OpCodes_.Mul,
        AluOp.Or => OpCodes_.Or,
        AluOp.And => OpCodes_.And,
        _ => OpCodes_.Xor,
    };

    private static readonly MethodInfo Swap16 = typeof(BinaryPrimitives).GetMethod(nameof(BinaryPrimitives.ReverseEndianness), [typeof(ushort)])!;
    private static readonly MethodInfo Swap32 = typeof(BinaryPrimitives).GetMethod(nameof(BinaryPrimitives.ReverseEndianness), [typeof(uint)])!;
    private static readonly MethodInfo Swap64 = typeof(BinaryPrimitives).GetMethod(nameof(BinaryPrimitives.ReverseEndianness), [typeof(ulong)])!;

    private void EmitByteSwap(int dst, int width)
    {
        Ld(dst);
        switch (width)
        {
            case 16: _il.Emit(OpCodes_.Conv_U2); _il.Emit(OpCodes_.Call, Swap16); _il.Emit(OpCodes_.Conv_U8); break;
            case 32: _il.Emit(OpCodes_.Conv_U4); _il.Emit(OpCodes_.Call, Swap32); _il.Emit(OpCodes_.Conv_U8); break;
            default: _il.Emit(OpCodes_.Call, Swap64); break;
        }
        St(dst);
    }

    /// <summary>Division by zero gives 0, modulo by zero leaves dst; signed by -1 is negation / 0 (no trap).</summary>
    private void EmitDivMod64Register(int dst, int src, bool mod, bool signed)
    {
        var il = _il;
        var nonZero = il.DefineLabel();
        var done = il.DefineLabel();
        Ld(src);
        il.Emit(OpCodes_.Brtrue, nonZero);
        if (!mod) { LdcI8(0); St(dst); }
        il.Emit(OpCodes_.Br, done);
        il.MarkLabel(nonZero);
        if (signed)
        {
            var normal = il.DefineLabel();
            Ld(src);
            LdcI8(-1);
            il.Emit(OpCodes_.Bne_Un, normal);
            if (mod) LdcI8(0); else { Ld(dst); il.Emit(OpCodes_.Neg); }
            St(dst);
            il.Emit(OpCodes_.Br, done);
            il.MarkLabel(normal);
        }
        Ld(dst);
        Ld(src);
        il.Emit(signed ? (mod ? OpCodes_.Rem : OpCodes_.Div) : (mod ? OpCodes_.Rem_Un : OpCodes_.Div_Un));
        St(dst);
        il.MarkLabel(done);
    }

    private void EmitDivMod64Immediate(int dst, int imm, bool mod, bool signed)
    {
        var il = _il;
        if (imm == 0)
        {
            if (!mod) { LdcI8(0); St(dst); }
            return;
        }
        if (signed && imm == -1)
        {
            if (mod) LdcI8(0); else { Ld(dst); il.Emit(OpCodes_.Neg); }
            St(dst);
            return;
        }
        Ld(dst);
        LdcI8(imm); // sign-extended: as unsigned, a negative imm is a huge divisor
        il.Emit(signed ? (mod ? OpCodes_.Rem : OpCodes_.Div) : (mod ? OpCodes_.Rem_Un : OpCodes_.Div_Un));
        St(dst);
    }

    private void EmitDivMod32(int dst, bool reg, int src, int imm, bool mod, bool signed)
    {
        var il = _il;
        if (!reg && imm == 0)
        {
            if (mod) { Ld(dst); il.Emit(OpCodes_.Conv_U4); il.Emit(OpCodes_.Conv_U8); }
            else LdcI8(0);
            St(dst);
            return;
        }
        if (!reg && signed && imm == -1)
        {
            if (mod) LdcI8(0);
            else { Ld(dst); il.Emit(OpCodes_.Conv_U4); il.Emit(OpCodes_.Neg); il.Emit(OpCodes_.Conv_U8); }
            St(dst);
            return;
        }
        var opcode = signed ? (mod ? OpCodes_.Rem : OpCodes_.Div) : (mod ? OpCodes_.Rem_Un : OpCodes_.Div_Un);
        if (!reg)
        {
            Ld(dst); il.Emit(OpCodes_.Conv_U4);
            LdcI4(imm);
            il.Emit(opcode);
            il.Emit(OpCodes_.Conv_U8);
            St(dst);
            return;
        }
        var nonZero = il.DefineLabel();
        var done = il.DefineLabel();
        Ld(dst); il.Emit(OpCodes_.Conv_U4); il.Emit(OpCodes_.Stloc, _u32a);
        Ld(src); il.Emit(OpCodes_.Conv_U4); il.Emit(OpCodes_.Stloc, _u32b);
        il.Emit(OpCodes_.Ldloc, _u32b);
        il.Emit(OpCodes_.Brtrue, nonZero);
        if (mod) il.Emit(OpCodes_.Ldloc, _u32a); else LdcI4(0);
        il.Emit(OpCodes_.Conv_U8);
        St(dst);
        il.Emit(OpCodes_.Br, done);
        il.MarkLabel(nonZero);
        if (signed)
        {
            var normal = il.DefineLabel();
            il.Emit(OpCodes_.Ldloc, _u32b);
            LdcI4(-1);
            il.Emit(OpCodes_.Bne_Un, normal);
            if (mod) LdcI4(0); else { il.Emit(OpCodes_.Ldloc, _u32a); il.Emit(OpCodes_.Neg); }
            il.Emit(OpCodes_.Conv_U8);
            St(dst);
            il.Emit(OpCodes_.Br, done);
            il.MarkLabel(normal);
        }
        il.Emit(OpCodes_.Ldloc, _u32a);
        il.Emit(OpCodes_.Ldloc, _u32b);
        il.Emit(opcode);
        il.Emit(OpCodes_.Conv_U8);
        St(dst);
        il.MarkLabel(done);
    }

    // ---- jumps, calls, exit ----

    private void EmitJump(int pc, Instruction insn)
    {
        var il = _il;
        var op = (JmpOp)insn.Operation;
        bool wide = insn.Class == OpClass.Jmp;
        switch (op)
        {
            case JmpOp.Ja:
                il.Emit(OpCodes_.Br, BranchTarget(pc, JumpTarget(pc, insn)));
                return;
            case JmpOp.Exit:
                il.Emit(OpCodes_.Br, ExitLabel(pc));
                return;
            case JmpOp.Call:
                if (insn.UsesSrcRegister) EmitCallX(pc, insn);
                else if (insn.Src == PseudoSource.LocalCall) EmitLocalCall(pc, insn);
                else EmitHelperCall(pc);
                return;
        }
        var target = BranchTarget(pc, pc + 1 + insn.Offset);
        bool reg = insn.UsesSrcRegister;
        Ld(insn.Dst);
        if (!wide) il.Emit(OpCodes_.Conv_U4);
        if (reg)
        {
            Ld(insn.Src);
            if (!wide) il.Emit(OpCodes_.Conv_U4);
        }
        else if (wide) LdcI8(insn.Imm);
        else LdcI4(insn.Imm);
        switch (op)
        {
            case JmpOp.Jeq: il.Emit(OpCodes_.Beq, target); break;
            case JmpOp.Jne: il.Emit(OpCodes_.Bne_Un, target); break;
            case JmpOp.Jgt: il.Emit(OpCodes_.Bgt_Un, target); break;
            case JmpOp.Jge: il.Emit(OpCodes_.Bge_Un, target); break;
            case JmpOp.Jlt: il.Emit(OpCodes_.Blt_Un, target); break;
            case JmpOp.Jle: il.Emit(OpCodes_.Ble_Un, target); break;
            case JmpOp.Jsgt: il.Emit(OpCodes_.Bgt, target); break;
            case JmpOp.Jsge: il.Emit(OpCodes_.Bge, target); break;
            case JmpOp.Jslt: il.Emit(OpCodes_.Blt, target); break;
            case JmpOp.Jsle: il.Emit(OpCodes_.Ble, target); break;
            case JmpOp.Jset: il.Emit(OpCodes_.And); il.Emit(OpCodes_.Brtrue, target); break;
        }
    }

    /// <summary>The label a jump at <paramref name="pc"/> to <paramref name="target"/> branches to: a block-operation loop's latch returns past the guard.</summary>
    private Label BranchTarget(int pc, int target) => _loopBodies.TryGetValue(pc, out var body) ? body : Target(target);

    // ---- floor-log2 searches as one leading-zero count ----

    private static readonly MethodInfo Log2Of = typeof(System.Numerics.BitOperations).GetMethod(nameof(System.Numerics.BitOperations.Log2), [typeof(ulong)])!;

    /// <summary>
    /// Sets every register live at the search's end as the search would have left it, from x and one
    /// <c>BitOperations.Log2</c> (<c>lzcnt</c>), and goes there. The search as written follows, unreachable.
    /// </summary>
    private void EmitFloorLog2(JitFloorLog2 search)
    {
        var il = _il;
        _floorLog2sEmitted++;
        _log2X ??= il.DeclareLocal(typeof(ulong));
        _log2Value ??= il.DeclareLocal(typeof(ulong));
        while (_log2Outputs.Count < search.Outputs.Count) _log2Outputs.Add(il.DeclareLocal(typeof(ulong)));
        Ld(search.X);
        il.Emit(OpCodes_.Stloc, _log2X);
        il.Emit(OpCodes_.Ldloc, _log2X);
        il.Emit(OpCodes_.Call, Log2Of);
        il.Emit(OpCodes_.Conv_I8);
        il.Emit(OpCodes_.Stloc, _log2Value);
        // Every output from the registers' values at the start, into temporaries, then into the registers.
        for (int k = 0; k < search.Outputs.Count; k++)
        {
            var output = search.Outputs[k];
            var done = il.DefineLabel();
            if (output.Shifted)
            {
                il.Emit(OpCodes_.Ldloc, _log2X);
                LdcI4(output.Shift);
                il.Emit(OpCodes_.Shr_Un);
            }
            else
            {
                if (output.Sign != 0 && output.Zero != output.Constant) // x = 0 yields its own value
                {
                    var nonZero = il.DefineLabel();
                    il.Emit(OpCodes_.Ldloc, _log2X);
                    il.Emit(OpCodes_.Brtrue, nonZero);
                    LdcI8((long)output.Zero);
                    EmitLog2Base(output);
                    il.Emit(OpCodes_.Stloc, _log2Outputs[k]);
                    il.Emit(OpCodes_.Br, done);
                    il.MarkLabel(nonZero);
                }
                LdcI8((long)output.Constant);
                if (output.Sign != 0)
                {
                    il.Emit(OpCodes_.Ldloc, _log2Value);
                    il.Emit(output.Sign > 0 ? OpCodes_.Add : OpCodes_.Sub);
                }
                EmitLog2Base(output);
            }
            il.Emit(OpCodes_.Stloc, _log2Outputs[k]);
            il.MarkLabel(done);
        }
        for (int k = 0; k < search.Outputs.Count; k++)
        {
            il.Emit(OpCodes_.Ldloc, _log2Outputs[k]);
            St(search.Outputs[k].Register);
        }
        il.Emit(OpCodes_.Br, Target(search.End));
    }

    private void EmitLog2Base(JitLog2Output output)
    {
        if (output.Base < 0) return;
        Ld(output.Base);
        _il.Emit(OpCodes_.Add);
    }

    // ---- counted loops as block operations ----

    private static readonly MethodInfo[] Sums = [.. new[] { "SumU8", "SumU16", "SumU32", "SumU64" }.Select(n => typeof(JitReductions).GetMethod(n)!)];

    /// <summary>
    /// Entered at the loop's head from outside: when the counter is a whole number of steps below the limit (at most
    /// 2^30 bytes) and, for a copy, source and destination do not overlap, does what all remaining iterations would do
    /// in one block operation, sets every register the body writes to its value after the last iteration and leaves
    /// by the loop's exit; otherwise runs the loop. The loop performs the same accesses, which verification proved.
    /// </summary>
    private void EmitLoopIdiom(JitLoopIdiom loop)
    {
        var il = _il;
        var body = il.DefineLabel();
        _loopBodies[loop.Latch] = body;
        // bytes = limit - i: 1..2^30 and a multiple of the step (a power of two), or the loop runs as written.
        EmitLoopBytesGuard(loop.Counter, loop.Limit, body);
        il.Emit(OpCodes_.Ldloc, _loopBytes);
        LdcI8(loop.Step - 1);
        il.Emit(OpCodes_.And);
        il.Emit(OpCodes_.Brtrue, body);
        void Counter() => Ld(loop.Counter);
        EmitLoopValue(loop.Source.Address, Counter);
        il.Emit(OpCodes_.Stloc, _loopFrom);
        if (loop.Kind == JitLoopIdiomKind.Copy)
        {
            EmitLoopValue(loop.Destination!.Value.Address, Counter);
            il.Emit(OpCodes_.Stloc, _loopTo);
            // Disjoint: to - from >= bytes and from - to >= bytes, modulo 2^64.
            foreach (var (a, b) in new[] { (_loopTo, _loopFrom), (_loopFrom, _loopTo) })
            {
                il.Emit(OpCodes_.Ldloc, a);
                il.Emit(OpCodes_.Ldloc, b);
                il.Emit(OpCodes_.Sub);
                il.Emit(OpCodes_.Ldloc, _loopBytes);
                il.Emit(OpCodes_.Blt_Un, body);
            }
            il.Emit(OpCodes_.Ldloc, _loopTo);
            il.Emit(OpCodes_.Conv_U);
            il.Emit(OpCodes_.Ldloc, _loopFrom);
            il.Emit(OpCodes_.Conv_U);
            il.Emit(OpCodes_.Ldloc, _loopBytes);
            il.Emit(OpCodes_.Conv_U4);
            il.Emit(OpCodes_.Unaligned, (byte)1);
            il.Emit(OpCodes_.Cpblk);
        }
        else
        {
            il.Emit(OpCodes_.Ldloc, _loopFrom);
            il.Emit(OpCodes_.Conv_U);
            il.Emit(OpCodes_.Ldloc, _loopBytes);
            LdcI4(System.Numerics.BitOperations.Log2((uint)loop.Step));
            il.Emit(OpCodes_.Shr_Un);
            il.Emit(OpCodes_.Conv_I);
            il.Emit(OpCodes_.Call, Sums[System.Numerics.BitOperations.Log2((uint)loop.Step)]);
            il.Emit(OpCodes_.Stloc, _loopTo); // the sum
        }
        // Registers after the last iteration (counter = limit - step at its start): they depend only on registers the
        // body does not write, the accumulator's value on entry and constants, so their order does not matter.
        void Last() => LdcI8(loop.Limit - loop.Step);
        foreach (var (register, final) in loop.Finals)
        {
            if (final.Accumulator >= 0)
            {
                Ld(register);
                il.Emit(OpCodes_.Ldloc, _loopTo);
                il.Emit(OpCodes_.Add);
            }
            else if (final.Load >= 0) EmitLoopLoad(loop.Source, Last);
            else EmitLoopValue(final, Last);
            St(register);
        }
        il.Emit(OpCodes_.Br, Target(loop.Exit));
        il.MarkLabel(body);
    }

    /// <summary>
    /// The entry of a recognised loop (copy, sum or search): declares the locals the idioms share, stores
    /// bytes = limit - counter in one of them, and goes to <paramref name="body"/> (the loop as written) unless it is 1..2^30.
    /// </summary>
    [System.Diagnostics.CodeAnalysis.MemberNotNull(nameof(_loopBytes), nameof(_loopFrom), nameof(_loopTo))]
    private void EmitLoopBytesGuard(int counter, long limit, Label body)
    {
        var il = _il;
        _loopIdiomsEmitted++;
        _loopBytes ??= il.DeclareLocal(typeof(ulong));
        _loopFrom ??= il.DeclareLocal(typeof(ulong));
        _loopTo ??= il.DeclareLocal(typeof(ulong));
        LdcI8(limit);
        Ld(counter);
        il.Emit(OpCodes_.Sub);
        il.Emit(OpCodes_.Dup);
        il.Emit(OpCodes_.Stloc, _loopBytes);
        LdcI8(1);
        il.Emit(OpCodes_.Sub);
        LdcI8(1L << 30);
        il.Emit(OpCodes_.Bge_Un, body);
    }

    private static readonly MethodInfo CountWhile = typeof(JitReductions).GetMethod(nameof(JitReductions.CountWhile))!;

    /// <summary>
    /// Entered at the loop's entry from outside: k = the iterations from here that leave by no exit (none when the
    /// counter is not 1..2^30 below the limit); when k > 0, sets the registers the body writes as iteration k left
    /// them. Then runs the loop as written, from the entry.
    /// </summary>
    private void EmitSearchLoop(JitSearchLoop loop, Label body)
    {
        var il = _il;
        if (loop.Entry == loop.Head) _loopBodies[loop.Latch] = body;
        EmitLoopBytesGuard(loop.Counter, loop.Limit, body);
        void Counter() => Ld(loop.Counter);
        // The first eight iterations' tests inline, a word at a time, so that a loop which leaves within them costs
        // no call; it runs them as written. A word read may pass the byte that ends the loop but not its page (see
        // JitReductions.CountWhile): a word that would cross into the next page sends the run through the loop.
        il.Emit(OpCodes_.Ldloc, _loopBytes);
        LdcI8(8);
        il.Emit(OpCodes_.Blt_Un, body);
        foreach (var address in loop.Second is { } other ? [loop.First, other] : new[] { loop.First })
        {
            EmitLoopValue(address, Counter);
            LdcI8(4095);
            il.Emit(OpCodes_.And);
            LdcI8(4096 - 8);
            il.Emit(OpCodes_.Bgt_Un, body);
        }
        EmitLoopWord(loop.First, Counter);
        il.Emit(OpCodes_.Stloc, _loopFrom);
        if (loop.Second is { } next)
        {
            il.Emit(OpCodes_.Ldloc, _loopFrom);
            EmitLoopWord(next, Counter);
            il.Emit(OpCodes_.Bne_Un, body);
        }
        if (loop.Stop >= 0)
        {
            // A byte equal to the stop value is a zero byte of word ^ stop * 0x0101...: (x - 0x0101...) & ~x & 0x8080... != 0.
            il.Emit(OpCodes_.Ldloc, _loopFrom);
            LdcI8(loop.Stop * 0x0101010101010101L);
            il.Emit(OpCodes_.Xor);
            il.Emit(OpCodes_.Dup);
            il.Emit(OpCodes_.Stloc, _loopFrom);
            LdcI8(0x0101010101010101L);
            il.Emit(OpCodes_.Sub);
            il.Emit(OpCodes_.Ldloc, _loopFrom);
            il.Emit(OpCodes_.Not);
            il.Emit(OpCodes_.And);
            LdcI8(unchecked((long)0x8080808080808080UL));
            il.Emit(OpCodes_.And);
            il.Emit(OpCodes_.Brtrue, body);
        }
        EmitLoopValue(loop.First, Counter);
        il.Emit(OpCodes_.Conv_U);
        if (loop.Second is { } second) EmitLoopValue(second, Counter);
        else il.Emit(OpCodes_.Ldc_I4_0);
        il.Emit(OpCodes_.Conv_U);
        il.Emit(OpCodes_.Ldloc, _loopBytes);
        il.Emit(OpCodes_.Conv_I);
        LdcI4(loop.Stop);
        il.Emit(OpCodes_.Call, CountWhile);
        il.Emit(OpCodes_.Conv_I8);
        il.Emit(OpCodes_.Dup);
        il.Emit(OpCodes_.Stloc, _loopTo);
        il.Emit(OpCodes_.Brfalse, body);
        // The counter at the start of the last iteration skipped; every final depends on it and on registers the body
        // does not write only.
        Ld(loop.Counter);
        il.Emit(OpCodes_.Ldloc, _loopTo);
        il.Emit(OpCodes_.Add);
        LdcI8(1);
        il.Emit(OpCodes_.Sub);
        il.Emit(OpCodes_.Stloc, _loopFrom);
        void Last() => il.Emit(OpCodes_.Ldloc, _loopFrom!);
        foreach (var (register, final) in loop.Finals)
        {
            if (final.Load >= 0) EmitLoopLoad(new JitLoopAccess(final.Load == 0 ? loop.First : loop.Second!.Value, 1), Last);
            else EmitLoopValue(final, Last);
            St(register);
        }
        il.MarkLabel(body);
    }

    /// <summary>Pushes a linear loop value, the counter's value pushed by <paramref name="counter"/>.</summary>
    private void EmitLoopValue(JitLoopValue value, Action counter)
    {
        var il = _il;
        LdcI8(value.Constant);
        if (value.Base >= 0) { Ld(value.Base); il.Emit(OpCodes_.Add); }
        if (value.Counted) { counter(); il.Emit(OpCodes_.Add); }
    }

    /// <summary>Pushes the eight bytes at a loop address as one word.</summary>
    private void EmitLoopWord(JitLoopValue address, Action counter)
    {
        EmitLoopValue(address, counter);
        _il.Emit(OpCodes_.Conv_U);
        _il.Emit(OpCodes_.Unaligned, (byte)1);
        _il.Emit(OpCodes_.Ldind_I8);
    }

    /// <summary>Pushes the zero-extended element at a loop access, the counter's value pushed by <paramref name="counter"/>.</summary>
    private void EmitLoopLoad(JitLoopAccess access, Action counter)
    {
        EmitLoopValue(access.Address, counter);
        _il.Emit(OpCodes_.Conv_U);
        switch (access.Size)
        {
            case 1: _il.Emit(OpCodes_.Ldind_U1); _il.Emit(OpCodes_.Conv_U8); break;
            case 2: _il.Emit(OpCodes_.Ldind_U2); _il.Emit(OpCodes_.Conv_U8); break;
            case 4: _il.Emit(OpCodes_.Ldind_U4); _il.Emit(OpCodes_.Conv_U8); break;
            default: _il.Emit(OpCodes_.Ldind_I8); break;
        }
    }

    /// <summary>Tail-call helpers whose JIT-compiled targets compiled code may enter, with the method that finds the target's entry.</summary>
    private static readonly Dictionary<MethodInfo, MethodInfo> DirectTailCallEntries = new()
    {
        [typeof(Helpers.TailCallHelper).GetMethod(nameof(Helpers.TailCallHelper.TailCall))!] = DirectTailCallEntry,
        [typeof(Helpers.TailCallHelper).GetMethod(nameof(Helpers.TailCallHelper.TailCallErrno))!] = DirectTailCallEntry,
    };

    /// <summary>The fast path of both ABIs' tail calls: it only succeeds, so failure codes stay with the helper.</summary>
    private static MethodInfo DirectTailCallEntry =>
        typeof(Helpers.TailCallHelper).GetMethod(nameof(Helpers.TailCallHelper.DirectTailCallEntry), BindingFlags.NonPublic | BindingFlags.Static)!;

    private static readonly MethodInfo InvokeEntry = typeof(JitEntry).GetMethod(nameof(JitEntry.Invoke))!;
    private static readonly MethodInfo InvokeHelper = typeof(HelperFunction).GetMethod(nameof(HelperFunction.Invoke))!;
    private static readonly FieldInfo DelegatesField = typeof(JitClosure).GetField(nameof(JitClosure.Delegates))!;
    private static readonly FieldInfo TargetsField = typeof(JitClosure).GetField(nameof(JitClosure.Targets))!;
    private static readonly FieldInfo WideValuesField = typeof(JitClosure).GetField(nameof(JitClosure.WideValues))!;
    private static readonly FieldInfo ArrayLayoutsField = typeof(JitClosure).GetField(nameof(JitClosure.ArrayLayouts))!;

    private void EmitHelperCall(int pc)
    {
        var il = _il;
        var helper = _callTargets[pc]!;
        var method = helper.Method;
        // Every ABI's tail call (ids and names differ: Linux's prototype is "tail_call"), and any other so named.
        _callsTailCall |= DirectTailCallEntries.ContainsKey(method) || _helpers.NameOf((uint)_code[pc].Imm) == "bpf_tail_call";
        int ordinal = _delegates.Count;
        _delegates.Add(helper);
        _targets.Add(helper.Target);
        _delegatePcs.Add(pc);

        // From a called function's own method, a tail call stops the program by the helper's stop request instead.
        if (!_checked && _function == 0 && DirectTailCallEntries.TryGetValue(method, out var findEntry)) EmitDirectTailCall(findEntry);
        if (!_checked && MapLookups.Contains(method) && MapReferenceBefore(pc, 1) is { } mapReference &&
            Maps.MapRegistry.TryGetByHandle((nint)_wideValues[mapReference]) is Maps.ArrayMap array)
        {
            if (_relocatable) _arrayLookupMaps.Add(mapReference);
            EmitArrayLookup(array);
            return;
        }
        il.Emit(OpCodes_.Ldarg_3);
        LdcI4(pc);
        il.Emit(OpCodes_.Call, SetProgramCounter);

        bool direct = _options.DirectHelperCalls && !_relocatable && method is not DynamicMethod && method.DeclaringType is { IsValueType: false };
        if (direct && method.IsStatic && helper.Target is null)
        {
            for (int i = 1; i <= 5; i++) Ld(i);
            il.Emit(OpCodes_.Ldarg_3);
            il.Emit(OpCodes_.Call, method);
        }
        else if (direct && !method.IsStatic && !method.IsVirtual && helper.Target is not null)
        {
            il.Emit(OpCodes_.Ldarg_0);
            il.Emit(OpCodes_.Ldfld, TargetsField);
            LdcI4(ordinal);
            il.Emit(OpCodes_.Ldelem_Ref);
            il.Emit(OpCodes_.Castclass, method.DeclaringType!);
            for (int i = 1; i <= 5; i++) Ld(i);
            il.Emit(OpCodes_.Ldarg_3);
            il.Emit(OpCodes_.Call, method);
        }
        else
        {
            il.Emit(OpCodes_.Ldarg_0);
            il.Emit(OpCodes_.Ldfld, DelegatesField);
            LdcI4(ordinal);
            il.Emit(OpCodes_.Ldelem_Ref);
            for (int i = 1; i <= 5; i++) Ld(i);
            il.Emit(OpCodes_.Ldarg_3);
            il.Emit(OpCodes_.Callvirt, InvokeHelper);
        }
        St(0);
        EmitStopCheck();
    }

    /// <summary>
    /// A tail call whose target compiled code can enter: this program ends by running the target on the same
    /// request, frame top and context and returning its r0. When the finder declines (failure, a target only the
    /// invoker can run), the helper call that follows does the work as before. The program counter is left alone:
    /// only helpers read it, and the target sets it before each of its helper calls.
    /// </summary>
    private void EmitDirectTailCall(MethodInfo findEntry)
    {
        var il = _il;
        var viaHelper = il.DefineLabel();
        _tailCallEntry ??= il.DeclareLocal(typeof(JitEntry));
        il.Emit(OpCodes_.Ldarg_3);
        Ld(2);
        Ld(3);
        // This program's own stack: every run that reaches it has at least that much below the frame top.
        LdcI4(JitExecutor.StackBytesFor(_options, _hasLocalCalls, callsTailCall: true));
        il.Emit(OpCodes_.Call, findEntry);
        il.Emit(OpCodes_.Stloc, _tailCallEntry);
        il.Emit(OpCodes_.Ldloc, _tailCallEntry);
        il.Emit(OpCodes_.Brfalse, viaHelper);
        il.Emit(OpCodes_.Ldloc, _tailCallEntry);
        il.Emit(OpCodes_.Ldarg_1);
        il.Emit(OpCodes_.Ldarg_2);
        il.Emit(OpCodes_.Ldarg_3);
        // No tail. prefix: the .NET JIT turns this call + ret into a jump by itself when it can; where it cannot (a
        // frame with localloc) a prefixed call would take the slow helper-based tail call, a plain call nests (at
        // most 33 deep).
        il.Emit(OpCodes_.Callvirt, InvokeEntry);
        if (_inRegion)
        {
            St(0);
            il.Emit(OpCodes_.Br, _programReturn);
        }
        else
        {
            il.Emit(OpCodes_.Ret);
        }
        il.MarkLabel(viaHelper);
    }

    /// <summary>The bpf_map_lookup_elem implementation (every ABI's) that array lookups may replace.</summary>
    private static readonly HashSet<MethodInfo> MapLookups =
    [
        typeof(Helpers.MapHelpers).GetMethod(nameof(Helpers.MapHelpers.Lookup))!,
    ];

    private static readonly MethodInfo ProcessorSlot = typeof(JitRuntime).GetMethod(nameof(JitRuntime.ProcessorSlot))!;

    /// <summary>
    /// The map handle <paramref name="register"/> holds when the instruction at <paramref name="pc"/> runs, if an
    /// lddw map reference in the same straight-line run of code (nothing branches into it after the lddw) set it and
    /// nothing wrote the register since; else null.
    /// </summary>
    private ulong? MapHandleBefore(int pc, int register) => MapReferenceBefore(pc, register) is { } at ? _wideValues[at] : null;

    /// <summary>The slot of the lddw map reference <see cref="MapHandleBefore"/> finds, or null.</summary>
    private int? MapReferenceBefore(int pc, int register)
    {
        if (_branchedTo[pc]) return null;
        for (int at = pc - 1; at >= 0; at--)
        {
            if (!_starts[at]) continue;
            var insn = _code[at];
            if (insn.Opcode == OpCodes.LdDw && insn.Dst == register)
                return insn.Src == PseudoSource.MapFd ? at : null;
            if (Writes(insn, register) || _branchedTo[at]) return null;
        }
        return null;
    }

    /// <summary>Whether <paramref name="insn"/> may write <paramref name="register"/> (calls and jumps count as writes of r0-r5, or end the search).</summary>
    private static bool Writes(Instruction insn, int register) => insn.Class switch
    {
        OpClass.Alu32 or OpClass.Alu64 or OpClass.Ldx => insn.Dst == register,
        OpClass.Ld => insn.Dst == register || register == 0, // legacy packet loads write r0
        OpClass.Stx => insn.Mode == AccessMode.Atomic && ((insn.Imm & (int)AtomicOp.Fetch) != 0 && insn.Src == register ||
            (AtomicOp)insn.Imm == AtomicOp.Cmpxchg && register == 0),
        OpClass.St => false,
        _ => true, // jumps, calls, exit: stop looking
    };

    /// <summary>
    /// bpf_map_lookup_elem on an array map known at compile time, inline (as the kernel does): r0 = key &lt; max
    /// entries ? values + key * entry size (+ slot * stride for a per-CPU map) : 0, with the key read from r2.
    /// </summary>
    private void EmitArrayLookup(Maps.ArrayMap array)
    {
        var il = _il;
        var (values, maxEntries, entryBytes, perCpuStride) = array.InlineLayout;
        var missing = il.DefineLabel();
        var done = il.DefineLabel();
        Ld(2);
        il.Emit(OpCodes_.Conv_U);
        il.Emit(OpCodes_.Ldind_U4);
        il.Emit(OpCodes_.Stloc, _u32a);
        il.Emit(OpCodes_.Ldloc, _u32a);
        LdcI4(unchecked((int)maxEntries));
        il.Emit(OpCodes_.Bge_Un, missing);
        LdcLayout(values, 0);
        il.Emit(OpCodes_.Ldloc, _u32a);
        il.Emit(OpCodes_.Conv_U8);
        LdcLayout(entryBytes, 1);
        il.Emit(OpCodes_.Mul);
        il.Emit(OpCodes_.Add);
        if (perCpuStride != 0)
        {
            il.Emit(OpCodes_.Ldarg_3);
            il.Emit(OpCodes_.Call, ProcessorSlot);
            il.Emit(OpCodes_.Conv_I8);
            LdcLayout(perCpuStride, 2);
            il.Emit(OpCodes_.Mul);
            il.Emit(OpCodes_.Add);
        }
        St(0);
        il.Emit(OpCodes_.Br, done);
        il.MarkLabel(missing);
        LdcI8(0);
        St(0);
        il.MarkLabel(done);
    }

    /// <summary>
    /// A value of the array map being looked up: the constant, or in relocatable code field <paramref name="field"/>
    /// of this lookup's layout in the closure (addresses and sizes that depend on the load and the machine).
    /// </summary>
    private void LdcLayout(long value, int field)
    {
        if (!_relocatable)
        {
            LdcI8(value);
            return;
        }
        _il.Emit(OpCodes_.Ldarg_0);
        _il.Emit(OpCodes_.Ldfld, ArrayLayoutsField);
        LdcI4((_arrayLookupMaps.Count - 1) * JitClosure.ArrayLayoutFields + field);
        _il.Emit(OpCodes_.Ldelem_I8);
    }

    private void EmitStopCheck()
    {
        _il.Emit(OpCodes_.Ldarg_3);
        _il.Emit(OpCodes_.Call, StopRequested);
        _il.Emit(OpCodes_.Brtrue, _stop);
    }

    private void EmitCallX(int pc, Instruction insn)
    {
        var il = _il;
        _callsTailCall = true; // the register may name bpf_tail_call
        il.Emit(OpCodes_.Ldarg_0);
        Ld(insn.Dst);
        LdcI4(pc);
        for (int i = 1; i <= 5; i++) Ld(i);
        il.Emit(OpCodes_.Ldarg_3);
        il.Emit(OpCodes_.Call, CallById);
        St(0);
        EmitStopCheck();
    }

    private void EmitLocalCall(int pc, Instruction insn)
    {
        var il = _il;
        int maxDepth = _options.MaxCallDepth;
        int callee = pc + 1 + insn.Imm;
        if (!_realCalls || _checkCallDepth)
        {
            var ok = il.DefineLabel();
            il.Emit(OpCodes_.Ldloc, _depth);
            LdcI4(1);
            il.Emit(OpCodes_.Add);
            LdcI4(maxDepth);
            il.Emit(OpCodes_.Blt, ok);
            LdcI4(pc);
            LdcI4(maxDepth);
            il.Emit(OpCodes_.Newobj, CallDepthExceeded);
            il.Emit(OpCodes_.Throw);
            il.MarkLabel(ok);
        }
        if (_realCalls)
        {
            // r0 = callee(the registers it reads) on the next frame down; the callee's own locals are its r6-r9, so
            // ours survive, as the call model restores them.
            il.Emit(OpCodes_.Ldarg_0);
            il.Emit(OpCodes_.Ldarg_1);
            Ld(10);
            LdcI8(Registers.StackSize);
            il.Emit(OpCodes_.Sub);
            il.Emit(OpCodes_.Ldarg_3);
            for (int i = 0; i < 10; i++)
                if ((_calleeReads[callee] & (1 << i)) != 0) Ld(i);
            il.Emit(OpCodes_.Ldloc, _depth);
            LdcI4(1);
            il.Emit(OpCodes_.Add);
            il.Emit(OpCodes_.Call, _functionMethods[_functions.FindIndex(f => f.Start == callee)]);
            St(0);
            if (_mayStop[callee]) EmitStopCheck(); // a helper in the callee stopped the program
            return;
        }
        EmitFrameAddress();
        for (int i = 0; i < 4; i++)
        {
            il.Emit(OpCodes_.Ldloc, _address);
            if (i != 0) { LdcI8(i * 8); il.Emit(OpCodes_.Add); }
            il.Emit(OpCodes_.Conv_U);
            Ld(6 + i);
            il.Emit(OpCodes_.Stind_I8);
        }
        il.Emit(OpCodes_.Ldloc, _address);
        LdcI8(32);
        il.Emit(OpCodes_.Add);
        il.Emit(OpCodes_.Conv_U);
        LdcI4(_returnSiteOfCall[pc]);
        il.Emit(OpCodes_.Stind_I4);
        il.Emit(OpCodes_.Ldloc, _depth);
        LdcI4(1);
        il.Emit(OpCodes_.Add);
        il.Emit(OpCodes_.Stloc, _depth);
        Ld(10);
        LdcI8(Registers.StackSize);
        il.Emit(OpCodes_.Sub);
        St(10);
        il.Emit(OpCodes_.Br, Target(pc + 1 + insn.Imm));
    }

    // ---- memory ----

    /// <summary>Pushes the access address (as native int) of [base + offset]; checked mode validates it first.</summary>
    private void EmitAddress(int pc, int baseRegister, short offset, int size, MemoryAccess access)
    {
        var il = _il;
        Ld(baseRegister);
        if (offset != 0) { LdcI8(offset); il.Emit(OpCodes_.Add); }
        if (_checked)
        {
            il.Emit(OpCodes_.Stloc, _address);
            il.Emit(OpCodes_.Ldarg_3);
            LdcI4(pc);
            il.Emit(OpCodes_.Ldloc, _address);
            LdcI8(size);
            LdcI4((int)access);
            il.Emit(OpCodes_.Call, CheckAccess);
            il.Emit(OpCodes_.Ldloc, _address);
        }
        il.Emit(OpCodes_.Conv_U);
    }

    private void EmitLoad(int pc, Instruction insn)
    {
        var il = _il;
        int size = insn.AccessSize.Bytes();
        bool signExtend = insn.Mode == AccessMode.MemSx;
        EmitAddress(pc, insn.Src, insn.Offset, size, MemoryAccess.Read);
        switch (size)
        {
            case 1: il.Emit(signExtend ? OpCodes_.Ldind_I1 : OpCodes_.Ldind_U1); break;
            case 2: il.Emit(signExtend ? OpCodes_.Ldind_I2 : OpCodes_.Ldind_U2); break;
            case 4: il.Emit(signExtend ? OpCodes_.Ldind_I4 : OpCodes_.Ldind_U4); break;
            default: il.Emit(OpCodes_.Ldind_I8); break;
        }
        if (size != 8) il.Emit(signExtend ? OpCodes_.Conv_I8 : OpCodes_.Conv_U8);
        St(insn.Dst);
    }

    private void EmitStore(int pc, Instruction insn)
    {
        var il = _il;
        int size = insn.AccessSize.Bytes();
        EmitAddress(pc, insn.Dst, insn.Offset, size, MemoryAccess.Write);
        if (insn.Class == OpClass.Stx) Ld(insn.Src);
        else if (size == 8) LdcI8(insn.Imm);
        else LdcI4(insn.Imm);
        switch (size)
        {
            case 1: il.Emit(OpCodes_.Stind_I1); break;
            case 2: il.Emit(OpCodes_.Stind_I2); break;
            case 4: il.Emit(OpCodes_.Stind_I4); break;
            default: il.Emit(OpCodes_.Stind_I8); break;
        }
    }

    private static MethodInfo Interlocked32(string name, int arity) => typeof(Interlocked).GetMethod(name,
        arity == 2 ? [typeof(int).MakeByRefType(), typeof(int)] : [typeof(int).MakeByRefType(), typeof(int), typeof(int)])!;

    private static MethodInfo Interlocked64(string name, int arity) => typeof(Interlocked).GetMethod(name,
        arity == 2 ? [typeof(long).MakeByRefType(), typeof(long)] : [typeof(long).MakeByRefType(), typeof(long), typeof(long)])!;

    // Memory-only atomics inline as the Interlocked intrinsics; atomics that write a register call JitRuntime.
    private static readonly MethodInfo Add32 = Interlocked32(nameof(Interlocked.Add), 2), Add64 = Interlocked64(nameof(Interlocked.Add), 2);
    private static readonly MethodInfo Or32 = Interlocked32(nameof(Interlocked.Or), 2), Or64 = Interlocked64(nameof(Interlocked.Or), 2);
    private static readonly MethodInfo And32 = Interlocked32(nameof(Interlocked.And), 2), And64 = Interlocked64(nameof(Interlocked.And), 2);
    private static readonly MethodInfo Xor32 = Runtime(nameof(JitRuntime.AtomicXor32)), Xor64 = Runtime(nameof(JitRuntime.AtomicXor64));
    private static readonly MethodInfo FetchAdd32 = Runtime(nameof(JitRuntime.AtomicFetchAdd32)), FetchAdd64 = Runtime(nameof(JitRuntime.AtomicFetchAdd64));
    private static readonly MethodInfo FetchOr32 = Runtime(nameof(JitRuntime.AtomicFetchOr32)), FetchOr64 = Runtime(nameof(JitRuntime.AtomicFetchOr64));
    private static readonly MethodInfo FetchAnd32 = Runtime(nameof(JitRuntime.AtomicFetchAnd32)), FetchAnd64 = Runtime(nameof(JitRuntime.AtomicFetchAnd64));
    private static readonly MethodInfo Exchange32 = Runtime(nameof(JitRuntime.AtomicExchange32)), Exchange64 = Runtime(nameof(JitRuntime.AtomicExchange64));
    private static readonly MethodInfo CompareExchange32 = Runtime(nameof(JitRuntime.AtomicCompareExchange32));
    private static readonly MethodInfo CompareExchange64 = Runtime(nameof(JitRuntime.AtomicCompareExchange64));

    private static MethodInfo Runtime(string name) => typeof(JitRuntime).GetMethod(name)!;

    private void EmitAtomic(int pc, Instruction insn)
    {
        var il = _il;
        bool wide = insn.AccessSize == AccessSize.Double;
        int size = wide ? 8 : 4;
        int src = insn.Src;
        var op = (AtomicOp)(insn.Imm & ~(int)AtomicOp.Fetch);
        bool fetch = (insn.Imm & (int)AtomicOp.Fetch) != 0;
        EmitAddress(pc, insn.Dst, insn.Offset, size, MemoryAccess.ReadWrite);
        Ld(src);
        if (!wide) il.Emit(OpCodes_.Conv_I4);
        if (op == (AtomicOp.Cmpxchg & ~AtomicOp.Fetch))
        {
            // r0 = old value (zero-extended for 32 bits); the memory takes src if it held r0.
            Ld(0);
            if (!wide) il.Emit(OpCodes_.Conv_I4);
            il.Emit(OpCodes_.Call, wide ? CompareExchange64 : CompareExchange32);
            if (!wide) il.Emit(OpCodes_.Conv_U8);
            St(0);
            return;
        }
        if (!fetch)
        {
            il.Emit(OpCodes_.Call, op switch
            {
                AtomicOp.Add => wide ? Add64 : Add32,
                AtomicOp.Or => wide ? Or64 : Or32,
                AtomicOp.And => wide ? And64 : And32,
                _ => wide ? Xor64 : Xor32,
            });
            il.Emit(OpCodes_.Pop);
            return;
        }
        il.Emit(OpCodes_.Call, op switch
        {
            AtomicOp.Add => wide ? FetchAdd64 : FetchAdd32,
            AtomicOp.Or => wide ? FetchOr64 : FetchOr32,
            AtomicOp.And => wide ? FetchAnd64 : FetchAnd32,
            AtomicOp.Xor => wide ? Xor64 : Xor32,
            _ => wide ? Exchange64 : Exchange32,
        });
        if (!wide) il.Emit(OpCodes_.Conv_U8);
        St(src);
    }

    /// <summary>Legacy ABS/IND loads: big-endian, bounds-checked against the request's packet; out of bounds returns 0.</summary>
    private void EmitLegacyLoad(Instruction insn)
    {
        var il = _il;
        int size = insn.AccessSize.Bytes();
        if (insn.Mode == AccessMode.Ind)
        {
            Ld(insn.Src);
            il.Emit(OpCodes_.Conv_U4);
            il.Emit(OpCodes_.Conv_U8);
            LdcI8(insn.Imm);
            il.Emit(OpCodes_.Add);
        }
        else
        {
            LdcI8(insn.Imm);
        }
        il.Emit(OpCodes_.Stloc, _address);
        il.Emit(OpCodes_.Ldloc, _address);
        il.Emit(OpCodes_.Ldloc, _packetLength);
        il.Emit(OpCodes_.Bgt_Un, _returnZero);
        il.Emit(OpCodes_.Ldloc, _packetLength);
        il.Emit(OpCodes_.Ldloc, _address);
        il.Emit(OpCodes_.Sub);
        LdcI8(size);
        il.Emit(OpCodes_.Blt_Un, _returnZero);
        il.Emit(OpCodes_.Ldloc, _packet);
        il.Emit(OpCodes_.Ldloc, _address);
        il.Emit(OpCodes_.Add);
        il.Emit(OpCodes_.Conv_U);
        switch (size)
        {
            case 1: il.Emit(OpCodes_.Ldind_U1); break;
            case 2: il.Emit(OpCodes_.Ldind_U2); il.Emit(OpCodes_.Call, Swap16); break;
            default: il.Emit(OpCodes_.Ldind_U4); il.Emit(OpCodes_.Call, Swap32); break;
        }
        il.Emit(OpCodes_.Conv_U8);
        St(0);
    }

    private static readonly ConstructorInfo BudgetExceeded = typeof(InstructionBudgetExceededException).GetConstructor([typeof(int), typeof(long)])!;
    private static readonly ConstructorInfo CallDepthExceeded = typeof(CallDepthExceededException).GetConstructor([typeof(int), typeof(int)])!;
    private static readonly MethodInfo CallById = typeof(JitRuntime).GetMethod(nameof(JitRuntime.CallById))!;
    private static readonly MethodInfo CheckAccess = typeof(JitRuntime).GetMethod(nameof(JitRuntime.CheckAccess))!;
    private static readonly MethodInfo StopRequested = Getter(typeof(HelperCallContext), nameof(HelperCallContext.StopRequested));
    private static readonly MethodInfo StopValue = Getter(typeof(HelperCallContext), nameof(HelperCallContext.StopValue));
    private static readonly MethodInfo SetProgramCounter = Setter(typeof(HelperCallContext), nameof(HelperCallContext.ProgramCounter));

    private static MethodInfo Getter(Type type, string property) =>
        type.GetProperty(property, BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance)!.GetMethod!;

    private static MethodInfo Setter(Type type, string property) =>
        type.GetProperty(property, BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance)!.SetMethod!;
}
