using Ebpf.Platform;
using Ebpf.Verifier.Domains;
using Ebpf.Verifier.Ir;
using Ebpf.Verifier.Platforms;
using static Ebpf.Verifier.Domains.TypeFlags;

namespace Ebpf.Verifier.Analysis;

internal sealed partial class Transformer
{
    /// <summary>Map references at or above this designate the inner map of map (reference - base).</summary>
    private const int InnerMapBase = 1 << 24;

    private MapDescriptor? ResolveMap(int reference)
    {
        if (reference == RegisterKind.UnknownMap) return null;
        if (reference >= InnerMapBase) return ResolveMap(reference - InnerMapBase)?.Inner;
        return _platform.FindMap(reference, false) ?? _platform.FindMap(reference, true);
    }

    /// <summary>
    /// The maps a descriptor register may designate, summarised conservatively: the largest key and value (what a
    /// helper may read) and the smallest value (what a lookup's result may address). Null when any is unknown or the
    /// kinds differ.
    /// </summary>
    private (MapDescriptor Largest, uint SmallestValue)? ResolveMaps(RegisterKind kind)
    {
        if (kind.MapReference == RegisterKind.UnknownMap) return null;
        MapDescriptor? first = null;
        uint maxKey = 0, maxValue = 0, minValue = uint.MaxValue;
        bool anyReadOnly = false;
        for (int r = kind.MapReference; r <= kind.LastMapReference; r++)
        {
            if (!kind.MayDesignate(r)) continue;
            var m = ResolveMap(r);
            if (m is null) return null;
            if (first is not null && (m.ValueKind != first.ValueKind || (m.Inner is null) != (first.Inner is null))) return null;
            first ??= m;
            maxKey = Math.Max(maxKey, m.KeySize);
            maxValue = Math.Max(maxValue, m.ValueSize);
            minValue = Math.Min(minValue, m.ValueSize);
            anyReadOnly |= m.ReadOnly;
        }
        return first is null ? null : (first with { KeySize = maxKey, ValueSize = maxValue, ReadOnly = anyReadOnly }, minValue);
    }

    /// <summary>
    /// A map argument must be a map, never the null a map-of-maps lookup may return (its inner-map reference): the
    /// helper dereferences it. A map the program names itself (lddw) is never null.
    /// </summary>
    private bool RequireNonNullMap(int reg)
    {
        if (K(reg).MapReference < InnerMapBase || UView(reg).Lo >= 1) return true;
        Fail($"Possible null access (r{reg} != 0 for a map argument)", reg);
        return false;
    }

    /// <summary>Every map <paramref name="kind"/> may designate must be of a type the helper serves (the platform's table).</summary>
    private void CheckMapHelper(HelperPrototype helper, RegisterKind kind, int reg)
    {
        if (kind.MapReference == RegisterKind.UnknownMap) return;
        for (int r = kind.MapReference; r <= kind.LastMapReference; r++)
        {
            if (!kind.MayDesignate(r)) continue;
            if (ResolveMap(r) is not { } m) continue;
            if (_platform.CheckMapHelper(helper, m) is { } reason)
            {
                Fail($"{reason} (r{reg}.map_fd)", reg);
                return;
            }
            if (helper.ModifiesMap && m.ReadOnly)
            {
                Fail($"write into map forbidden: {helper.Name} changes a map programs may only read (r{reg}.map_fd)", reg);
                return;
            }
        }
    }

    private void CallRegister(CallRegisterInstruction cx)
    {
        if (!Require(cx.Register, Number)) return;
        // The helper id is the register's unsigned value: the same one the dispatch uses.
        var idValue = UView(cx.Register);
        if (!idValue.IsSingleton || idValue.Lo > int.MaxValue)
        {
            Fail($"callx helper function id is not a valid singleton (r{cx.Register}.type is helper)", cx.Register);
            ClobberAfterCall();
            SetNumber(0, Interval.Signed64, Interval.Unsigned64);
            return;
        }
        CallHelper((int)idValue.Lo, cx.Register);
    }

