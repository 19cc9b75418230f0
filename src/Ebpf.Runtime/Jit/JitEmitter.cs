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
/// </summary>
internal sealed class JitEmitter
{
    private const int FrameSaveBytes = 40; // r6-r9 and the return-site number
    private static readonly Type[] Parameters = [typeof(JitClosure), typeof(ExecutionRequest).MakeByRefType(), typeof(ulong), typeof(HelperCallContext).MakeByRefType()];
    private const short ArgClosure = 0, ArgRequest = 1, ArgFrameTop = 2, ArgContext = 3;

    private readonly Instruction[] _code;
    private readonly ulong[] _wideValues;
    private readonly HelperFunction?[] _callTargets;
    private readonly HelperTable _helpers;
    private readonly JitOptions _options;
    private readonly bool _checked;
    private readonly long _budget;
    private readonly List<HelperFunction> _delegates = [];
    private readonly List<object?> _targets = [];
    private readonly List<int> _returnSites = [];
    // Per subprogram entry pc: the return-site indexes of the local calls to it, and the label its exits branch to.
    private readonly SortedDictionary<int, List<int>> _callSitesByCallee = [];
    private readonly Dictionary<int, Label> _calleeExits = [];
    private bool[] _starts = [], _branchedTo = [];

    private ILGenerator _il = null!;
    private LocalBuilder[] _r = null!;
    private Label[] _labels = null!;
    private LocalBuilder _depth = null!, _saves = null!, _executed = null!, _packet = null!, _packetLength = null!;
    private LocalBuilder _address = null!, _u32a = null!, _u32b = null!;
    private LocalBuilder? _tailCallEntry;
    private Label _returnZero, _sharedExit, _stop, _anySite;
    private bool _hasLocalCalls, _hasLegacyLoads, _usesStack, _callsTailCall;

    public JitEmitter(Instruction[] code, ulong[] wideValues, HelperFunction?[] callTargets, HelperTable helpers, JitOptions options)
    {
        _code = code;
        _wideValues = wideValues;
        _callTargets = callTargets;
        _helpers = helpers;
        _options = options;
        _checked = options.Mode == ExecutionMode.Checked;
        _budget = options.InstructionBudget;
    }

    public bool HasLocalCalls => _hasLocalCalls;

    /// <summary>The program may call bpf_tail_call (directly or through callx): its executor enters the targets itself.</summary>
    public bool CallsTailCall => _callsTailCall;

    /// <summary>False when nothing reads r10 and nothing calls locally: such a program needs no stack at all.</summary>
    public bool UsesStack => _usesStack || _hasLocalCalls;

    public JitEntry Emit(out int ilSize)
    {
        var method = new DynamicMethod("ebpf_program", typeof(ulong), Parameters, typeof(JitEmitter).Module, skipVisibility: true)
        {
            InitLocals = false, // the frame-save area needs no clearing; registers are cleared explicitly
        };
        _il = method.GetILGenerator(_code.Length * 16 + 64);
        Scan();
        DeclareLocals();
        EmitPrologue();
        for (int pc = 0; pc < _code.Length; pc += ProgramDecoder.SlotCount(_code[pc]))
        {
            _il.MarkLabel(_labels[pc]);
            if (_budget != 0) EmitBudgetStep(pc);
            EmitInstruction(pc, _code[pc]);
        }
        EmitEpilogues();
        ilSize = _il.ILOffset;
        var closure = new JitClosure([.. _delegates], [.. _targets], _helpers);
        var entry = (JitEntry)method.CreateDelegate(typeof(JitEntry), closure);
        // Compile to native code now (as a kernel JIT does at load), not on the first invocation.
        System.Runtime.CompilerServices.RuntimeHelpers.PrepareDelegate(entry);
        return entry;
    }

