using Ebpf.Isa;

namespace Ebpf.Runtime.Tests.Jit;

/// <summary>
/// Generates random programs that are valid at run time: every access stays inside the memory block (r9, never
/// written) or the first <see cref="StackArea"/> bytes of the current frame (initialised first), loops count down
/// r8 (only loops write it), local calls go to later subprograms only, and no value derived from a pointer reaches
/// arithmetic. Everything else is random: all ALU ops and widths (div/mod by zero and INT_MIN/-1 included, shifts,
/// byte swaps, movsx), jumps and jump32 of every kind, loads (memsx) and stores of all sizes, atomics, helper calls
/// (a mixing helper and one that stops the program), callx, lddw and legacy packet loads.
/// With <paramref name="callingConvention"/> the program keeps the eBPF calling convention as a verified one does (a
/// subprogram writes r0 and r6-r9 before reading them and gets the memory base in r1; a caller writes r1-r5 after a
/// call before reading them) and has no legacy loads: the JIT then compiles local calls as real method calls.
/// </summary>
internal sealed class RandomProgramGenerator(int seed, bool callingConvention = false)
{
    public const int DataSize = 256;
    public const int StackArea = 128;
    /// <summary>Data, then the dump of the entry frame's stack area.</summary>
    public const int MemorySize = DataSize + StackArea;
    public const int MixHelper = 1, StopHelper = 2;
    /// <summary>The stop helper returns this (xor r2), so a summary can tell stopped runs apart.</summary>
    public const ulong StopMarker = 0x5709_0000_0000_0000;

    public static bool StoppedEarly(string outcome) =>
        outcome == "r0 = 0x0" || (outcome.StartsWith("r0 = 0x", StringComparison.Ordinal) &&
            ulong.TryParse(outcome.AsSpan(7), System.Globalization.NumberStyles.HexNumber, null, out ulong r0) &&
            (r0 & 0xffff_0000_0000_0000) == StopMarker);

    private static readonly long[] Interesting =
    [
        0, 1, 2, 3, 7, 8, 31, 32, 33, 63, 64, -1, -2, int.MaxValue, int.MinValue, uint.MaxValue, long.MaxValue, long.MinValue,
        0x80, 0xff, 0x7fff, 0x8000, 0xffff, 0x1_0000_0000, 0x5a5a_5a5a_5a5a_5a5a, unchecked((long)0xdead_beef_0bad_f00dUL),
    ];

    private static readonly AluOp[] AluOps =
        [AluOp.Add, AluOp.Sub, AluOp.Mul, AluOp.Div, AluOp.Or, AluOp.And, AluOp.Lsh, AluOp.Rsh, AluOp.Neg, AluOp.Mod, AluOp.Xor, AluOp.Mov, AluOp.Arsh, AluOp.End];

    private static readonly JmpOp[] Conditions =
        [JmpOp.Jeq, JmpOp.Jgt, JmpOp.Jge, JmpOp.Jset, JmpOp.Jne, JmpOp.Jsgt, JmpOp.Jsge, JmpOp.Jlt, JmpOp.Jle, JmpOp.Jslt, JmpOp.Jsle];

    private static readonly int[] AtomicImms =
    [
        (int)AtomicOp.Add, (int)(AtomicOp.Add | AtomicOp.Fetch), (int)AtomicOp.Or, (int)(AtomicOp.Or | AtomicOp.Fetch),
        (int)AtomicOp.And, (int)(AtomicOp.And | AtomicOp.Fetch), (int)AtomicOp.Xor, (int)(AtomicOp.Xor | AtomicOp.Fetch),
        (int)AtomicOp.Xchg, (int)AtomicOp.Cmpxchg,
    ];

    private readonly Random _rng = new(seed);
    private readonly List<Instruction> _code = [];
    private readonly List<(int Index, int Subprogram)> _calls = [];
    private int _subprograms;

    public Instruction[] Generate()
    {
        _subprograms = _rng.Next(4);
        Emit(OpCodes.Mov64Reg, 9, 1);
        for (int r = 0; r <= 8; r++) LoadWide(r, Value());
        InitialiseStack();
        Block(depth: 0, length: _rng.Next(10, 60), inLoop: false, firstCallee: 0);
        for (int k = 0; k < StackArea / 8; k++)
        {
            Emit(0x79, 1, 10, (short)(-8 * (k + 1)));           // ldxdw r1, [r10 - 8(k+1)]
            Emit(0x7b, 9, 1, (short)(DataSize + 8 * k));        // stxdw [r9 + dump + 8k], r1
        }
        Emit(OpCodes.Exit);

        var starts = new int[_subprograms];
        for (int s = 0; s < _subprograms; s++)
        {
            starts[s] = _code.Count;
            if (callingConvention)
            {
                Emit(OpCodes.Mov64Reg, 9, 1);
                foreach (int r in (ReadOnlySpan<int>)[0, 1, 6, 7, 8]) LoadWide(r, Value()); // r1 held the base: no pointer arithmetic
            }
            InitialiseStack();
            Block(depth: 0, length: _rng.Next(3, 25), inLoop: false, firstCallee: s + 1);
            Emit(OpCodes.Exit);
        }
        foreach (var (index, subprogram) in _calls)
            _code[index] = _code[index].WithImm(starts[subprogram] - (index + 1));
        return [.. _code];
    }