    /// <summary>
    /// A call to a global function must honour its prototype: numbers where it takes numbers, the unmodified context
    /// where it takes the context, and null (when allowed) or a pointer to enough memory where it takes memory.
    /// </summary>
    private void CheckGlobalCall(int target)
    {
        if (_options.GlobalFunctions is null || !_options.GlobalFunctions.TryGetValue(target, out var arguments)) return;
        for (int i = 0; i < arguments.Length && i < 5 && !_s.IsBottom; i++)
        {
            int reg = i + 1;
            var a = arguments[i];
            switch (a.Kind)
            {
                case FunctionArgumentKind.Number:
                    Require(reg, Number);
                    break;
                case FunctionArgumentKind.Context:
                    RequireContext(reg);
                    break;
                case FunctionArgumentKind.Memory:
                    if (a.Nullable && T(reg) == Number && Constant(reg) == 0) break;
                    // A field of the context is memory too (eBPF for Windows' bindmonitor_bpf2bpf passes
                    // &ctx->process_id): its bounds are the context's, and the body, analysed inline at this call,
                    // still meets the context's write rules.
                    if (!Require(reg, Stack | Packet | Shared | Context)) break;
                    if ((T(reg) & Shared) != 0 && UView(reg).Lo < 1 && !a.Nullable)
                        Fail($"Possible null access (r{reg} != 0 for a non-null argument)", reg);
                    if (a.Size <= 0) break;
                    // The bounds hold for the non-null pointer; the null case (allowed here) is the callee's to check.
                    var caller = _s;
                    _s = caller.Clone();
                    if ((T(reg) & Shared) != 0) _s.Zone.Restrict(Uv(reg), NonNull);
                    if (!_s.IsBottom) CheckAccess(reg, 0, a.Size, "read");
                    _s = caller;
                    break;
            }
        }
    }

    private void ClobberAfterCall()
    {
        for (int r = 1; r <= 5; r++) SetUninitialized(r);
    }

