using System.Globalization;
using System.Text.RegularExpressions;

namespace Ebpf.Isa;

/// <summary>
/// Assembles the bpf_conformance assembly syntax: one instruction per line, <c>#</c> comments, <c>name:</c> labels,
/// jump targets as labels or signed offsets (<c>+2</c>, <c>-1</c>), and the implicit label <c>exit</c> for the first
/// exit instruction. Errors carry the 1-based line and the suite's wording ("Invalid register: %r50").
/// </summary>
public sealed partial class Assembler
{
    private readonly List<Instruction> _output = [];
    private readonly Dictionary<string, int> _labels = new(StringComparer.Ordinal);
    private readonly List<Fixup> _fixups = [];
    private int? _firstExit;
    private int _line;

    private Assembler() { }

    /// <summary>Assembles <paramref name="text"/>; throws <see cref="AssemblerException"/>. The result is not validated
    /// (see <see cref="ProgramDecoder.Validate"/>), so deliberately malformed programs can be written.</summary>
    public static Instruction[] Assemble(string text)
    {
        var assembler = new Assembler();
        assembler.Run(text);
        return assembler._output.ToArray();
    }

    private readonly record struct Fixup(int Slot, string Label, int Line, bool InImmediate);

    private void Run(string text)
    {
        var lines = text.Split('\n');
        for (int i = 0; i < lines.Length; i++)
        {
            _line = i + 1;
            var line = lines[i];
            int hash = line.IndexOf('#');
            if (hash >= 0) line = line[..hash];
            line = line.Trim();
            while (line.Length > 0)
            {
                var label = LabelPattern().Match(line);
                if (!label.Success) break;
                DefineLabel(label.Groups[1].Value);
                line = line[label.Length..].Trim();
            }
            if (line.Length == 0) continue;
            AssembleLine(line);
        }

        if (_firstExit is int exit) _labels.TryAdd("exit", exit);
        foreach (var fixup in _fixups)
        {
            if (!_labels.TryGetValue(fixup.Label, out int target))
                throw new AssemblerException(fixup.Line, $"Invalid label: {fixup.Label}");
            long relative = (long)target - fixup.Slot - 1;
            var insn = _output[fixup.Slot];
            if (fixup.InImmediate)
            {
                _output[fixup.Slot] = insn.WithImm((int)relative);
            }
            else
            {
                if (relative is < short.MinValue or > short.MaxValue)
                    throw new AssemblerException(fixup.Line, $"Jump offset out of range: label {fixup.Label} is {relative} slots away");
                _output[fixup.Slot] = insn.WithOffset((short)relative);
            }
        }
    }

    private void DefineLabel(string name)
    {
        if (!_labels.TryAdd(name, _output.Count))
            throw new AssemblerException(_line, $"Duplicate label ({name}) at instruction {_output.Count} (previous declaration at instruction {_labels[name]})");
    }

