using System.Globalization;

namespace Ebpf.Verifier.Ir;

/// <summary>Prints instructions in PREVAIL's assembly syntax (the syntax <c>AssemblyParser</c> reads).</summary>
public static class IrFormatter
{
    private static readonly string[] BinarySymbols =
        ["=", "+=", "-=", "*=", "/=", "%=", "s/=", "s%=", "|=", "&=", "<<=", ">>=", "s>>=", "^=", "s8=", "s16=", "s32="];

    public static string Format(IrInstruction instruction)
    {
        static string R(byte r, bool is64) => (is64 ? "r" : "w") + r.ToString(CultureInfo.InvariantCulture);
        static string Size(int width, bool signed = false) => (signed ? "s" : "u") + (width * 8).ToString(CultureInfo.InvariantCulture);
        static string Off(short o) => o >= 0 ? $" + {o}" : $" - {-o}";
        return instruction switch
        {
            BinaryInstruction b => b.IsWideImmediate
                ? $"{R(b.Dst, true)} = {b.Src.Immediate}ll"
                : $"{R(b.Dst, b.Is64)} {BinarySymbols[(int)b.Op]} {(b.Src.IsRegister ? R(b.Src.Register, b.Is64) : b.Src.Immediate.ToString(CultureInfo.InvariantCulture))}",
            UnaryInstruction { Op: UnaryOp.Neg } u => $"{R(u.Dst, u.Is64)} = -{R(u.Dst, u.Is64)}",
            UnaryInstruction u => $"{R(u.Dst, true)} = {u.Op.ToString().ToLowerInvariant()} {R(u.Dst, true)}",
            LoadMapInstruction m => $"r{m.Dst} = {(m.ByIndex ? "map_by_idx" : "map_fd")} {m.MapReference}",
            LoadMapValueInstruction m => $"r{m.Dst} = {(m.ByIndex ? "map_val_by_idx" : "map_val")}({m.MapReference}) + {m.Offset}",
            LoadFunctionInstruction f => $"r{f.Dst} = func <{f.Target}>",
            MemoryInstruction { IsLoad: true } m => $"{R(m.Value.Register, true)} = *({Size(m.Width, m.SignExtend)} *)(r{m.Base}{Off(m.Offset)})",
            MemoryInstruction m => $"*({Size(m.Width)} *)(r{m.Base}{Off(m.Offset)}) = {m.Value}",
            AtomicInstruction a => $"lock *({Size(a.Width)} *)(r{a.Base}{Off(a.Offset)}) {AtomicSymbol(a.Op)} r{a.Src}{((a.Op & Isa.AtomicOp.Fetch) != 0 && a.Op is not (Isa.AtomicOp.Xchg or Isa.AtomicOp.Cmpxchg) ? " fetch" : "")}",
            PacketLoadInstruction p => $"r0 = *({Size(p.Width)} *)skb[{(p.Register is byte r ? $"r{r}" + (p.Offset != 0 ? $" + {p.Offset}" : "") : p.Offset.ToString(CultureInfo.InvariantCulture))}]",
            CallHelperInstruction c => $"call {c.HelperId}",
            CallLocalInstruction c => $"call <{c.Target}>",
            CallRegisterInstruction c => $"callx r{c.Register}",
            ExitInstruction => "exit",
            JumpInstruction { Condition: null } j => $"goto <{j.Target}>",
            JumpInstruction j => $"if {j.Condition} goto <{j.Target}>",
            AssumeInstruction a => $"assume {a.Condition}",
            InvalidInstruction i => $"invalid ({i.Reason})",
            _ => instruction.ToString() ?? "?",
        };
    }

    private static string AtomicSymbol(Isa.AtomicOp op) => (op & ~Isa.AtomicOp.Fetch) switch
    {
        Isa.AtomicOp.Add => "+=",
        Isa.AtomicOp.Or => "|=",
        Isa.AtomicOp.And => "&=",
        Isa.AtomicOp.Xor => "^=",
        _ => op == Isa.AtomicOp.Xchg ? "x=" : "cx=",
    };
}
