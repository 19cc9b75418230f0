using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Ebpf.TestSupport;

namespace Ebpf.Elf.Tests;

/// <summary>
/// Runs llvm-readelf-19 / llvm-objdump-19 and parses what the sample tests compare against, so the loader is
/// checked against LLVM's own reading of the objects. Builds the samples first (incrementally).
/// </summary>
public static partial class LlvmTools
{
    public sealed record Section(int Index, string Name, string Type, ulong FileOffset, ulong Size);
    public sealed record Symbol(int Index, ulong Value, ulong Size, string Type, string Bind, string Ndx, string Name);
    public sealed record Relocation(ulong Offset, int SymbolIndex, string Type, string SymbolName);
    public sealed record Dump(List<Section> Sections, List<Symbol> Symbols, Dictionary<string, List<Relocation>> Relocations)
    {
        public Section SectionNamed(string name) => Sections.Single(s => s.Name == name);
        public IEnumerable<Symbol> SymbolsIn(string section) =>
            Symbols.Where(s => int.TryParse(s.Ndx, out var i) && Sections.Single(x => x.Index == i).Name == section);
    }

    private static readonly Lazy<bool> SamplesBuilt = new(BuildSamples);

    public static string Sample(string name)
    {
        _ = SamplesBuilt.Value;
        return RepoPaths.RepoPath("samples", "build", name);
    }

    private static bool BuildSamples()
    {
        var (code, output) = RunProcess(RepoPaths.RepoPath("samples", "build.sh"), "");
        if (code != 0) Assert.Fail($"samples/build.sh failed (is clang-19 installed? run eng/setup.sh):\n{output}");
        return true;
    }

    public static string Run(string tool, string arguments)
    {
        var (code, output) = RunProcess(tool, arguments);
        if (code != 0) Assert.Fail($"{tool} {arguments} exited with {code}:\n{output}");
        return output;
    }

    private static (int Code, string Output) RunProcess(string tool, string arguments)
    {
        Process process;
        try
        {
            var info = new ProcessStartInfo(tool, arguments)
            {
                RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
            };
            process = Process.Start(info) ?? throw new InvalidOperationException($"{tool} did not start");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            Assert.Fail($"{tool} is not installed ({e.Message}); run eng/setup.sh to install clang-19 and llvm-19");
            throw;
        }
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        process.WaitForExit();
        return (process.ExitCode, stdout.Result + stderr.Result);
    }

    [GeneratedRegex(@"^\s*\[\s*(\d+)\]\s+(\S+)\s+(\S+)\s+[0-9a-f]+\s+([0-9a-f]+)\s+([0-9a-f]+)", RegexOptions.Multiline)]
    private static partial Regex SectionLine();

    [GeneratedRegex(@"^\s*(\d+):\s+([0-9a-f]+)\s+(\d+)\s+(\S+)\s+(\S+)\s+\S+\s+(\S+)\s*(\S*)\s*$", RegexOptions.Multiline)]
    private static partial Regex SymbolLine();

    [GeneratedRegex(@"^Relocation section '([^']*)'")]
    private static partial Regex RelocationHeader();

    [GeneratedRegex(@"^([0-9a-f]{16})\s+([0-9a-f]{16})\s+(\S+)\s+[0-9a-f]+\s+(\S*)")]
    private static partial Regex RelocationLine();

    public static Dump ReadElf(string path)
    {
        var text = Run("llvm-readelf-19", $"-S -s -r --wide \"{path}\"");
        var sections = SectionLine().Matches(text).Select(m => new Section(int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture),
            m.Groups[2].Value, m.Groups[3].Value, ulong.Parse(m.Groups[4].Value, NumberStyles.HexNumber),
            ulong.Parse(m.Groups[5].Value, NumberStyles.HexNumber))).ToList();
        var symbols = SymbolLine().Matches(text).Select(m => new Symbol(int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture),
            ulong.Parse(m.Groups[2].Value, NumberStyles.HexNumber), ulong.Parse(m.Groups[3].Value, CultureInfo.InvariantCulture),
            m.Groups[4].Value, m.Groups[5].Value, m.Groups[6].Value, m.Groups[7].Value)).ToList();
        var relocations = new Dictionary<string, List<Relocation>>();
        List<Relocation>? current = null;
        foreach (var line in text.Split('\n'))
        {
            if (RelocationHeader().Match(line) is { Success: true } h)
            {
                var target = h.Groups[1].Value;
                target = target.StartsWith(".rel", StringComparison.Ordinal) ? target[4..] : target;
                relocations[target] = current = [];
            }
            else if (current is not null && RelocationLine().Match(line) is { Success: true } r)
                current.Add(new Relocation(ulong.Parse(r.Groups[1].Value, NumberStyles.HexNumber),
                    (int)(ulong.Parse(r.Groups[2].Value, NumberStyles.HexNumber) >> 32), r.Groups[3].Value, r.Groups[4].Value));
        }
        return new Dump(sections, symbols, relocations);
    }

    /// <summary>The bytes of a section as llvm-objdump -s prints them.</summary>
    public static byte[] SectionBytes(string path, string section)
    {
        var text = Run("llvm-objdump-19", $"-s -j \"{section}\" \"{path}\"");
        var bytes = new List<byte>();
        foreach (var line in text.Split('\n'))
        {
            var m = Regex.Match(line, @"^ [0-9a-f]{4,} ((?:[0-9a-f]{2,8} ){1,4})");
            if (!m.Success) continue;
            foreach (var word in m.Groups[1].Value.Split(' ', StringSplitOptions.RemoveEmptyEntries))
                for (int i = 0; i < word.Length; i += 2) bytes.Add(byte.Parse(word.AsSpan(i, 2), NumberStyles.HexNumber));
        }
        return [.. bytes];
    }
}
