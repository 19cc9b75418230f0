using Ebpf.Platform;
using Ebpf.Verifier.Domains;
using Ebpf.Verifier.Ir;
using static Ebpf.Verifier.Domains.TypeFlags;

namespace Ebpf.Verifier.Analysis;

internal sealed partial class Transformer
{
    /// <summary>
    /// The stack bytes <paramref name="instruction"/> may read and those it certainly overwrites, in
    /// <paramref name="state"/> (the fixpoint's state before it, which covers every execution reaching it): a pointer
    /// that may point into the stack reads from anywhere its offset may be, a helper as many bytes as its prototype
    /// says (all of the stack when that is not known). Only a store through a pointer that is certainly the stack, at
    /// one offset, overwrites.
    /// </summary>
    public StackAccess DescribeStackAccess(AbstractState state, int frame, IrInstruction instruction)
    {
        if (state.IsBottom) return StackAccess.None;
        _s = state;
        _frame = frame;
        _sink = null;
        switch (instruction)
        {
            case MemoryInstruction { IsLoad: true } load when MayBeStack(load.Base):
                return new([Span(load.Base, load.Offset, load.Width)], load.Value.Register);
            case MemoryInstruction { IsLoad: false } store when MayBeStack(store.Base):
                var (start, end) = Span(store.Base, store.Offset, store.Width);
                bool certain = T(store.Base) == Stack && _s.Zone.Get(Off(store.Base)).IsSingleton;
                return new([], StackAccess.ValueIgnored, certain ? start : 0, certain ? end : 0, true, start, end);
            case AtomicInstruction a when MayBeStack(a.Base):
                return new([Span(a.Base, a.Offset, a.Width)], StackAccess.ValueMatters);
            case CallHelperInstruction c:
                return new([.. HelperStackReads(c.HelperId)], StackAccess.ValueIgnored);
            case CallRegisterInstruction:
                return AnyArgumentMayBeStack() ? new([WholeStack], StackAccess.ValueIgnored) : StackAccess.None;
            case CallLocalInstruction call:
                return new([.. GlobalCallStackReads(call.Target)], StackAccess.ValueIgnored);
            default:
                return StackAccess.None;
        }
    }

    private (int Start, int End) WholeStack => (0, TotalStackSize);

    private bool MayBeStack(int r) => (T(r) & Stack) != 0;

    private bool AnyArgumentMayBeStack()
    {
        for (int r = 1; r <= 5; r++)
        {
            if (MayBeStack(r)) return true;
        }
        return false;
    }

    /// <summary>[offset + lo, offset + hi + width) of the pointer in <paramref name="reg"/>, within the stack.</summary>
    private (int Start, int End) Span(int reg, long offset, Int128 width)
    {
        var off = _s.Zone.Get(Off(reg));
        if (!off.HasFiniteBounds || width < 0 || width > 1 << 20) return WholeStack;
        int start = (int)Int128.Clamp(off.Lo + offset, 0, TotalStackSize);
        int end = (int)Int128.Clamp(off.Hi + offset + width, 0, TotalStackSize);
        return (start, Math.Max(start, end));
    }

    private IEnumerable<(int Start, int End)> HelperStackReads(int id)
    {
        var proto = _platform.FindHelper(id);
        if (proto is null)
        {
            if (AnyArgumentMayBeStack()) yield return WholeStack;
            yield break;
        }
        var args = proto.Arguments;
        int mapRegister = -1;
        for (int i = 0; i < args.Length && i < 5; i++)
        {
            int reg = i + 1;
            if (args[i] is ArgumentType.PtrToMap or ArgumentType.ConstPtrToMap) mapRegister = reg;
            if (!MayBeStack(reg)) continue;
            var next = i + 1 < args.Length ? args[i + 1] : ArgumentType.DontCare;
            var map = mapRegister >= 0 && T(mapRegister) == MapFd ? ResolveMaps(K(mapRegister)) : null;
            Int128? size = args[i] switch
            {
                ArgumentType.PtrToMapKey => map?.Largest.KeySize,
                ArgumentType.PtrToMapValue or ArgumentType.PtrToUninitMapValue => map?.Largest.ValueSize,
                ArgumentType.PtrToReadableMem or ArgumentType.PtrToReadableMemOrNull or ArgumentType.PtrToReadonlyMem or
                    ArgumentType.PtrToReadonlyMemOrNull or ArgumentType.PtrToWritableMem or ArgumentType.PtrToWritableMemOrNull
                    when next is ArgumentType.ConstSize or ArgumentType.ConstSizeOrZero && T(reg + 1) == Number && UView(reg + 1).HasFiniteBounds
                    => UView(reg + 1).Hi,
                ArgumentType.PtrToLong => 8,
                ArgumentType.PtrToInt => 4,
                _ => null,
            };
            yield return size is { } n ? Span(reg, 0, n) : WholeStack;
        }
    }

    private IEnumerable<(int Start, int End)> GlobalCallStackReads(int target)
    {
        if (_options.GlobalFunctions is null || !_options.GlobalFunctions.TryGetValue(target, out var arguments)) yield break;
        for (int i = 0; i < arguments.Length && i < 5; i++)
        {
            int reg = i + 1;
            if (arguments[i].Kind == FunctionArgumentKind.Memory && MayBeStack(reg))
                yield return arguments[i].Size > 0 ? Span(reg, 0, arguments[i].Size) : WholeStack;
        }
    }
}