    private void InitialiseStack()
    {
        for (int k = 1; k <= StackArea / 8; k++) Emit(0x7a, 10, 0, (short)(-8 * k), (int)Value());
    }

    private void Block(int depth, int length, bool inLoop, int firstCallee)
    {
        for (int i = 0; i < length; i++)
        {
            int roll = _rng.Next(100);
            if (roll < 40) Alu();
            else if (roll < 56) Memory();
            else if (roll < 63) Atomic();
            else if (roll < 72 && depth < 3) Conditional(depth, inLoop, firstCallee);
            else if (roll < 76 && depth < 2 && !inLoop) Loop(depth, firstCallee);
            else if (roll < 81) Emit(OpCodes.Call, 0, 0, 0, _rng.Next(4) == 0 ? StopHelper : MixHelper);
            else if (roll < 83) CallX();
            else if (roll < 88 && firstCallee < _subprograms) LocalCall(firstCallee);
            else if (roll < 91) LoadWide(Dst(), Value());
            else if (roll < 93 && !callingConvention) LegacyLoad();
            else if (roll < 95 && depth < 3) SkippedBlock(depth, inLoop, firstCallee);
            else Alu();
        }
    }

    private void Alu()
    {
        bool wide = _rng.Next(2) == 0;
        byte cls = (byte)(wide ? OpClass.Alu64 : OpClass.Alu32);
        var op = AluOps[_rng.Next(AluOps.Length)];
        int dst = Dst();
        bool reg = _rng.Next(2) == 0;
        switch (op)
        {
            case AluOp.Neg:
                Emit((byte)(cls | (byte)op), dst);
                return;
            case AluOp.End:
            {
                int width = (int)new[] { 16, 32, 64 }[_rng.Next(3)];
                byte opcode = wide ? (byte)0xd7 : _rng.Next(2) == 0 ? (byte)0xd4 : (byte)0xdc;
                Emit(opcode, dst, 0, 0, width);
                return;
            }
            case AluOp.Mov when reg:
            {
                short[] widths = wide ? [0, 0, 8, 16, 32] : [0, 0, 8, 16];
                Emit((byte)(cls | (byte)op | 0x08), dst, Src(), widths[_rng.Next(widths.Length)]);
                return;
            }
            case AluOp.Div or AluOp.Mod:
            {
                short signed = (short)_rng.Next(2);
                if (reg) Emit((byte)(cls | (byte)op | 0x08), dst, Src(), signed);
                else Emit((byte)(cls | (byte)op), dst, 0, signed, (int)Value());
                return;
            }
            case AluOp.Lsh or AluOp.Rsh or AluOp.Arsh when !reg:
                Emit((byte)(cls | (byte)op), dst, 0, 0, _rng.Next(-2, 70));
                return;
        }
        if (reg) Emit((byte)(cls | (byte)op | 0x08), dst, Src());
        else Emit((byte)(cls | (byte)op), dst, 0, 0, (int)Value());
    }

    private void Memory()
    {
        int size = 1 << _rng.Next(4);
        var (baseRegister, offset) = Address(size, aligned: false);
        byte sizeBits = (byte)SizeBits(size);
        switch (_rng.Next(4))
        {
            case 0: // ldx / ldxs
                bool signExtend = size != 8 && _rng.Next(2) == 0;
                Emit((byte)((byte)OpClass.Ldx | (signExtend ? (byte)AccessMode.MemSx : (byte)AccessMode.Mem) | sizeBits), Dst(), baseRegister, offset);
                break;
            case 1: // st imm
                Emit((byte)((byte)OpClass.St | (byte)AccessMode.Mem | sizeBits), baseRegister, 0, offset, (int)Value());
                break;
            default: // stx
                Emit((byte)((byte)OpClass.Stx | (byte)AccessMode.Mem | sizeBits), baseRegister, Src(), offset);
                break;
        }
    }

    private void Atomic()
    {
        bool wide = _rng.Next(2) == 0;
        int size = wide ? 8 : 4;
        var (baseRegister, offset) = Address(size, aligned: true);
        byte opcode = (byte)((byte)OpClass.Stx | (byte)AccessMode.Atomic | SizeBits(size));
        Emit(opcode, baseRegister, Dst(), offset, AtomicImms[_rng.Next(AtomicImms.Length)]);
    }

