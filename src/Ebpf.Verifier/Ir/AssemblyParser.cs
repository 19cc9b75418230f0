using System.Collections.Immutable;
using System.Globalization;
using System.Text.RegularExpressions;

namespace Ebpf.Verifier.Ir;

/// <summary>
/// Reads PREVAIL's assembly syntax (<c>r0 = 0</c>, <c>*(u64 *)(r10 - 8) = r1</c>, <c>if r1 &gt; 5 goto &lt;out&gt;</c>,
/// <c>assume w1 &lt; r2</c>, <c>lock *(u32 *)(r1 + 0) += r2 fetch</c>, <c>call 1</c>, <c>callx r3</c>, ...) into an
/// <see cref="IrProgram"/>. Each line is one slot (a 64-bit immediate <c>r1 = 5ll</c> included); labels name slots.
/// </summary>
public static partial class AssemblyParser
{
    private const string Reg = @"([rw])(\d+)";
    private const string Num = @"(-?(?:0x[0-9a-fA-F]+|\d+))(ll)?";

    [GeneratedRegex(@"^exit$")] private static partial Regex ExitRegex();
    [GeneratedRegex(@"^goto\s+<(\w+)>$")] private static partial Regex GotoRegex();
    [GeneratedRegex(@"^call\s+<(\w+)>$")] private static partial Regex CallLocalRegex();
    [GeneratedRegex(@"^call\s+(-?\d+)$")] private static partial Regex CallRegex();
    [GeneratedRegex(@"^callx\s+r(\d+)$")] private static partial Regex CallxRegex();
    [GeneratedRegex(@"^if\s+" + Reg + @"\s*(==|!=|&==|&!=|s<=|s>=|s<|s>|<=|>=|<|>)\s*(?:" + Reg + "|" + Num + @")\s+goto\s+<(\w+)>$")] private static partial Regex IfRegex();
    [GeneratedRegex(@"^assume\s+" + Reg + @"\s*(==|!=|&==|&!=|s<=|s>=|s<|s>|<=|>=|<|>)\s*(?:" + Reg + "|" + Num + ")$")] private static partial Regex AssumeRegex();
    [GeneratedRegex(@"^" + Reg + @"\s*=\s*\*\((u|s)(8|16|32|64) \*\)\(r(\d+)\s*(?:([+-])\s*(\d+))?\)$")] private static partial Regex LoadRegex();
    [GeneratedRegex(@"^\*\(u(8|16|32|64) \*\)\(r(\d+)\s*(?:([+-])\s*(\d+))?\)\s*=\s*(?:" + Reg + "|" + Num + ")$")] private static partial Regex StoreRegex();
    [GeneratedRegex(@"^lock\s+\*\(u(32|64) \*\)\(r(\d+)\s*(?:([+-])\s*(\d+))?\)\s*(\+=|\|=|&=|\^=|x=|cx=)\s*r(\d+)(\s+fetch)?$")] private static partial Regex AtomicRegex();
    [GeneratedRegex(@"^r0\s*=\s*\*\(u(8|16|32) \*\)skb\[(?:r(\d+)(?:\s*\+\s*(-?\d+))?|(-?\d+))\]$")] private static partial Regex PacketRegex();
    [GeneratedRegex(@"^" + Reg + @"\s*=\s*-\s*" + Reg + "$")] private static partial Regex NegRegex();
    [GeneratedRegex(@"^" + Reg + @"\s*=\s*(be16|be32|be64|le16|le32|le64|swap16|swap32|swap64)\s+" + Reg + "$")] private static partial Regex SwapRegex();
    [GeneratedRegex(@"^r(\d+)\s*=\s*(map_fd|map_by_idx)\s+(\d+)$")] private static partial Regex MapRegex();
    /// <summary>lddw of a map value's address (BPF_PSEUDO_MAP_VALUE / _IDX_VALUE), as IrFormatter prints it: <c>r1 = map_val(0) + 8</c>.</summary>
    [GeneratedRegex(@"^r(\d+)\s*=\s*(map_val|map_val_by_idx)\((\d+)\)\s*\+\s*(\d+)$")] private static partial Regex MapValueRegex();
    [GeneratedRegex(@"^" + Reg + @"\s*(=|\+=|-=|\*=|/=|%=|s/=|s%=|\|=|&=|<<=|>>=|s>>=|\^=|s8=|s16=|s32=)\s*(?:" + Reg + "|" + Num + ")$")] private static partial Regex BinaryRegex();

    /// <summary>Parses labelled blocks (label, lines) in order; a label's slot is the count of lines before it.</summary>
    public static IrProgram Parse(IEnumerable<(string Label, IReadOnlyList<string> Lines)> blocks)
    {
        var list = blocks.Select(b => (b.Label, Lines: b.Lines.Select(StripComment).Where(l => l.Length > 0).ToList())).ToList();
        var labels = new Dictionary<string, int>(StringComparer.Ordinal);
        int index = 0;
        foreach (var (label, lines) in list)
        {
            labels[Trim(label)] = index;
            index += lines.Count;
        }
        var slots = new List<IrInstruction?>();
        foreach (var (_, lines) in list)
        {
            foreach (var line in lines) slots.Add(ParseInstruction(line, labels, slots.Count));
        }
        if (slots.Count == 0) throw new FormatException("The program has no instructions.");
        return new IrProgram([.. slots]);
    }

