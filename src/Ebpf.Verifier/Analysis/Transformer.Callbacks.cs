using Ebpf.Verifier.Domains;
using Ebpf.Verifier.Ir;
using Ebpf.Verifier.Platforms;
using static Ebpf.Verifier.Domains.TypeFlags;

namespace Ebpf.Verifier.Analysis;

/// <summary>
/// Helpers that call a callback (bpf_loop, bpf_for_each_map_elem). The CFG makes the call a loop of unknown count:
/// the call's node checks the arguments (its state is the join over any number of callback calls), an edge into each
/// subprogram the function argument may name sets up the callback's registers as the kernel does, the callback's exits
/// return to the call's node with the caller's registers restored, and the edge past the call applies its result.
/// </summary>
internal sealed partial class Transformer
{
    /// <summary>bpf_loop's cap on nr_loops (the kernel's BPF_MAX_LOOPS): above it the helper calls nothing.</summary>
    public const long MaxLoops = 1 << 23;

    /// <summary>The callback registers of the caller at the call: r0-r10, restored whole on each return.</summary>
    private const int CallerRegisters = 11;

    /// <summary>The kernel's rules for the arguments other than the function (checked at the call's node).</summary>
    private void CheckCallbackHelper(CallbackKind callback)
    {
        if (callback == CallbackKind.Loop) Require(1, Number);
        if (_s.IsBottom) return;
        if (Require(4, Number) && Constant(4) != 0) Fail("Flags must be 0 (r4 == 0)", 4);
    }

    /// <summary>
    /// Into callback <paramref name="target"/> of the call whose arguments the state holds: bottom unless r2 may name
    /// it. Saves the caller's registers; the callee gets the kernel's argument types and a fresh frame.
    /// </summary>
    public void EnterCallback(AbstractState state, int callerDepth, CallbackKind callback, int target)
    {
        _s = state;
        _frame = callerDepth + 1;
        _sink = null;
        if ((T(2) & Function) == 0) { _s.Zone.SetBottom(); return; }
        SetK(2, K(2) with { Types = Function });
        _s.Zone.Restrict(Off(2), Interval.Const(target));
        if (_s.IsBottom) return;
        var saved = new StackValue[CallerRegisters];
        for (int r = 0; r < CallerRegisters; r++) saved[r] = SnapshotRegister(r);
        state.PushSaved(saved);
        switch (callback)
        {
            case CallbackKind.Loop:
            {
                // u32 nr_loops: the index lies below it (when the upper bits are known clear) and below the cap.
                var count = UView(1);
                Int128 bound = count.Hi <= uint.MaxValue ? Int128.Min(count.Hi, MaxLoops) : MaxLoops;
                if (count.Lo > MaxLoops && count.Hi <= uint.MaxValue || bound < 1) { _s.Zone.SetBottom(); return; }
                CopyRegister(2, 3);
                SetNumber(1, new Interval(0, bound - 1), new Interval(0, bound - 1));
                SetUninitialized(3);
                SetUninitialized(4);
                break;
            }
            case CallbackKind.ForEachMapElement:
            {
                if (ElementSizes(K(1)) is not var (key, value, readOnly)) { _s.Zone.SetBottom(); return; }
                CopyRegister(4, 3);
                SetElementPointer(2, key, true);
                SetElementPointer(3, value, readOnly);
                break;
            }
        }
        SetUninitialized(0);
        SetUninitialized(5);
        for (int r = 6; r <= 9; r++) SetUninitialized(r);
        _s.Zone.AssignVariable(Off(10), Off(10), Interval.Const(-Isa.Registers.StackSize));
    }

