using System.Collections.Concurrent;
using System.Diagnostics;

namespace Ebpf.TestSupport;

/// <summary>
/// eBPF for Windows' own sample programs (../shared/efw-samples): compiled as their authors build them, against this
/// repository's include/ and upstream's two test headers, and the expectations upstream's build gives each program.
/// </summary>
public static class EfwSamples
{
    public sealed record Row(string Object, string Section, string Function, Guid ProgramType, Guid AttachType,
        IReadOnlyList<uint> HelperIds, string Hash);

    public static string Root => RepoPaths.SharedPath("efw-samples");

    public static IReadOnlyList<Row> Expectations { get; } = ReadExpectations();

    public static IEnumerable<string> Objects => Expectations.Select(r => r.Object).Distinct().Order(StringComparer.Ordinal);

    private static readonly ConcurrentDictionary<string, Lazy<string>> Built = new();
    private static readonly Lazy<string> BuildDirectory = new(CreateBuildDirectory);

    /// <summary>
    /// Compiles programs/<paramref name="name"/>.c once per test run with the documented build line:
    /// clang-19 -target bpf -O2 -g -nostdlibinc -I include -I test-include -c (plus the stand-in Windows SDK header).
    /// </summary>
    public static string Compile(string name) => Built.GetOrAdd(name, n => new Lazy<string>(() => Build(n))).Value;

    private static string Build(string name)
    {
        string output = Path.Combine(BuildDirectory.Value, name + ".o");
        var start = new ProcessStartInfo("clang-19",
        [
            "-target", "bpf", "-O2", "-g", "-nostdlibinc",
            "-I", RepoPaths.RepoPath("include"), "-I", Path.Combine(Root, "test-include"), "-I", Path.Combine(BuildDirectory.Value, "sdk"),
            "-c", Path.Combine(Root, "programs", name + ".c"), "-o", output,
        ])
        {
            RedirectStandardError = true,
        };
        using var clang = Process.Start(start) ?? throw new InvalidOperationException("cannot start clang-19");
        string errors = clang.StandardError.ReadToEnd();
        clang.WaitForExit();
        if (clang.ExitCode != 0) throw new InvalidOperationException($"clang-19 failed on {name}.c (exit {clang.ExitCode}):\n{errors}");
        return output;
    }

    private static string CreateBuildDirectory()
    {
        string dir = Directory.CreateTempSubdirectory("efw-samples").FullName;
        // cgroup_sock_addr_helpers.c takes one constant from the Windows SDK's ipifcons.h; the stand-in holds just it.
        Directory.CreateDirectory(Path.Combine(dir, "sdk"));
        File.WriteAllText(Path.Combine(dir, "sdk", "ipifcons.h"), "#pragma once\n#define IF_TYPE_PPP 23\n");
        return dir;
    }

    private static List<Row> ReadExpectations()
    {
        var rows = new List<Row>();
        foreach (var line in File.ReadLines(Path.Combine(Root, "expectations.tsv")).Skip(1))
        {
            if (line.Length == 0) continue;
            var f = line.Split('\t');
            if (f.Length != 7) throw new FormatException($"expectations.tsv: expected 7 columns, got {f.Length}: {line}");
            var helpers = f[5] == "-" ? [] : f[5].Split(',').Select(uint.Parse).ToArray();
            rows.Add(new Row(f[0], f[1], f[2], Guid.Parse(f[3]), Guid.Parse(f[4]), helpers, f[6]));
        }
        return rows;
    }
}