    private void CallHelper(int id, int idRegister = -1)
    {
        var proto = _platform.FindHelper(id);
        if (proto is null || proto.ReturnType == ReturnType.Unsupported)
        {
            Fail(idRegister >= 0
                ? $"invalid helper function id {id} (r{idRegister}.type is helper)"
                : $"invalid helper function id {id}");
            ClobberAfterCall();
            SetNumber(0, Interval.Signed64, Interval.Unsigned64);
            return;
        }

        MapDescriptor? map = null;
        int released = 0;
        uint smallestValue = 0;
        RegisterKind mapKind = default;
        Interval allocSize = Interval.Bottom;
        int mapReference = RegisterKind.UnknownMap;
        var args = proto.Arguments;
        var callback = _platform.CallbackOf(id);
        for (int i = 0; i < args.Length; i++)
        {
            int reg = i + 1;
            var next = i + 1 < args.Length ? args[i + 1] : ArgumentType.DontCare;
            switch (args[i])
            {
                case ArgumentType.DontCare:
                    break;
                case ArgumentType.Anything:
                    // A pointer here would hand its address to the helper (and through it, to the outside).
                    Require(reg, _platform.IsPrivileged ? Initialized : Number);
                    break;
                case ArgumentType.ConstSize or ArgumentType.ConstSizeOrZero or ArgumentType.ConstAllocSizeOrZero:
                    if (Require(reg, Number) && args[i] == ArgumentType.ConstSize && UView(reg).Lo < 1)
                    {
                        Fail($"Invalid size (r{reg}.value > 0)", reg);
                    }
                    if (args[i] == ArgumentType.ConstAllocSizeOrZero && T(reg) == Number)
                    {
                        // The record's size is fixed at reservation: the kernel takes only a known constant.
                        allocSize = UView(reg);
                        if (!allocSize.IsSingleton) Fail($"r{reg} is not a known constant (the size of the record {proto.Name} allocates)", reg);
                    }
                    break;
                case ArgumentType.PtrToCtx:
                    RequireContext(reg);
                    break;
                case ArgumentType.PtrToCtxOrNull:
                    if (T(reg) == Number && Constant(reg) == 0) break;
                    RequireContext(reg);
                    break;
                case ArgumentType.PtrToMap or ArgumentType.ConstPtrToMap:
                    // A program array serves bpf_tail_call only (as the kernel's map/helper compatibility check has
                    // it): its values are programs, never data a program may read or write.
                    if (Require(reg, MapFd))
                    {
                        mapKind = K(reg);
                        mapReference = mapKind.MapReference;
                        if (ResolveMaps(mapKind) is var (largest, smallest))
                        {
                            map = largest;
                            smallestValue = smallest;
                        }
                        if (map is null) Fail($"Map descriptor of r{reg} is not known (r{reg}.map_fd is a singleton)", reg);
                        else if (RequireNonNullMap(reg)) CheckMapHelper(proto, K(reg), reg);
                    }
                    break;
                case ArgumentType.PtrToMapOfPrograms:
                    if (Require(reg, MapFdPrograms) && RequireNonNullMap(reg)) CheckMapHelper(proto, K(reg), reg);
                    // The tail call never returns: a record still held could never be released.
                    if (_options.RequireReferencesReleased && _s.HeldReferences.Length > 0)
                        Fail($"{proto.Name} would leak a reference: {DescribeReference(_s.HeldReferences[0])} is still held");
                    break;
                case ArgumentType.PtrToAllocMem:
                    released = RequireReleasable(proto, reg);
                    break;
                case ArgumentType.PtrToMapKey:
                    if (map is not null) CheckMemoryArgument(reg, Interval.Const(map.KeySize), false, false, $"within(r{reg}:key_size(r1))");
                    else Require(reg, Stack | Packet | Shared);
                    break;
                case ArgumentType.PtrToMapValue or ArgumentType.PtrToUninitMapValue:
                    bool output = args[i] == ArgumentType.PtrToUninitMapValue || proto.WritesMapValue;
                    if (map is not null) CheckMemoryArgument(reg, Interval.Const(map.ValueSize), output, false, $"within(r{reg}:value_size(r1))");
                    else Require(reg, Stack | Packet | Shared);
                    break;
                case ArgumentType.PtrToReadableMem or ArgumentType.PtrToReadonlyMem:
                    CheckMemoryArgument(reg, SizeArgument(reg + 1, next), false, false, null, reg + 1);
                    break;
                case ArgumentType.PtrToReadableMemOrNull or ArgumentType.PtrToReadonlyMemOrNull:
                    CheckMemoryArgument(reg, SizeArgument(reg + 1, next), false, true, null, reg + 1);
                    break;
                case ArgumentType.PtrToWritableMem:
                    CheckMemoryArgument(reg, SizeArgument(reg + 1, next), true, false, null, reg + 1);
                    break;
                case ArgumentType.PtrToWritableMemOrNull:
                    CheckMemoryArgument(reg, SizeArgument(reg + 1, next), true, true, null, reg + 1);
                    break;
                case ArgumentType.PtrToLong:
                    CheckMemoryArgument(reg, Interval.Const(8), true, false, null);
                    break;
                case ArgumentType.PtrToInt:
                    CheckMemoryArgument(reg, Interval.Const(4), true, false, null);
                    break;
                case ArgumentType.PtrToStack:
                    Require(reg, Stack);
                    break;
                case ArgumentType.PtrToStackOrNull:
                    if (T(reg) == Number && Constant(reg) == 0) break;
                    Require(reg, Stack);
                    break;
                case ArgumentType.PtrToFunc when callback != CallbackKind.None:
                    Require(reg, Function);
                    break;
                case ArgumentType.PtrToSockCommon or ArgumentType.PtrToBtfIdSockCommon or ArgumentType.PtrToBtfId:
                    Require(reg, Socket);
                    if (UView(reg).Lo < 1) Fail($"Possible null access (r{reg} != 0)", reg);
                    break;
                default:
                    Fail($"helper {proto.Name} ({id}): argument {i + 1} of kind {args[i]} is not supported", reg);
                    break;
            }
            if (_s.IsBottom) return;
        }

        if (released != 0) _s.Release(released);
        if (callback != CallbackKind.None)
        {
            // The call's effect is on the CFG's edges: the callback's calls, then FinishCallbackHelper.
            CheckCallbackHelper(callback);
            return;
        }
        ClobberAfterCall();
        if (proto.ReallocatePacket) InvalidatePacketPointers();
        int origin = _pc + 1;
        if (proto.ReturnType == ReturnType.PtrToAllocMemOrNull && _s.Holds(origin))
        {
            // One reference per acquiring instruction: executed again while its record is held, the first is lost.
            Fail($"Unreleased reference: {DescribeReference(origin)} may still be held when it executes again");
            return;
        }
        _s.ClearOrigin(origin);
        switch (proto.ReturnType)
        {
            case ReturnType.Integer or ReturnType.IntegerOrNoReturnIfSucceed:
                SetNumber(0, Interval.Signed64, Interval.Unsigned64);
                break;
            case ReturnType.PtrToMapValueOrNull:
                SetUninitialized(0);
                if (map is null)
                {
                    SetNumber(0, Interval.Signed64, Interval.Unsigned64);
                    break;
                }
                if (map.ValueKind == MapValueKind.Maps && map.Inner is not null)
                {
                    _s.SetKind(0, 0, new RegisterKind(map.Inner.ValueKind == MapValueKind.Programs ? MapFdPrograms : MapFd,
                        mapReference + InnerMapBase, Interval.Bottom, mapKind.LastMapReference + InnerMapBase));
                }
                else
                {
                    _s.SetKind(0, 0, new RegisterKind(Shared, RegisterKind.UnknownMap, Interval.Const(smallestValue), Origin: origin,
                        MayBeReadOnly: map.ReadOnly));
                    _s.Zone.Assign(Off(0), Interval.Const(0));
                }
                _s.Zone.Assign(Uv(0), MaybeNull);
                break;
            case ReturnType.PtrToAllocMemOrNull when !allocSize.IsBottom:
                // A ring buffer record, or null: shared with the outside, of the requested size, and a reference the
                // program holds until it submits or discards it (a null check's null branch drops it).
                SetUninitialized(0);
                _s.Acquire(origin);
                _s.SetKind(0, 0, new RegisterKind(Shared, RegisterKind.UnknownMap, new Interval(allocSize.Lo, allocSize.Lo), Origin: origin,
                    Reference: origin));
                _s.Zone.Assign(Off(0), Interval.Const(0));
                _s.Zone.Assign(Uv(0), MaybeNull);
                break;
            case ReturnType.PtrToSocketOrNull or ReturnType.PtrToTcpSocketOrNull or ReturnType.PtrToSockCommonOrNull:
                SetUninitialized(0);
                _s.SetKind(0, 0, new RegisterKind(Socket, RegisterKind.UnknownMap, Interval.Bottom, Origin: origin));
                _s.Zone.Assign(Off(0), Interval.Const(0));
                _s.Zone.Assign(Uv(0), MaybeNull);
                break;
            default:
                Fail($"helper {proto.Name} ({id}): return kind {proto.ReturnType} is not supported");
                SetNumber(0, Interval.Signed64, Interval.Unsigned64);
                break;
        }
    }

