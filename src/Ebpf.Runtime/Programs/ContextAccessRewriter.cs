using Ebpf.Isa;
using Ebpf.Runtime.Interpretation;

namespace Ebpf.Runtime.Programs;

/// <summary>
/// Rewrites a program's context loads as the kernel's convert_ctx_access does, for program types whose context as
/// programs see it differs from the one the runtime builds (Linux's 32-bit packet pointers in <c>xdp_md</c>, see
/// <see cref="Extensions.IProgramInformationProvider.ContextFields"/>): a data-flow pass finds the
/// loads whose base register holds the context pointer on every path (tracking copies through registers and
/// 8-byte stack spills, into local calls as arguments), and each is replaced by a load of the corresponding field
/// of the real context layout. Stores are rewritten the same way where the program type lets programs write the field
/// (32-bit stores); other context stores, and loads of fields the map lacks, are refused.
/// </summary>
public static class ContextAccessRewriter
{
    private const int StackSlots = Registers.StackSize / 8;

    private readonly record struct State(ushort Registers, ulong Stack)
    {
        public State Meet(State other) => new((ushort)(Registers & other.Registers), Stack & other.Stack);
        public bool Has(int register) => (Registers & (1 << register)) != 0;
        public State With(int register, bool isContext) =>
            this with { Registers = (ushort)(isContext ? Registers | (1 << register) : Registers & ~(1 << register)) };
    }

    /// <summary>
    /// Returns the rewritten program; <paramref name="fields"/> maps program field offsets to (offset, size) here, and
    /// <paramref name="writable"/> names the fields programs may store to.
    /// </summary>
    public static Instruction[] Rewrite(ReadOnlySpan<Instruction> program, IReadOnlyDictionary<int, (int Offset, int Size)> fields,
        string programName = "program", IReadOnlySet<int>? writable = null)
    {
        ProgramDecoder.Validate(program);
        var code = program.ToArray();
        var states = Analyse(code);
        for (int pc = 0; pc < code.Length; pc += ProgramDecoder.SlotCount(code[pc]))
        {
            if (states[pc] is not { } state) continue; // unreachable
            var insn = code[pc];
            switch (insn.Class)
            {
                case OpClass.Ldx when state.Has(insn.Src):
                {
                    if (insn.Mode != AccessMode.Mem || insn.AccessSize != AccessSize.Word || !fields.TryGetValue(insn.Offset, out var field))
                        throw new ProgramLoadException(pc, LoadError.UnsupportedContextAccess,
                            $"{programName}: context load of {insn.AccessSize.Bytes()} bytes at offset {insn.Offset} is not a 32-bit load of a known field");
                    byte sizeBits = field.Size == 8 ? (byte)AccessSize.Double : (byte)AccessSize.Word;
                    code[pc] = new Instruction((byte)((byte)OpClass.Ldx | (byte)AccessMode.Mem | sizeBits), insn.Dst, insn.Src, (short)field.Offset, 0);
                    break;
                }
                case OpClass.St or OpClass.Stx when state.Has(insn.Dst):
                {
                    if (writable is null || writable.Count == 0)
                        throw new ProgramLoadException(pc, LoadError.UnsupportedContextAccess, $"{programName}: writes to the context are not allowed");
                    if (insn.Mode != AccessMode.Mem || insn.AccessSize != AccessSize.Word || !writable.Contains(insn.Offset) ||
                        !fields.TryGetValue(insn.Offset, out var field) || field.Size != 4)
                        throw new ProgramLoadException(pc, LoadError.UnsupportedContextAccess,
                            $"{programName}: context {(insn.Mode == AccessMode.Mem ? "store" : "atomic operation")} of {insn.AccessSize.Bytes()} bytes " +
                            $"at offset {insn.Offset} is not a 32-bit store to a field this program type may write");
                    code[pc] = new Instruction(insn.Opcode, insn.Dst, insn.Src, (short)field.Offset, insn.Imm);
                    break;
                }
            }
        }
        return code;
    }

