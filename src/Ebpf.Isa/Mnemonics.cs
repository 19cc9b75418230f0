namespace Ebpf.Isa;

/// <summary>The names the conformance-suite assembly syntax gives to operations, shared by the assembler and disassembler.</summary>
internal static class Mnemonics
{
    public static readonly IReadOnlyDictionary<AluOp, string> Alu = new Dictionary<AluOp, string>
    {
        [AluOp.Add] = "add", [AluOp.Sub] = "sub", [AluOp.Mul] = "mul", [AluOp.Div] = "div", [AluOp.Or] = "or",
        [AluOp.And] = "and", [AluOp.Lsh] = "lsh", [AluOp.Rsh] = "rsh", [AluOp.Neg] = "neg", [AluOp.Mod] = "mod",
        [AluOp.Xor] = "xor", [AluOp.Mov] = "mov", [AluOp.Arsh] = "arsh",
    };

    public static readonly IReadOnlyDictionary<JmpOp, string> Jump = new Dictionary<JmpOp, string>
    {
        [JmpOp.Jeq] = "jeq", [JmpOp.Jgt] = "jgt", [JmpOp.Jge] = "jge", [JmpOp.Jset] = "jset", [JmpOp.Jne] = "jne",
        [JmpOp.Jsgt] = "jsgt", [JmpOp.Jsge] = "jsge", [JmpOp.Jlt] = "jlt", [JmpOp.Jle] = "jle", [JmpOp.Jslt] = "jslt",
        [JmpOp.Jsle] = "jsle",
    };

    public static readonly IReadOnlyDictionary<AtomicOp, string> Atomic = new Dictionary<AtomicOp, string>
    {
        [AtomicOp.Add] = "add", [AtomicOp.Or] = "or", [AtomicOp.And] = "and", [AtomicOp.Xor] = "xor",
        [AtomicOp.Xchg] = "xchg", [AtomicOp.Cmpxchg] = "cmpxchg",
    };

    /// <summary>lddw pseudo sources by name (src 1-6).</summary>
    public static readonly string[] WideSource = ["", "map_fd", "map_value", "btf_id", "func", "map_idx", "map_idx_value"];

    public static string SizeSuffix(AccessSize size) => size switch
    {
        AccessSize.Byte => "b",
        AccessSize.Half => "h",
        AccessSize.Word => "w",
        _ => "dw",
    };

    public static bool TryParseSize(string suffix, out AccessSize size)
    {
        switch (suffix)
        {
            case "b": size = AccessSize.Byte; return true;
            case "h": size = AccessSize.Half; return true;
            case "w": size = AccessSize.Word; return true;
            case "dw": size = AccessSize.Double; return true;
            default: size = default; return false;
        }
    }
}