    /// <summary>How a finding names reference <paramref name="reference"/>: by its acquiring instruction.</summary>
    private static string DescribeReference(int reference) => $"the ring buffer record reserved at instruction {reference - 1}";

    /// <summary>
    /// A release helper's argument must be, exactly, a record the program still holds: not null, not moved from the
    /// record's start, and one reference (not a join of several, nor of a record and a map value). Returns it, or 0.
    /// </summary>
    private int RequireReleasable(HelperPrototype proto, int reg)
    {
        var k = K(reg);
        if (!Require(reg, Shared | Number)) return 0;
        if ((k.Types & Shared) == 0 || k.Reference == 0)
        {
            Fail($"{proto.Name} releases only a record from bpf_ringbuf_reserve: r{reg} is not one", reg);
            return 0;
        }
        if (k.Reference == RegisterKind.AnyReference)
        {
            Fail($"{proto.Name}: r{reg} may point into more than one record, or into a map value (r{reg} must be one reserved record)", reg);
            return 0;
        }
        if (!_s.Holds(k.Reference))
        {
            Fail($"{proto.Name}: {DescribeReference(k.Reference)} is released twice (r{reg})", reg);
            return 0;
        }
        if (UView(reg).Lo < 1)
        {
            Fail($"Possible null access (r{reg} != 0 for {proto.Name}: null-check the record first)", reg);
            return 0;
        }
        if (_s.Zone.Get(Off(reg)) != Interval.Const(0))
        {
            Fail($"{proto.Name}: r{reg} must point to the start of the record (r{reg}.offset == 0)", reg);
            return 0;
        }
        return k.Reference;
    }