    private static State?[] Analyse(Instruction[] code)
    {
        var states = new State?[code.Length];
        var work = new Stack<int>();
        Merge(states, work, 0, new State(1 << 1, 0));
        while (work.TryPop(out int pc))
        {
            var state = states[pc]!.Value;
            var insn = code[pc];
            int next = pc + ProgramDecoder.SlotCount(insn);
            switch (insn.Class)
            {
                case OpClass.Jmp or OpClass.Jmp32:
                {
                    var op = (JmpOp)insn.Operation;
                    if (op == JmpOp.Exit) continue;
                    if (op == JmpOp.Call)
                    {
                        var afterCall = state with { Registers = (ushort)(state.Registers & ~0x3F) };
                        if (insn.Src == PseudoSource.LocalCall && !insn.UsesSrcRegister)
                            Merge(states, work, pc + 1 + insn.Imm, new State((ushort)(state.Registers & 0x3E), 0));
                        Merge(states, work, next, afterCall);
                        continue;
                    }
                    int target = pc + 1 + (insn.Class == OpClass.Jmp32 && op == JmpOp.Ja ? insn.Imm : insn.Offset);
                    Merge(states, work, target, state);
                    if (op != JmpOp.Ja) Merge(states, work, next, state);
                    continue;
                }
                case OpClass.Alu64 when insn.Opcode == OpCodes.Mov64Reg && insn.Offset == 0:
                    state = state.With(insn.Dst, state.Has(insn.Src));
                    break;
                case OpClass.Alu64 or OpClass.Alu32:
                    state = state.With(insn.Dst, false);
                    break;
                case OpClass.Ldx:
                {
                    bool spilled = insn.Src == Registers.FramePointer && insn.AccessSize == AccessSize.Double &&
                        SlotOf(insn.Offset) is int slot && (state.Stack & (1UL << slot)) != 0;
                    state = state.With(insn.Dst, spilled);
                    break;
                }
                case OpClass.St or OpClass.Stx:
                    if (insn.Mode == AccessMode.Atomic)
                    {
                        if (insn.Imm == (int)AtomicOp.Cmpxchg) state = state.With(0, false);
                        else if ((insn.Imm & (int)AtomicOp.Fetch) != 0) state = state.With(insn.Src, false);
                    }
                    if (insn.Dst == Registers.FramePointer)
                    {
                        int size = insn.AccessSize.Bytes();
                        ulong stack = state.Stack;
                        for (int offset = insn.Offset; offset < insn.Offset + size; offset++)
                            if (SlotOf((short)(offset & ~7)) is int touched) stack &= ~(1UL << touched);
                        if (insn.Class == OpClass.Stx && insn.Mode == AccessMode.Mem && size == 8 &&
                            SlotOf(insn.Offset) is int slot && state.Has(insn.Src))
                            stack |= 1UL << slot;
                        state = state with { Stack = stack };
                    }
                    break;
                case OpClass.Ld:
                    state = insn.Opcode == OpCodes.LdDw ? state.With(insn.Dst, false) : state with { Registers = (ushort)(state.Registers & ~0x3F) };
                    break;
            }
            Merge(states, work, next, state);
        }
        return states;
    }

    /// <summary>The 8-byte stack slot at r10 + <paramref name="offset"/>, when aligned and inside the frame.</summary>
    private static int? SlotOf(short offset) =>
        offset < 0 && offset >= -Registers.StackSize && (offset & 7) == 0 ? (-offset / 8) - 1 : null;

    private static void Merge(State?[] states, Stack<int> work, int pc, State incoming)
    {
        if (pc < 0 || pc >= states.Length) return;
        var merged = states[pc] is { } existing ? existing.Meet(incoming) : incoming;
        if (states[pc] == merged) return;
        states[pc] = merged;
        work.Push(pc);
    }
}
