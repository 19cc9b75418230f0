using System.Globalization;
using System.Text;

namespace Ebpf.Runtime.Tests;

/// <summary>
/// One bpf_conformance <c>.data</c> file: sections <c>-- asm</c> or <c>-- raw</c> (the program), <c>-- mem</c> (hex bytes
/// given to the program in r1/r2), <c>-- result</c> (expected r0) or <c>-- error</c> (expected failure text);
/// <c>-- c</c> and <c>-- no register offset</c> are ignored, any other directive is an error.
/// </summary>
public sealed class ConformanceTestFile
{
    public required string Name { get; init; }
    public string? Assembly { get; init; }
    /// <summary>The program image of a <c>-- raw</c> section.</summary>
    public byte[]? Raw { get; init; }
    public byte[] Memory { get; init; } = [];
    public ulong? ExpectedResult { get; init; }
    /// <summary>Expected error text; empty when any error will do; null when the program must succeed.</summary>
    public string? ExpectedError { get; init; }

    public static ConformanceTestFile Load(string path) => Parse(Path.GetFileName(path), File.ReadAllText(path));

    public static ConformanceTestFile Parse(string name, string text)
    {
        string? section = null;
        var asm = new StringBuilder();
        var raw = new List<string>();
        var mem = new List<string>();
        string? result = null, error = null;
        bool hasAsm = false, hasRaw = false;

        foreach (var rawLine in text.Split('\n'))
        {
            var line = rawLine.TrimEnd('\r');
            if (line.StartsWith("--", StringComparison.Ordinal))
            {
                section = line[2..].Trim() switch
                {
                    "asm" => "asm",
                    "raw" => "raw",
                    "mem" => "mem",
                    "result" => "result",
                    "error" => "error",
                    "c" or "no register offset" => "ignore",
                    var other => throw new ConformanceFormatException(name, $"Unknown directive: {other}"),
                };
                if (section == "asm") hasAsm = true;
                if (section == "raw") hasRaw = true;
                if (section == "error") error ??= "";
                continue;
            }
            switch (section)
            {
                case "asm":
                    asm.Append(line).Append('\n');
                    break;
                case "raw":
                    raw.AddRange(Tokens(line));
                    break;
                case "mem":
                    mem.AddRange(Tokens(line));
                    break;
                case "result" when line.Trim().Length > 0:
                    result = line.Trim();
                    break;
                case "error" when line.Trim().Length > 0:
                    error = line.Trim();
                    break;
            }
        }

        if (hasAsm && hasRaw) { /* both given (lddw.data): the raw image is authoritative, the text must match it */ }
        bool hasProgram = (hasAsm && asm.ToString().Split('\n').Any(l => StripComment(l).Length > 0)) || raw.Count > 0;
        if (!hasProgram) throw new ConformanceFormatException(name, "no instructions");
        if (result is null && error is null) throw new ConformanceFormatException(name, "no result and no error");

        return new ConformanceTestFile
        {
            Name = name,
            Assembly = hasAsm ? asm.ToString() : null,
            Raw = raw.Count > 0 ? ParseRaw(name, raw) : null,
            Memory = mem.Select(b => ParseByte(name, b)).ToArray(),
            ExpectedResult = result is null ? null : ParseResult(name, result),
            ExpectedError = error,
        };
    }

    private static string StripComment(string line)
    {
        int hash = line.IndexOf('#');
        return (hash >= 0 ? line[..hash] : line).Trim();
    }

    private static IEnumerable<string> Tokens(string line) =>
        StripComment(line).Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);

    /// <summary>Either 64-bit words (<c>0x5566778800000018</c>, one slot each, as in lddw.data) or single bytes (<c>07 00 ...</c>).</summary>
    private static byte[] ParseRaw(string name, List<string> tokens)
    {
        bool words = tokens.All(t => t.StartsWith("0x", StringComparison.OrdinalIgnoreCase) && t.Length > 4);
        if (!words) return tokens.Select(t => ParseByte(name, t)).ToArray();
        var bytes = new byte[tokens.Count * 8];
        for (int i = 0; i < tokens.Count; i++)
        {
            if (!ulong.TryParse(tokens[i].AsSpan(2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out ulong word))
                throw new ConformanceFormatException(name, $"bad raw instruction {tokens[i]}");
            BitConverter.TryWriteBytes(bytes.AsSpan(i * 8), word);
        }
        return bytes;
    }

    private static byte ParseByte(string name, string token) =>
        token.Length <= 2 && byte.TryParse(token, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out byte b)
            ? b
            : throw new ConformanceFormatException(name, $"bad hex byte {token}");

    private static ulong ParseResult(string name, string text)
    {
        bool ok = text.StartsWith("0x", StringComparison.OrdinalIgnoreCase)
            ? ulong.TryParse(text.AsSpan(2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out ulong value)
            : ulong.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value);
        return ok ? value : throw new ConformanceFormatException(name, $"bad result {text}");
    }
}
