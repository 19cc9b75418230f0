using Ebpf.Platform;
using Ebpf.Verifier.Domains;
using Ebpf.Verifier.Ir;
using Ebpf.Verifier.Platforms;
using static Ebpf.Verifier.Domains.TypeFlags;

namespace Ebpf.Verifier.Analysis;

/// <summary>
/// The abstract semantics of each instruction: checks its safety conditions (reporting failures when a sink is given)
/// and transforms the state, assuming the checked conditions hold afterwards so that one fault is reported once.
/// </summary>
internal sealed partial class Transformer
{
    private readonly IVerifierPlatform _platform;
    private readonly VerifierOptions _options;
    private readonly VariableLayout _layout;
    private readonly ContextDescriptor _ctx;

    private AbstractState _s = null!;
    private int _frame;
    private int _pc;
    private List<Finding>? _sink;

    public Transformer(IVerifierPlatform platform, VerifierOptions options, VariableLayout layout)
    {
        _platform = platform;
        _options = options;
        _layout = layout;
        _ctx = platform.Context;
    }

    /// <summary>A failed check: instruction, message, and the registers whose state explains it.</summary>
    public readonly record struct Finding(int Pc, string Message, int Frame, byte[] Registers);

    private static readonly Interval NonNull = new(1, Interval.TwoTo64 - 1);
    private static readonly Interval MaybeNull = Interval.Unsigned64;

    /// <summary>The whole stack: one 512-byte frame per possible call depth; the entry function's r10 is at the top.</summary>
    private int TotalStackSize => Isa.Registers.StackSize * _options.MaxCallDepth;

    public void Execute(AbstractState state, int frame, int pc, IrInstruction instruction, List<Finding>? sink)
    {
        if (state.IsBottom) return;
        _s = state;
        _frame = frame;
        _pc = pc;
        _sink = sink;
        switch (instruction)
        {
            case BinaryInstruction b: Binary(b); break;
            case UnaryInstruction u: Unary(u); break;
            case LoadMapInstruction m: LoadMap(m); break;
            case LoadMapValueInstruction mv: LoadMapValue(mv); break;
            case LoadFunctionInstruction f: LoadFunction(f); break;
            case MemoryInstruction mem: Memory(mem); break;
            case AtomicInstruction a: Atomic(a); break;
            case PacketLoadInstruction p: PacketLoad(p); break;
            case CallHelperInstruction c: CallHelper(c.HelperId); break;
            case CallRegisterInstruction cx: CallRegister(cx); break;
            case AssumeInstruction assume:
                CheckComparison(assume.Condition);
                if (!_s.IsBottom) Assume(assume.Condition);
                break;
            case JumpInstruction { Condition: { } c }: CheckComparison(c); break;
            case CallLocalInstruction call: CheckGlobalCall(call.Target); break;
            case ExitInstruction or JumpInstruction: break;
            case InvalidInstruction inv: Fail($"Invalid instruction: {inv.Reason}"); _s.Zone.SetBottom(); break;
        }
    }

    // ----- helpers over the current frame -----

    private int Sv(int r) => _layout.SValue(0, r);
    private int Uv(int r) => _layout.UValue(0, r);
    private int Off(int r) => _layout.Offset(0, r);
    private int Tag(int r) => _layout.TypeTag(0, r);
    private int NegTag(int r) => _layout.NegatedTypeTag(0, r);
    private int Size(int r) => _layout.SharedSize(0, r);

    /// <summary>True when r and q hold the same kind on every path (possibly a different one per path).</summary>
    private bool SameKind(int r, int q) =>
        (T(r) == T(q) && System.Numerics.BitOperations.PopCount((uint)T(r)) == 1) || _s.Zone.Difference(Tag(q), Tag(r)) == Interval.Const(0);
    private RegisterKind K(int r) => _s.Kind(0, r);
    private TypeFlags T(int r) => _s.Kind(0, r).Types;
    private void SetK(int r, RegisterKind k) => _s.SetKind(0, r, k);

    private Interval SView(int r) => _s.Zone.Get(Sv(r)).Meet(Interval.Signed64);
    private Interval UView(int r) => _s.Zone.Get(Uv(r)).Meet(Interval.Unsigned64);

    private ulong? Constant(int r)
    {
        if (T(r) != Number) return null;
        var s = SView(r);
        if (s.IsSingleton) return (ulong)(long)s.Lo;
        var u = UView(r);
        return u.IsSingleton ? (ulong)u.Lo : null;
    }

    private void Fail(string message, params int[] registers)
    {
        _sink?.Add(new Finding(_pc, message, _frame, Array.ConvertAll(registers, r => (byte)r)));
    }

    /// <summary>Requires r's types to lie within <paramref name="allowed"/>; afterwards assumes they do.</summary>
    private bool Require(int r, TypeFlags allowed)
    {
        var k = K(r);
        if ((k.Types & ~allowed) == 0) return true;
        Fail((k.Types & TypeFlags.Uninitialized) != 0 && k.Reference > 0
            ? $"Use after release: r{r} pointed into {DescribeReference(k.Reference)}, already submitted or discarded ({TypeNames.Requirement("r" + r, allowed)})"
            : $"Invalid type ({TypeNames.Requirement("r" + r, allowed)})", r);
        var narrowed = k.Types & allowed;
        if (narrowed == 0) _s.Zone.SetBottom();
        else _s.SetKind(0, r, k with { Types = narrowed });
        return false;
    }