    private void Conditional(int depth, bool inLoop, int firstCallee)
    {
        int jump = EmitCondition();
        Block(depth + 1, _rng.Next(1, 8), inLoop, firstCallee);
        if (_rng.Next(3) == 0)
        {
            // if-else: the taken branch lands on the else block, the fall-through skips it.
            int skip = _code.Count;
            Emit(OpCodes.Ja);
            Patch(jump, _code.Count);
            Block(depth + 1, _rng.Next(1, 6), inLoop, firstCallee);
            Patch(skip, _code.Count);
        }
        else
        {
            Patch(jump, _code.Count);
        }
    }

    private int EmitCondition()
    {
        bool wide = _rng.Next(2) == 0;
        var op = Conditions[_rng.Next(Conditions.Length)];
        byte cls = (byte)(wide ? OpClass.Jmp : OpClass.Jmp32);
        int index = _code.Count;
        if (_rng.Next(2) == 0) Emit((byte)(cls | (byte)op | 0x08), ReadRegister(), ReadRegister());
        else Emit((byte)(cls | (byte)op), ReadRegister(), 0, 0, (int)Value());
        return index;
    }

    private void Loop(int depth, int firstCallee)
    {
        Emit(OpCodes.Mov64Imm, 8, 0, 0, _rng.Next(1, 7));
        int top = _code.Count;
        Block(depth + 1, _rng.Next(1, 10), inLoop: true, firstCallee);
        Emit(0x17, 8, 0, 0, 1);                                   // sub r8, 1
        int back = _code.Count;
        Emit(0x55, 8, 0, (short)(top - (back + 1)), 0);           // jne r8, 0, top
    }

    /// <summary>An unconditional jump (ja or gotol) over a block that therefore never runs.</summary>
    private void SkippedBlock(int depth, bool inLoop, int firstCallee)
    {
        int jump = _code.Count;
        bool gotol = _rng.Next(2) == 0;
        Emit(gotol ? OpCodes.Ja32 : OpCodes.Ja);
        Block(depth + 1, _rng.Next(1, 4), inLoop, firstCallee);
        int relative = _code.Count - (jump + 1);
        _code[jump] = gotol ? _code[jump].WithImm(relative) : _code[jump].WithOffset((short)relative);
    }

    private void CallX()
    {
        int register = Dst();
        Emit(OpCodes.Mov64Imm, register, 0, 0, _rng.Next(3) == 0 ? StopHelper : MixHelper);
        Emit(OpCodes.CallX, register);
    }

    private void LocalCall(int firstCallee)
    {
        if (callingConvention) Emit(OpCodes.Mov64Reg, 1, 9);
        _calls.Add((_code.Count, _rng.Next(firstCallee, _subprograms)));
        Emit(OpCodes.Call, 0, PseudoSource.LocalCall);
        if (callingConvention)
            for (int r = 1; r <= 5; r++) LoadWide(r, Value());
    }

    private void LegacyLoad()
    {
        int size = 1 << _rng.Next(3);
        byte sizeBits = (byte)SizeBits(size);
        if (_rng.Next(4) == 0)
            Emit((byte)((byte)OpClass.Ld | (byte)AccessMode.Ind | sizeBits), 0, ReadRegister(), 0, _rng.Next(-8, MemorySize + 8));
        else
            Emit((byte)((byte)OpClass.Ld | (byte)AccessMode.Abs | sizeBits), 0, 0, 0, _rng.Next(0, MemorySize + 4));
    }

    private void LoadWide(int dst, long value)
    {
        Emit(OpCodes.LdDw, dst, 0, 0, (int)value);
        Emit(0, 0, 0, 0, (int)(value >> 32));
    }

    private (int Register, short Offset) Address(int size, bool aligned)
    {
        if (_rng.Next(2) == 0)
        {
            int offset = _rng.Next(0, DataSize - size + 1);
            if (aligned) offset &= ~(size - 1);
            return (9, (short)offset);
        }
        int below = _rng.Next(size, StackArea + 1);             // bytes below r10
        if (aligned) below = (below + size - 1) & ~(size - 1);
        return (10, (short)-below);
    }

    private static int SizeBits(int size) => size switch
    {
        1 => (int)AccessSize.Byte,
        2 => (int)AccessSize.Half,
        4 => (int)AccessSize.Word,
        _ => (int)AccessSize.Double,
    };

    /// <summary>Registers random code may write: r0-r7 (r8 counts loops, r9 holds the memory base, r10 the frame).</summary>
    private int Dst() => _rng.Next(8);

    /// <summary>Registers whose values are data (never pointers): r0-r8.</summary>
    private int Src() => _rng.Next(9);

    private int ReadRegister() => _rng.Next(9);

    private long Value() => _rng.Next(3) switch
    {
        0 => Interesting[_rng.Next(Interesting.Length)],
        1 => _rng.Next(-300, 300),
        _ => _rng.NextInt64(),
    };

    private void Patch(int jump, int target) => _code[jump] = _code[jump].WithOffset((short)(target - (jump + 1)));

    private void Emit(byte opcode, int dst = 0, int src = 0, short offset = 0, int imm = 0) =>
        _code.Add(new Instruction(opcode, (byte)dst, (byte)src, offset, imm));
}