    /// <summary>Parses a program of one instruction per line; lines "&lt;label&gt;:" start labelled blocks.</summary>
    public static IrProgram Parse(string text)
    {
        var blocks = new List<(string, IReadOnlyList<string>)>();
        string label = "<start>";
        var lines = new List<string>();
        foreach (var raw in text.Split('\n'))
        {
            var line = StripComment(raw);
            if (line.StartsWith('<') && line.EndsWith(">:", StringComparison.Ordinal))
            {
                blocks.Add((label, lines));
                label = line[..^1];
                lines = [];
                continue;
            }
            if (line.Length > 0) lines.Add(line);
        }
        blocks.Add((label, lines));
        return Parse(blocks);
    }

    private static string Trim(string label) => label.Trim().TrimStart('<').TrimEnd('>');

    private static string StripComment(string line)
    {
        int semi = line.IndexOf(';');
        return (semi >= 0 ? line[..semi] : line).Trim();
    }

    private static long ParseNumber(string text)
    {
        bool negative = text.StartsWith('-');
        string body = negative ? text[1..] : text;
        ulong value = body.StartsWith("0x", StringComparison.OrdinalIgnoreCase)
            ? ulong.Parse(body[2..], NumberStyles.HexNumber, CultureInfo.InvariantCulture)
            : ulong.Parse(body, CultureInfo.InvariantCulture);
        return negative ? -(long)value : (long)value;
    }

    /// <summary>
    /// An instruction's 32-bit immediate: a number written in [2^31, 2^32) (e.g. 0xffffffff) is those 32 bits, which
    /// the instruction sign-extends (-1), as in the encoding and PREVAIL's assembler; "ll" immediates stay 64-bit.
    /// </summary>
    private static long ParseImmediate32(string text)
    {
        long value = ParseNumber(text);
        return value > int.MaxValue && value <= uint.MaxValue ? (int)(uint)value : value;
    }

    private static byte Register(string text, int line)
    {
        byte r = byte.Parse(text, CultureInfo.InvariantCulture);
        if (r > 10) throw new FormatException($"line {line}: register r{r} does not exist");
        return r;
    }

    private static int Label(string name, IReadOnlyDictionary<string, int> labels, int line)
    {
        if (labels.TryGetValue(name, out int target)) return target;
        if (int.TryParse(name, NumberStyles.Integer, CultureInfo.InvariantCulture, out target)) return target;
        throw new FormatException($"line {line}: unknown label <{name}>");
    }

    private static readonly Dictionary<string, ConditionOp> Conditions = new()
    {
        ["=="] = ConditionOp.Eq, ["!="] = ConditionOp.Ne, ["&=="] = ConditionOp.Set, ["&!="] = ConditionOp.NotSet,
        ["<"] = ConditionOp.Lt, ["<="] = ConditionOp.Le, [">"] = ConditionOp.Gt, [">="] = ConditionOp.Ge,
        ["s<"] = ConditionOp.SLt, ["s<="] = ConditionOp.SLe, ["s>"] = ConditionOp.SGt, ["s>="] = ConditionOp.SGe,
    };

    private static readonly Dictionary<string, BinaryOp> BinaryOps = new()
    {
        ["="] = BinaryOp.Mov, ["+="] = BinaryOp.Add, ["-="] = BinaryOp.Sub, ["*="] = BinaryOp.Mul,
        ["/="] = BinaryOp.UDiv, ["%="] = BinaryOp.UMod, ["s/="] = BinaryOp.SDiv, ["s%="] = BinaryOp.SMod,
        ["|="] = BinaryOp.Or, ["&="] = BinaryOp.And, ["<<="] = BinaryOp.Lsh, [">>="] = BinaryOp.Rsh,
        ["s>>="] = BinaryOp.Arsh, ["^="] = BinaryOp.Xor, ["s8="] = BinaryOp.MovSx8, ["s16="] = BinaryOp.MovSx16,
        ["s32="] = BinaryOp.MovSx32,
    };

    private static Condition ParseCondition(Match m, int line)
    {
        bool is64 = m.Groups[1].Value == "r";
        var op = Conditions[m.Groups[3].Value];
        var right = m.Groups[4].Success
            ? Operand.Reg(Register(m.Groups[5].Value, line))
            : Operand.Imm(ParseImmediate32(m.Groups[6].Value));
        return new Condition(op, Register(m.Groups[2].Value, line), right, is64);
    }

    private static short Offset(Group sign, Group value) =>
        !value.Success ? (short)0 : (short)(sign.Value == "-" ? -int.Parse(value.Value, CultureInfo.InvariantCulture) : int.Parse(value.Value, CultureInfo.InvariantCulture));