    /// <summary>
    /// The path pass's abstraction at a prune point: registers outside <paramref name="live"/> become uninitialized
    /// and numbers outside <paramref name="relevant"/> any number. Only widens the state.
    /// </summary>
    public void ForgetRegisters(AbstractState state, ushort live, ushort relevant)
    {
        _s = state;
        for (int r = 0; r < 10; r++)
        {
            if ((live & (1 << r)) == 0)
            {
                if (K(r).Types != Uninitialized) SetUninitialized(r);
            }
            else if ((relevant & (1 << r)) == 0 && K(r).Types == Number)
            {
                SetNumber(r, Interval.Signed64, Interval.Unsigned64);
            }
        }
    }

    private void SetUninitialized(int r)
    {
        _s.SetKind(0, r, RegisterKind.Uninitialized);
        _s.Zone.Forget(Sv(r));
        _s.Zone.Forget(Uv(r));
        _s.Zone.Forget(Off(r));
    }

    /// <summary>r := a number in both views, made consistent with each other.</summary>
    private void SetNumber(int r, Interval s, Interval u)
    {
        s = s.Meet(Interval.Signed64);
        u = u.Meet(Interval.Unsigned64);
        (s, u) = Reconcile(s, u);
        _s.SetKind(0, r, s.IsSingleton && s.Lo == 0 ? RegisterKind.Number with { NumberIsZero = true } : RegisterKind.Number);
        _s.Zone.Forget(Off(r));
        if (s.IsBottom || u.IsBottom)
        {
            _s.Zone.SetBottom();
            return;
        }
        _s.Zone.Assign(Sv(r), s);
        _s.Zone.Assign(Uv(r), u);
        if (s.Lo >= 0 && !s.IsSingleton)
        {
            _s.Zone.AddConstraint(Uv(r), Sv(r), 0);
            _s.Zone.AddConstraint(Sv(r), Uv(r), 0);
        }
    }

    internal static (Interval S, Interval U) Reconcile(Interval s, Interval u)
    {
        if (s.IsBottom || u.IsBottom) return (Interval.Bottom, Interval.Bottom);
        if (s.Lo < 0 && s.Hi >= 0)
        {
            // s straddles zero: its non-negative part reads as [0, s.Hi] unsigned, its negative part as
            // [s.Lo + 2^64, 2^64 - 1]; keep only the parts the unsigned range still allows.
            bool nonNegative = Int128.Max(u.Lo, 0) <= Int128.Min(u.Hi, s.Hi);
            bool negative = s.Lo != Interval.NegInf
                ? Int128.Max(u.Lo, s.Lo + Interval.TwoTo64) <= Int128.Min(u.Hi, Interval.TwoTo64 - 1)
                : u.Hi >= Interval.TwoTo63;
            if (!nonNegative && !negative) return (Interval.Bottom, Interval.Bottom);
            if (!nonNegative) s = new Interval(s.Lo, -1);
            else if (!negative) s = new Interval(0, s.Hi);
        }
        if (u.Hi < Interval.TwoTo63) s = s.Meet(u);
        else if (u.Lo >= Interval.TwoTo63) s = s.Meet(new Interval(u.Lo - Interval.TwoTo64, u.Hi - Interval.TwoTo64));
        if (s.Lo >= 0) u = u.Meet(s);
        else if (s.Hi < 0) u = u.Meet(new Interval(s.Lo + Interval.TwoTo64, s.Hi + Interval.TwoTo64));
        return (s, u);
    }

    /// <summary>After a relational update of a number's views, tighten each by the other.</summary>
    private void Normalize(int r)
    {
        var s = SView(r);
        var u = UView(r);
        var (s2, u2) = Reconcile(s, u);
        if (s2 != s) _s.Zone.Restrict(Sv(r), s2);
        if (u2 != u) _s.Zone.Restrict(Uv(r), u2);
        if (s2.Lo >= 0 && !s2.IsSingleton)
        {
            _s.Zone.AddConstraint(Uv(r), Sv(r), 0);
            _s.Zone.AddConstraint(Sv(r), Uv(r), 0);
        }
    }

    private void SetConstant(int r, ulong value) =>
        SetNumber(r, Interval.Const((long)value), Interval.Const(value));

    private static Interval UnsignedRange(int width) => new(0, width == 8 ? ulong.MaxValue : (Int128)((1UL << (width * 8)) - 1));

    private static Interval SignedRange(int width) => width == 8
        ? Interval.Signed64
        : new(-((Int128)1 << (width * 8 - 1)), ((Int128)1 << (width * 8 - 1)) - 1);

    /// <summary>r := an unknown number read from <paramref name="width"/> bytes (sign-extended when asked).</summary>
    private void SetLoadedNumber(int r, int width, bool signExtend)
    {
        if (signExtend) SetNumber(r, SignedRange(width), Interval.Unsigned64);
        // Eight bytes fill the register: read as signed, the value may be negative.
        else if (width == 8) SetNumber(r, Interval.Signed64, Interval.Unsigned64);
        else SetNumber(r, UnsignedRange(width), UnsignedRange(width));
    }

    /// <summary>Copies register <paramref name="src"/> into <paramref name="dst"/> (same frame), relationally.</summary>
    private void CopyRegister(int dst, int src)
    {
        if (dst == src) return;
        _s.SetKind(0, dst, K(src));
        _s.Zone.AssignVariable(Tag(dst), Tag(src), Interval.Const(0));
        _s.Zone.AssignVariable(NegTag(dst), NegTag(src), Interval.Const(0));
        _s.Zone.AssignVariable(Size(dst), Size(src), Interval.Const(0));
        _s.Zone.AssignVariable(Sv(dst), Sv(src), Interval.Const(0));
        _s.Zone.AssignVariable(Uv(dst), Uv(src), Interval.Const(0));
        _s.Zone.AssignVariable(Off(dst), Off(src), Interval.Const(0));
    }

    private string Describe(int r, int offset) =>
        offset == 0 ? $"r{r}.offset" : offset > 0 ? $"r{r}.offset+{offset}" : $"r{r}.offset{offset}";
}