    /// <summary>Every reference must be released before the program exits (the kernel's "Unreleased reference").</summary>
    public void CheckReferencesReleased(AbstractState state, int pc, List<Finding>? sink)
    {
        _s = state;
        _frame = 0;
        _pc = pc;
        _sink = sink;
        foreach (int reference in state.HeldReferences)
            Fail($"Unreleased reference: {DescribeReference(reference)} is neither submitted nor discarded before exit");
    }

    private void RequireContext(int reg)
    {
        if (!Require(reg, Context)) return;
        var off = _s.Zone.Get(Off(reg));
        if (off != Interval.Const(0))
        {
            Fail($"Context pointer must be unmodified (r{reg}.ctx_offset == 0)", reg);
            _s.Zone.Restrict(Off(reg), Interval.Const(0));
        }
    }

    private Interval SizeArgument(int reg, ArgumentType kind)
    {
        if (kind is not (ArgumentType.ConstSize or ArgumentType.ConstSizeOrZero))
            return Interval.Const(0);
        if (T(reg) != Number) return Interval.Const(0);
        return UView(reg);
    }

    /// <summary>
    /// A helper reads or writes <paramref name="size"/> bytes at the pointer in <paramref name="reg"/>; the size is
    /// the value of <paramref name="sizeRegister"/> when a register holds it.
    /// </summary>
    private void CheckMemoryArgument(int reg, Interval size, bool write, bool orNull, string? what, int sizeRegister = -1)
    {
        if (orNull && T(reg) == Number && Constant(reg) == 0) return;
        var allowed = Stack | Packet | Shared;
        if (!Require(reg, allowed)) return;
        if (size.Hi == 0) return;
        if (T(reg) == Packet && sizeRegister >= 0 && FitsInPacket(reg, sizeRegister))
        {
            // The region [ptr, ptr + size) ends within the packet by relation (size = end - start of the context's
            // data/end pair), whatever the size's numeric bound: only the start still needs checking.
            CheckAccess(reg, 0, 0, write ? "write" : "read");
            return;
        }
        if (size.Hi > 1 << 20)
        {
            Fail($"Invalid size (r{reg + 1}.value <= {1 << 20})", reg + 1);
            return;
        }
        int width = (int)size.Hi;
        var before = _sink?.Count ?? 0;
        CheckAccess(reg, 0, width, write ? "write" : "read");
        if (_sink is not null && what is not null)
        {
            for (int i = before; i < _sink.Count; i++)
            {
                var f = _sink[i];
                int open = f.Message.IndexOf(" (", StringComparison.Ordinal);
                if (open > 0) _sink[i] = f with { Message = f.Message[..open] + $" ({what})" };
            }
        }
        if (_s.IsBottom || T(reg) != Stack) return;
        var off = _s.Zone.Get(Off(reg));
        if (!off.HasFiniteBounds) return;
        int lo = (int)off.Lo, hi = (int)off.Hi;
        if (write)
        {
            if (off.IsSingleton && size.Lo == size.Hi) _s.Stack.WriteNumbers(lo, lo + width);
            else _s.Stack.StoreAnywhere(lo, hi + width, true);
            return;
        }
        int readEnd = hi + (int)size.Hi;
        if (!_s.Stack.AllNumeric(lo, readEnd))
        {
            Fail(what is null
                ? $"Stack content is not numeric (valid_access(r{reg}.offset, width=r{reg + 1}) for read)"
                : $"Illegal map update with a non-numerical value [{lo}-{readEnd}) ({what})", reg);
        }
    }

    /// <summary>offset(ptr) + size &lt;= packet_size, from the zone: the largest offset plus the largest size - packet_size.</summary>
    private bool FitsInPacket(int pointer, int sizeRegister)
    {
        if (T(sizeRegister) != Number) return false;
        var offset = _s.Zone.Get(Off(pointer));
        var sizeOverPacket = _s.Zone.Bound(VariableLayout.PacketSize, Sv(sizeRegister));
        return offset.Hi != Interval.PosInf && sizeOverPacket != Interval.PosInf && offset.Hi + sizeOverPacket <= 0;
    }

    /// <summary>Where the packet's metadata may start, relative to its data: up to a page before, when the context has it.</summary>
    internal static Interval InitialMetaOffset(ContextDescriptor ctx) => ctx.Meta >= 0 ? new Interval(-4098, 0) : Interval.Const(0);