    /// <summary>Back at the call's node after one call of the callback: the caller's registers as they were, the callee's frame dead.</summary>
    public void ReturnFromCallback(AbstractState state, int calleeDepth)
    {
        _s = state;
        _frame = calleeDepth - 1;
        _sink = null;
        var saved = state.PopSaved();
        var calleeFrame = _s.Zone.Get(Off(10));
        bool stackFrame = calleeFrame.IsSingleton && T(10) == Stack;
        for (int r = 0; r < CallerRegisters; r++)
        {
            SetUninitialized(r);
            RestoreFromCell(r, saved[r]);
        }
        if (stackFrame) state.Stack.Forget((int)calleeFrame.Lo - Isa.Registers.StackSize, (int)calleeFrame.Lo);
    }

    /// <summary>Past the call: r1-r5 clobbered, r0 the helper's result (a count of calls, or an error).</summary>
    public void FinishCallbackHelper(AbstractState state, int depth)
    {
        _s = state;
        _frame = depth;
        _sink = null;
        ClobberAfterCall();
        SetNumber(0, Interval.Signed64, Interval.Unsigned64);
    }

    /// <summary>The kernel's rule for callbacks of bpf_loop and bpf_for_each_map_elem: r0 is 0 (go on) or 1 (stop).</summary>
    public void CheckCallbackReturn(AbstractState state, int pc, int depth, List<Finding>? sink)
    {
        _s = state;
        _frame = depth;
        _pc = pc;
        _sink = sink;
        if (!Require(0, Number)) return;
        if (!SView(0).IsWithin(new Interval(0, 1)))
        {
            Fail("Callback must return 0 or 1 (r0 in [0, 1])", 0);
            _s.Zone.Restrict(Sv(0), new Interval(0, 1));
        }
    }

    /// <summary>r2 must not name a subprogram already on the call stack (the CFG enters none of them).</summary>
    public void CheckNotRecursive(AbstractState state, int pc, int depth, List<int> targets, List<Finding>? sink)
    {
        _s = state;
        _frame = depth;
        _pc = pc;
        _sink = sink;
        if ((T(2) & Function) == 0) return;
        var named = _s.Zone.Get(Off(2));
        foreach (int t in targets)
        {
            if (!Interval.Const(t).IsWithin(named)) continue;
            Fail($"Callback recursion: r2 may name the subprogram at {t}, which is on the call stack", 2);
            return;
        }
    }

    /// <summary>
    /// The key and value sizes every map the descriptor may designate has at least (what a callback may address), and
    /// whether any is read-only. Null when a map is not known.
    /// </summary>
    private (uint Key, uint Value, bool ReadOnly)? ElementSizes(RegisterKind kind)
    {
        if (kind.MapReference == RegisterKind.UnknownMap) return null;
        uint key = uint.MaxValue, value = uint.MaxValue;
        bool readOnly = false;
        for (int r = kind.MapReference; r <= kind.LastMapReference; r++)
        {
            if (!kind.MayDesignate(r)) continue;
            if (ResolveMap(r) is not { } m) return null;
            key = Math.Min(key, m.KeySize);
            value = Math.Min(value, m.ValueSize);
            readOnly |= m.ReadOnly;
        }
        return key == uint.MaxValue ? null : (key, value, readOnly);
    }

    /// <summary>r := a non-null pointer to the start of a map element's key or value of <paramref name="size"/> bytes.</summary>
    private void SetElementPointer(int r, uint size, bool readOnly)
    {
        SetUninitialized(r);
        SetK(r, new RegisterKind(Shared, RegisterKind.UnknownMap, Interval.Const(size), MayBeReadOnly: readOnly));
        _s.Zone.Assign(Off(r), Interval.Const(0));
        _s.Zone.Assign(Uv(r), NonNull);
    }

    private void LoadFunction(LoadFunctionInstruction f)
    {
        SetUninitialized(f.Dst);
        SetK(f.Dst, new RegisterKind(Function, RegisterKind.UnknownMap, Interval.Bottom));
        _s.Zone.Assign(Off(f.Dst), Interval.Const(f.Target));
        _s.Zone.Assign(Uv(f.Dst), NonNull);
    }
}