    private void Scan()
    {
        _starts = new bool[_code.Length];
        _branchedTo = new bool[_code.Length + 1];
        int localCalls = 0;
        for (int pc = 0; pc < _code.Length; pc += ProgramDecoder.SlotCount(_code[pc]))
        {
            var insn = _code[pc];
            _starts[pc] = true;
            if (insn.Class is OpClass.Jmp or OpClass.Jmp32 && (JmpOp)insn.Operation is not (JmpOp.Exit or JmpOp.Call))
            {
                int target = pc + 1 + ((JmpOp)insn.Operation == JmpOp.Ja && insn.Class == OpClass.Jmp32 ? insn.Imm : insn.Offset);
                if ((uint)target < (uint)_branchedTo.Length) _branchedTo[target] = true;
            }
            if (insn.Opcode == OpCodes.Call && insn.Src == PseudoSource.LocalCall)
            {
                _hasLocalCalls = true;
                int callee = pc + 1 + insn.Imm;
                if ((uint)callee < (uint)_branchedTo.Length) _branchedTo[callee] = true;
                _branchedTo[pc + 1] = true; // the return site
                if (!_callSitesByCallee.TryGetValue(callee, out var sites)) _callSitesByCallee[callee] = sites = [];
                sites.Add(localCalls++);
            }
            if (insn.Class == OpClass.Ld && insn.Mode is AccessMode.Abs or AccessMode.Ind) _hasLegacyLoads = true;
            // r10 appears as a source or as the base of a store (it is never a destination).
            bool registerOperands = insn.Opcode is not (OpCodes.LdDw or OpCodes.Call);
            if (registerOperands && (insn.Src == Registers.FramePointer || insn.Dst == Registers.FramePointer)) _usesStack = true;
        }
    }

    private void DeclareLocals()
    {
        _r = new LocalBuilder[11];
        for (int i = 0; i < _r.Length; i++) _r[i] = _il.DeclareLocal(typeof(ulong));
        _labels = new Label[_code.Length];
        for (int i = 0; i < _labels.Length; i++) _labels[i] = _il.DefineLabel();
        _address = _il.DeclareLocal(typeof(ulong));
        _u32a = _il.DeclareLocal(typeof(int));
        _u32b = _il.DeclareLocal(typeof(int));
        _returnZero = _il.DefineLabel();
        _sharedExit = _il.DefineLabel();
        _anySite = _il.DefineLabel();
        _stop = _il.DefineLabel();
        if (_hasLocalCalls)
        {
            _depth = _il.DeclareLocal(typeof(int));
            _saves = _il.DeclareLocal(typeof(nint));
        }
        if (_budget != 0) _executed = _il.DeclareLocal(typeof(long));
        if (_hasLegacyLoads)
        {
            _packet = _il.DeclareLocal(typeof(ulong));
            _packetLength = _il.DeclareLocal(typeof(ulong));
        }
    }

    private void EmitPrologue()
    {
        var il = _il;
        // r1, r2 from the request; r0 and r3-r9 start at zero as in the interpreter; r10 is the entry frame's top.
        il.Emit(OpCodes_.Ldarg_1);
        il.Emit(OpCodes_.Call, Getter(typeof(ExecutionRequest), nameof(ExecutionRequest.R1)));
        il.Emit(OpCodes_.Stloc, _r[1]);
        il.Emit(OpCodes_.Ldarg_1);
        il.Emit(OpCodes_.Call, Getter(typeof(ExecutionRequest), nameof(ExecutionRequest.R2)));
        il.Emit(OpCodes_.Stloc, _r[2]);
        foreach (int i in (ReadOnlySpan<int>)[0, 3, 4, 5, 6, 7, 8, 9])
        {
            il.Emit(OpCodes_.Ldc_I8, 0L);
            il.Emit(OpCodes_.Stloc, _r[i]);
        }
        il.Emit(OpCodes_.Ldarg_2);
        il.Emit(OpCodes_.Stloc, _r[10]);
        if (_hasLocalCalls)
        {
            il.Emit(OpCodes_.Ldc_I4, _options.MaxCallDepth * FrameSaveBytes);
            il.Emit(OpCodes_.Conv_U);
            il.Emit(OpCodes_.Localloc);
            il.Emit(OpCodes_.Stloc, _saves);
            il.Emit(OpCodes_.Ldc_I4_0);
            il.Emit(OpCodes_.Stloc, _depth);
        }
        if (_budget != 0)
        {
            il.Emit(OpCodes_.Ldc_I8, 0L);
            il.Emit(OpCodes_.Stloc, _executed);
        }
        if (_hasLegacyLoads)
        {
            var region = il.DeclareLocal(typeof(MemoryRegion));
            il.Emit(OpCodes_.Ldarg_1);
            il.Emit(OpCodes_.Call, Getter(typeof(ExecutionRequest), nameof(ExecutionRequest.Packet)));
            il.Emit(OpCodes_.Stloc, region);
            il.Emit(OpCodes_.Ldloca, region);
            il.Emit(OpCodes_.Call, Getter(typeof(MemoryRegion), nameof(MemoryRegion.Start)));
            il.Emit(OpCodes_.Stloc, _packet);
            il.Emit(OpCodes_.Ldloca, region);
            il.Emit(OpCodes_.Call, Getter(typeof(MemoryRegion), nameof(MemoryRegion.Length)));
            il.Emit(OpCodes_.Stloc, _packetLength);
        }
    }