    /// <summary>
    /// A helper that moves or resizes the packet (bpf_xdp_adjust_head, bpf_skb_pull_data, ...): every packet pointer
    /// dies, and what was learnt about the packet's size and metadata no longer holds.
    /// </summary>
    private void InvalidatePacketPointers()
    {
        _s.Zone.Assign(VariableLayout.PacketSize, new Interval(0, _options.MaxPacketSize));
        _s.Zone.Assign(VariableLayout.MetaOffset, InitialMetaOffset(_ctx));
        for (int r = 0; r < Isa.Registers.Count; r++)
        {
            if ((T(r) & Packet) != 0) SetUninitialized(r);
        }
        _s.InvalidateSaved(Packet);
        _s.Stack.Invalidate(Packet);
    }

    /// <summary>Into a callee: save the caller's r6-r10; the callee sees the registers as they are, with a fresh r10.</summary>
    public void EnterCall(AbstractState state, int callerDepth)
    {
        _s = state;
        _frame = callerDepth + 1;
        _sink = null;
        var saved = new StackValue[5];
        for (int i = 0; i < 5; i++) saved[i] = SnapshotRegister(6 + i);
        state.PushSaved(saved);
        if (callerDepth < _layout.SavedFrames)
        {
            for (int r = 6; r <= 9; r++)
            {
                _s.Zone.AssignVariable(_layout.Saved(callerDepth, r, 0), Sv(r), Interval.Const(0));
                _s.Zone.AssignVariable(_layout.Saved(callerDepth, r, 1), Uv(r), Interval.Const(0));
                _s.Zone.AssignVariable(_layout.Saved(callerDepth, r, 2), Off(r), Interval.Const(0));
            }
        }
        // The callee's frame lies just below the caller's.
        _s.Zone.AssignVariable(Off(10), Off(10), Interval.Const(-Isa.Registers.StackSize));
    }

    /// <summary>Back in the caller: r0 is the result, r1-r5 are clobbered, r6-r10 restored, the callee's frame is dead.</summary>
    public void ReturnFromCall(AbstractState state, int calleeDepth)
    {
        _s = state;
        _frame = calleeDepth - 1;
        _sink = null;
        var saved = state.PopSaved();
        var calleeFrame = _s.Zone.Get(Off(10));
        for (int r = 1; r <= 5; r++) SetUninitialized(r);
        for (int i = 0; i < 5; i++) RestoreFromCell(6 + i, saved[i]);
        int callerDepth = calleeDepth - 1;
        if (callerDepth >= 0 && callerDepth < _layout.SavedFrames)
        {
            // The copies made at the call keep the registers' relations: restore from them, then free them.
            for (int r = 6; r <= 9; r++)
            {
                int sv = _layout.Saved(callerDepth, r, 0), uv = _layout.Saved(callerDepth, r, 1), off = _layout.Saved(callerDepth, r, 2);
                if (saved[r - 6].Kind.Types != Uninitialized)
                {
                    _s.Zone.AssignVariable(Sv(r), sv, Interval.Const(0));
                    _s.Zone.AssignVariable(Uv(r), uv, Interval.Const(0));
                    _s.Zone.AssignVariable(Off(r), off, Interval.Const(0));
                }
                _s.Zone.Forget(sv);
                _s.Zone.Forget(uv);
                _s.Zone.Forget(off);
            }
        }
        if (calleeFrame.IsSingleton && T(10) == Stack)
            state.Stack.Forget((int)calleeFrame.Lo - Isa.Registers.StackSize, (int)calleeFrame.Lo);
    }

    /// <summary>Increments a loop head's counter and checks it against the iteration bound.</summary>
    public void CountIteration(AbstractState state, int variable, int pc, long max, List<Finding>? sink)
    {
        _s = state;
        _pc = pc;
        _sink = sink;
        state.Zone.AssignVariable(variable, variable, Interval.Const(1));
        var count = state.Zone.Get(variable);
        if (count.Hi > max)
        {
            Fail($"Loop counter is too large (pc[{pc}] < {max})");
            state.Zone.Restrict(variable, new Interval(0, max));
        }
    }

    /// <summary>The program's result must be a number (no pointer leaks to the caller).</summary>
    public void CheckReturnValue(AbstractState state, int pc, List<Finding>? sink)
    {
        _s = state;
        _frame = 0;
        _pc = pc;
        _sink = sink;
        Require(0, Number);
    }
}
