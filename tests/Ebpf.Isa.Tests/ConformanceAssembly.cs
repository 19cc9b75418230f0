using Ebpf.TestSupport;

namespace Ebpf.Isa.Tests;

/// <summary>The <c>-- asm</c> and <c>-- raw</c> sections of the shared bpf_conformance files.</summary>
internal static class ConformanceAssembly
{
    public static string TestsDirectory => RepoPaths.SharedPath("conformance", "tests");

    public static IEnumerable<string> Files() =>
        Directory.EnumerateFiles(TestsDirectory, "*.data").Select(Path.GetFileName).OfType<string>().Order(StringComparer.Ordinal);

    public static string? Section(string file, string name)
    {
        var lines = File.ReadAllLines(Path.Combine(TestsDirectory, file));
        var body = new List<string>();
        bool inside = false;
        foreach (var line in lines)
        {
            if (line.StartsWith("--", StringComparison.Ordinal))
            {
                if (inside) break;
                inside = line[2..].Trim() == name;
                continue;
            }
            if (inside) body.Add(line);
        }
        return inside || body.Count > 0 ? string.Join('\n', body) : null;
    }
}