    private void EmitEpilogues()
    {
        var il = _il;
        // Legacy packet load out of bounds: the program ends with r0 = 0, as in Linux.
        il.MarkLabel(_returnZero);
        il.Emit(OpCodes_.Ldc_I8, 0L);
        il.Emit(OpCodes_.Ret);
        // A helper asked to stop (unwind, tail call): r0 is the value it gave.
        il.MarkLabel(_stop);
        il.Emit(OpCodes_.Ldarg_3);
        il.Emit(OpCodes_.Call, StopValue);
        il.Emit(OpCodes_.Ret);
        il.MarkLabel(_sharedExit);
        if (!_hasLocalCalls)
        {
            il.Emit(OpCodes_.Ldloc, _r[0]);
            il.Emit(OpCodes_.Ret);
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
    /// The exit label for an exit at <paramref name="pc"/>: a subprogram's own (its return tests the sites that call
    /// it first, direct branches the CPU predicts, before the switch over every site), else the shared one.
    /// </summary>
    private Label ExitLabel(int pc)
    {
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
        il.Emit(OpCodes_.Ldloc, _r[0]);
        il.Emit(OpCodes_.Ret);
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
        var sites = _returnSites.Select(pc => _labels[pc]).ToArray();
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
                if (insn.Opcode == OpCodes.LdDw)
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
                il.Emit(OpCodes_.Br, _labels[pc + 1 + (wide ? insn.Offset : insn.Imm)]);
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
        var target = _labels[pc + 1 + insn.Offset];
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

        if (!_checked && DirectTailCallEntries.TryGetValue(method, out var findEntry)) EmitDirectTailCall(findEntry);
        if (!_checked && MapLookups.Contains(method) && MapHandleBefore(pc, 1) is { } handle &&
            Maps.MapRegistry.TryGetByHandle((nint)handle) is Maps.ArrayMap array)
        {
            EmitArrayLookup(array);
            return;
        }
        il.Emit(OpCodes_.Ldarg_3);
        LdcI4(pc);
        il.Emit(OpCodes_.Call, SetProgramCounter);

        bool direct = _options.DirectHelperCalls && method is not DynamicMethod && method.DeclaringType is { IsValueType: false };
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
        il.Emit(OpCodes_.Ret);
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
    private ulong? MapHandleBefore(int pc, int register)
    {
        if (_branchedTo[pc]) return null;
        for (int at = pc - 1; at >= 0; at--)
        {
            if (!_starts[at]) continue;
            var insn = _code[at];
            if (insn.Opcode == OpCodes.LdDw && insn.Dst == register)
                return insn.Src == PseudoSource.MapFd ? _wideValues[at] : null;
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
        LdcI8(values);
        il.Emit(OpCodes_.Ldloc, _u32a);
        il.Emit(OpCodes_.Conv_U8);
        LdcI8(entryBytes);
        il.Emit(OpCodes_.Mul);
        il.Emit(OpCodes_.Add);
        if (perCpuStride != 0)
        {
            il.Emit(OpCodes_.Ldarg_3);
            il.Emit(OpCodes_.Call, ProcessorSlot);
            il.Emit(OpCodes_.Conv_I8);
            LdcI8(perCpuStride);
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
        LdcI4(_returnSites.Count);
        il.Emit(OpCodes_.Stind_I4);
        _returnSites.Add(pc + 1);
        il.Emit(OpCodes_.Ldloc, _depth);
        LdcI4(1);
        il.Emit(OpCodes_.Add);
        il.Emit(OpCodes_.Stloc, _depth);
        Ld(10);
        LdcI8(Registers.StackSize);
        il.Emit(OpCodes_.Sub);
        St(10);
        il.Emit(OpCodes_.Br, _labels[pc + 1 + insn.Imm]);
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
