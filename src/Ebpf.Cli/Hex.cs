using System.Globalization;

namespace Ebpf.Cli;

/// <summary>Hex byte strings as the conformance suite writes them: "00 01 ff", "0001ff", optional 0x prefixes.</summary>
public static class Hex
{
    public static byte[] ParseBytes(string text, string what)
    {
        var bytes = new List<byte>();
        foreach (var token in text.Split([' ', '\t', '\r', '\n', ','], StringSplitOptions.RemoveEmptyEntries))
        {
            var digits = token.StartsWith("0x", StringComparison.OrdinalIgnoreCase) ? token[2..] : token;
            if (digits.Length == 0 || digits.Length % 2 != 0)
                throw new CliInputException($"{what}: \"{token}\" is not a whole number of hex bytes");
            for (int i = 0; i < digits.Length; i += 2)
            {
                if (!byte.TryParse(digits.AsSpan(i, 2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out byte b))
                    throw new CliInputException($"{what}: \"{token}\" is not hex");
                bytes.Add(b);
            }
        }
        return bytes.ToArray();
    }
}