    /// <summary>Parses one instruction; <paramref name="line"/> (its slot) is for messages.</summary>
    public static IrInstruction ParseInstruction(string text, IReadOnlyDictionary<string, int> labels, int line)
    {
        var s = Regex.Replace(text.Trim(), @"\s+", " ");
        Match m;
        if (ExitRegex().IsMatch(s)) return new ExitInstruction();
        if ((m = GotoRegex().Match(s)).Success) return new JumpInstruction(null, Label(m.Groups[1].Value, labels, line));
        if ((m = CallLocalRegex().Match(s)).Success) return new CallLocalInstruction(Label(m.Groups[1].Value, labels, line));
        if ((m = CallRegex().Match(s)).Success) return new CallHelperInstruction(int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture));
        if ((m = CallxRegex().Match(s)).Success) return new CallRegisterInstruction(Register(m.Groups[1].Value, line));
        if ((m = IfRegex().Match(s)).Success) return new JumpInstruction(ParseCondition(m, line), Label(m.Groups[8].Value, labels, line));
        if ((m = AssumeRegex().Match(s)).Success) return new AssumeInstruction(ParseCondition(m, line));
        if ((m = LoadRegex().Match(s)).Success)
        {
            return new MemoryInstruction(Register(m.Groups[5].Value, line), Offset(m.Groups[6], m.Groups[7]),
                int.Parse(m.Groups[4].Value, CultureInfo.InvariantCulture) / 8, true,
                Operand.Reg(Register(m.Groups[2].Value, line)), m.Groups[3].Value == "s");
        }
        if ((m = StoreRegex().Match(s)).Success)
        {
            var value = m.Groups[5].Success ? Operand.Reg(Register(m.Groups[6].Value, line)) : Operand.Imm(ParseImmediate32(m.Groups[7].Value));
            return new MemoryInstruction(Register(m.Groups[2].Value, line), Offset(m.Groups[3], m.Groups[4]),
                int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture) / 8, false, value);
        }
        if ((m = AtomicRegex().Match(s)).Success)
        {
            bool fetch = m.Groups[7].Success;
            var op = m.Groups[5].Value switch
            {
                "+=" => Isa.AtomicOp.Add,
                "|=" => Isa.AtomicOp.Or,
                "&=" => Isa.AtomicOp.And,
                "^=" => Isa.AtomicOp.Xor,
                "x=" => Isa.AtomicOp.Xchg,
                _ => Isa.AtomicOp.Cmpxchg,
            };
            if (fetch) op |= Isa.AtomicOp.Fetch;
            return new AtomicInstruction(op, Register(m.Groups[2].Value, line), Offset(m.Groups[3], m.Groups[4]),
                int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture) / 8, Register(m.Groups[6].Value, line));
        }
        if ((m = PacketRegex().Match(s)).Success)
        {
            int width = int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture) / 8;
            if (m.Groups[2].Success)
                return new PacketLoadInstruction(width, m.Groups[3].Success ? int.Parse(m.Groups[3].Value, CultureInfo.InvariantCulture) : 0, Register(m.Groups[2].Value, line));
            return new PacketLoadInstruction(width, int.Parse(m.Groups[4].Value, CultureInfo.InvariantCulture), null);
        }
        if ((m = NegRegex().Match(s)).Success && m.Groups[2].Value == m.Groups[4].Value)
            return new UnaryInstruction(UnaryOp.Neg, Register(m.Groups[2].Value, line), m.Groups[1].Value == "r");
        if ((m = SwapRegex().Match(s)).Success && m.Groups[2].Value == m.Groups[5].Value)
        {
            var op = Enum.Parse<UnaryOp>(m.Groups[3].Value, ignoreCase: true);
            return new UnaryInstruction(op, Register(m.Groups[2].Value, line), true);
        }
        if ((m = MapRegex().Match(s)).Success)
            return new LoadMapInstruction(Register(m.Groups[1].Value, line), int.Parse(m.Groups[3].Value, CultureInfo.InvariantCulture), m.Groups[2].Value == "map_by_idx");
        if ((m = MapValueRegex().Match(s)).Success)
            return new LoadMapValueInstruction(Register(m.Groups[1].Value, line), int.Parse(m.Groups[3].Value, CultureInfo.InvariantCulture),
                int.Parse(m.Groups[4].Value, CultureInfo.InvariantCulture), m.Groups[2].Value == "map_val_by_idx");
        if ((m = BinaryRegex().Match(s)).Success)
        {
            bool is64 = m.Groups[1].Value == "r";
            byte dst = Register(m.Groups[2].Value, line);
            var op = BinaryOps[m.Groups[3].Value];
            if (m.Groups[4].Success)
                return new BinaryInstruction(op, dst, Operand.Reg(Register(m.Groups[5].Value, line)), is64);
            bool wide = m.Groups[7].Success;
            if (wide && (op != BinaryOp.Mov || !is64)) throw new FormatException($"line {line}: a 64-bit immediate only in r = imm: '{text}'");
            var immediate = wide ? ParseNumber(m.Groups[6].Value) : ParseImmediate32(m.Groups[6].Value);
            return new BinaryInstruction(op, dst, Operand.Imm(immediate), is64, wide);
        }
        throw new FormatException($"line {line}: cannot parse '{text}'");
    }
}