    private void AssembleLine(string line)
    {
        int space = line.IndexOfAny([' ', '\t']);
        string mnemonic = space < 0 ? line : line[..space];
        string rest = space < 0 ? "" : line[(space + 1)..].Trim();

        if (mnemonic == "lock") { AssembleAtomic(rest); return; }
        if (mnemonic == "call") { AssembleCall(rest); return; }

        var operands = rest.Length == 0 ? [] : rest.Split(',').Select(o => o.Trim()).ToArray();
        Match m;
        if ((m = AluPattern().Match(mnemonic)).Success)
        {
            string name = m.Groups[1].Value;
            bool is64 = !m.Groups[2].Success;
            var op = name switch { "sdiv" => AluOp.Div, "smod" => AluOp.Mod, _ => Mnemonics.Alu.First(p => p.Value == name).Key };
            short offset = name is "sdiv" or "smod" ? (short)1 : (short)0;
            if (op == AluOp.Neg)
            {
                Expect(mnemonic, operands, 1);
                Emit(Insn.Neg(is64, Register(operands[0])));
                return;
            }
            Expect(mnemonic, operands, 2);
            var dst = Register(operands[0]);
            Emit(IsRegister(operands[1])
                ? Insn.AluReg(is64, op, dst, Register(operands[1]), offset)
                : Insn.AluImm(is64, op, dst, Imm32(operands[1]), offset));
            return;
        }
        if ((m = MovSxPattern().Match(mnemonic)).Success)
        {
            short bits = short.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
            bool is64 = m.Groups[2].Value == "64";
            if (!is64 && bits == 32) throw Error($"Invalid mnemonic: {mnemonic}");
            Expect(mnemonic, operands, 2);
            Emit(Insn.MovSx(is64, Register(operands[0]), Register(operands[1]), bits));
            return;
        }
        if ((m = EndianPattern().Match(mnemonic)).Success)
        {
            Expect(mnemonic, operands, 1);
            int width = int.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture);
            var dst = Register(operands[0]);
            Emit(m.Groups[1].Value switch
            {
                "le" => Insn.Le(dst, width),
                "be" => Insn.Be(dst, width),
                _ => Insn.Bswap(dst, width),
            });
            return;
        }
        if ((m = JumpPattern().Match(mnemonic)).Success)
        {
            Expect(mnemonic, operands, 3);
            var op = Mnemonics.Jump.First(p => p.Value == m.Groups[1].Value).Key;
            bool is32 = m.Groups[2].Success;
            var dst = Register(operands[0]);
            Emit(IsRegister(operands[1])
                ? Insn.JumpReg(is32, op, dst, Register(operands[1]), 0)
                : Insn.JumpImm(is32, op, dst, Imm32(operands[1]), 0));
            JumpTarget(operands[2], inImmediate: false);
            return;
        }
        if ((m = MemoryPattern().Match(mnemonic)).Success)
        {
            AssembleMemory(mnemonic, m.Groups[1].Value, m.Groups[2].Value, operands);
            return;
        }
        switch (mnemonic)
        {
            case "exit":
                Expect(mnemonic, operands, 0);
                if (_firstExit is null) _firstExit = _output.Count;
                Emit(Insn.Exit());
                return;
            case "ja":
                Expect(mnemonic, operands, 1);
                Emit(Insn.Ja(0));
                JumpTarget(operands[0], inImmediate: false);
                return;
            case "ja32":
            case "gotol":
                Expect(mnemonic, operands, 1);
                Emit(Insn.Ja32(0));
                JumpTarget(operands[0], inImmediate: true);
                return;
            case "lddw":
                AssembleWideLoad(mnemonic, operands);
                return;
        }
        throw Error($"Invalid mnemonic: {mnemonic}");
    }

    private void AssembleMemory(string mnemonic, string kind, string suffix, string[] operands)
    {
        if (!Mnemonics.TryParseSize(suffix, out var size)) throw Error($"Invalid mnemonic: {mnemonic}");
        switch (kind)
        {
            case "ldx":
            {
                Expect(mnemonic, operands, 2);
                var dst = Register(operands[0]);
                var (src, offset) = MemoryOperand(operands[1]);
                Emit(Insn.Load(size, dst, src, offset));
                return;
            }
            case "ldxs" when size != AccessSize.Double:
            {
                Expect(mnemonic, operands, 2);
                var dst = Register(operands[0]);
                var (src, offset) = MemoryOperand(operands[1]);
                Emit(Insn.LoadSx(size, dst, src, offset));
                return;
            }
            case "st":
            {
                Expect(mnemonic, operands, 2);
                var (dst, offset) = MemoryOperand(operands[0]);
                Emit(Insn.StoreImm(size, dst, offset, Imm32(operands[1])));
                return;
            }
            case "stx":
            {
                Expect(mnemonic, operands, 2);
                var (dst, offset) = MemoryOperand(operands[0]);
                Emit(Insn.StoreReg(size, dst, offset, Register(operands[1])));
                return;
            }
            case "ldabs" when size != AccessSize.Double:
                Expect(mnemonic, operands, 1);
                Emit(Insn.LoadAbs(size, Imm32(operands[0])));
                return;
            case "ldind" when size != AccessSize.Double:
                Expect(mnemonic, operands, 2);
                Emit(Insn.LoadInd(size, Register(operands[0]), Imm32(operands[1])));
                return;
        }
        throw Error($"Invalid mnemonic: {mnemonic}");
    }

    private void AssembleWideLoad(string mnemonic, string[] operands)
    {
        if (operands.Length is not (2 or 3)) throw Error($"Invalid number of operands for mnemonic: {mnemonic}");
        var dst = Register(operands[0]);
        var words = operands[1].Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
        if (words.Length == 1 && operands.Length == 2)
        {
            foreach (var slot in Insn.LdDw(dst, Imm64(words[0]))) Emit(slot);
            return;
        }
        int source = Array.IndexOf(Mnemonics.WideSource, words[0]);
        if (words.Length != 2 || source <= 0) throw Error($"Invalid lddw operand: {operands[1]}");
        int next = operands.Length == 3 ? Imm32(operands[2]) : 0;
        foreach (var slot in Insn.LdDwPseudo(dst, (byte)source, Imm32(words[1]), next)) Emit(slot);
    }

    private void AssembleCall(string rest)
    {
        var words = rest.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
        if (words.Length == 1 && IsRegister(words[0]))
        {
            Emit(Insn.CallX(Register(words[0])));
            return;
        }
        if (words.Length == 1) words = ["helper", words[0]];
        if (words.Length != 2) throw Error("Invalid number of operands for mnemonic: call");
        switch (words[0])
        {
            case "helper":
                Emit(Insn.Call(Imm32(words[1])));
                return;
            case "local":
                Emit(Insn.CallLocal(0));
                JumpTarget(words[1], inImmediate: true);
                return;
            case "runtime":
                Emit(Insn.CallRuntime(Imm32(words[1])));
                return;
            default:
                throw Error($"Invalid call mode: {words[0]}");
        }
    }

    private void AssembleAtomic(string rest)
    {
        // lock [fetch] <op>[32] [dst+off], src
        int bracket = rest.IndexOf('[');
        var words = (bracket < 0 ? rest : rest[..bracket]).Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
        var operands = bracket < 0 ? [] : rest[bracket..].Split(',').Select(o => o.Trim()).ToArray();
        if (words.Length == 0 || operands.Length != 2) throw Error("Invalid number of operands for lock");
        bool fetch = words[0] == "fetch";
        if (words.Length != (fetch ? 2 : 1)) throw Error("Invalid number of operands for lock");
        string name = words[^1];
        var size = AccessSize.Double;
        if (name.EndsWith("32", StringComparison.Ordinal))
        {
            size = AccessSize.Word;
            name = name[..^2];
        }
        if (!Mnemonics.Atomic.Values.Contains(name)) throw Error($"Invalid atomic operation: {words[^1]}");
        var op = Mnemonics.Atomic.First(p => p.Value == name).Key;
        if (fetch)
        {
            if (op is AtomicOp.Xchg or AtomicOp.Cmpxchg) throw Error($"Invalid atomic operation: fetch {words[^1]}");
            op |= AtomicOp.Fetch;
        }
        var (dst, offset) = MemoryOperand(operands[0]);
        Emit(Insn.Atomic(size, op, dst, offset, Register(operands[1])));
    }

    private void JumpTarget(string operand, bool inImmediate)
    {
        if (operand.StartsWith('+') || operand.StartsWith('-'))
        {
            long value = Integer(operand, "Invalid jump offset");
            long min = inImmediate ? int.MinValue : short.MinValue, max = inImmediate ? int.MaxValue : short.MaxValue;
            if (value < min || value > max) throw Error($"Jump offset out of range: {operand}");
            int slot = _output.Count - 1;
            _output[slot] = inImmediate ? _output[slot].WithImm((int)value) : _output[slot].WithOffset((short)value);
            return;
        }
        if (!IdentifierPattern().IsMatch(operand)) throw Error($"Invalid label: {operand}");
        _fixups.Add(new Fixup(_output.Count - 1, operand, _line, inImmediate));
    }

    private void Emit(Instruction insn) => _output.Add(insn);

    private void Expect(string mnemonic, string[] operands, int count)
    {
        if (operands.Length != count || operands.Any(o => o.Length == 0))
            throw Error($"Invalid number of operands for mnemonic: {mnemonic}");
    }

    private static bool IsRegister(string operand) => operand.StartsWith('%') || RegisterPattern().IsMatch(operand);

    private byte Register(string operand)
    {
        var m = RegisterPattern().Match(operand);
        if (!m.Success || !int.TryParse(m.Groups[1].Value, CultureInfo.InvariantCulture, out int n) || n > 10)
            throw Error($"Invalid register: {operand}");
        return (byte)n;
    }

    private (byte Register, short Offset) MemoryOperand(string operand)
    {
        var m = MemoryOperandPattern().Match(operand);
        if (!m.Success) throw Error($"Failed to decode register and offset: {operand}");
        var reg = Register(m.Groups[1].Value);
        if (!m.Groups[2].Success) return (reg, 0);
        long offset = Integer(m.Groups[2].Value.Replace(" ", ""), "Invalid offset");
        if (offset is < short.MinValue or > short.MaxValue) throw Error($"Offset out of range: {m.Groups[2].Value}");
        return (reg, (short)offset);
    }

    /// <summary>A 32-bit immediate: decimal within int32, or hex up to 0xffffffff (stored as its bit pattern).</summary>
    private int Imm32(string text)
    {
        var (negative, magnitude, hex) = ParseLiteral(text, "Invalid immediate");
        if (hex)
        {
            if (!negative && magnitude <= uint.MaxValue) return (int)(uint)magnitude;
            if (negative && magnitude <= 0x8000_0000UL) return (int)-(long)magnitude;
        }
        else
        {
            if (!negative && magnitude <= int.MaxValue) return (int)magnitude;
            if (negative && magnitude <= 0x8000_0000UL) return (int)-(long)magnitude;
        }
        throw Error($"Immediate out of range: {text}");
    }

    private ulong Imm64(string text)
    {
        var (negative, magnitude, _) = ParseLiteral(text, "Invalid immediate");
        if (!negative) return magnitude;
        if (magnitude <= 0x8000_0000_0000_0000UL) return unchecked(0UL - magnitude);
        throw Error($"Immediate out of range: {text}");
    }

    private long Integer(string text, string what)
    {
        var (negative, magnitude, _) = ParseLiteral(text, what);
        if (magnitude > long.MaxValue) throw Error($"{what}: {text}");
        return negative ? -(long)magnitude : (long)magnitude;
    }

    private (bool Negative, ulong Magnitude, bool Hex) ParseLiteral(string text, string what)
    {
        var s = text.AsSpan();
        bool negative = false;
        if (s.Length > 0 && (s[0] == '+' || s[0] == '-'))
        {
            negative = s[0] == '-';
            s = s[1..];
        }
        bool hex = s.StartsWith("0x", StringComparison.OrdinalIgnoreCase);
        if (hex) s = s[2..];
        if (s.Length == 0 || !ulong.TryParse(s, hex ? NumberStyles.AllowHexSpecifier : NumberStyles.None, CultureInfo.InvariantCulture, out ulong magnitude))
        {
            // Distinguish "too big" from "not a number" for the suite's range cases.
            bool digits = s.Length > 0 && s.ToString().All(c => hex ? char.IsAsciiHexDigit(c) : char.IsAsciiDigit(c));
            throw Error(digits ? $"Immediate out of range: {text}" : $"{what}: {text}");
        }
        return (negative, magnitude, hex);
    }

    private AssemblerException Error(string message) => new(_line, message);

    [GeneratedRegex(@"^([A-Za-z_.][A-Za-z0-9_.]*):")]
    private static partial Regex LabelPattern();

    [GeneratedRegex(@"^[A-Za-z_.][A-Za-z0-9_.]*$")]
    private static partial Regex IdentifierPattern();

    [GeneratedRegex(@"^(add|sub|mul|div|sdiv|or|and|lsh|rsh|neg|mod|smod|xor|mov|arsh)(32)?$")]
    private static partial Regex AluPattern();

    [GeneratedRegex(@"^movsx(8|16|32)(32|64)$")]
    private static partial Regex MovSxPattern();

    [GeneratedRegex(@"^(le|be|swap|bswap)(16|32|64)$")]
    private static partial Regex EndianPattern();

    [GeneratedRegex(@"^(jeq|jgt|jge|jset|jne|jsgt|jsge|jlt|jle|jslt|jsle)(32)?$")]
    private static partial Regex JumpPattern();

    [GeneratedRegex(@"^(ldxs|ldx|stx|st|ldabs|ldind)(b|h|w|dw)$")]
    private static partial Regex MemoryPattern();

    [GeneratedRegex(@"^%?r(\d+)$")]
    private static partial Regex RegisterPattern();

    [GeneratedRegex(@"^\[\s*(%?r\d+)\s*([+-]\s*(?:0[xX][0-9a-fA-F]+|\d+))?\s*\]$")]
    private static partial Regex MemoryOperandPattern();
}
