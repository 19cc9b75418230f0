using Ebpf.TestSupport;

namespace Ebpf.Elf.Tests;

/// <summary>The rows of the shared corpus' expectations.tsv, grouped by object (path relative to the corpus root).</summary>
public static class CorpusExpectations
{
    public sealed record Row(string Object, string Section, string Function, string Status);

    public static string Root => RepoPaths.SharedPath("ebpf-samples");

    public static IReadOnlyDictionary<string, List<Row>> ByObject { get; } = Load();

    private static Dictionary<string, List<Row>> Load()
    {
        var path = Path.Combine(Root, "expectations.tsv");
        var lines = File.ReadAllLines(path);
        var header = lines[0].Split('\t');
        int obj = Array.IndexOf(header, "object"), sec = Array.IndexOf(header, "section"),
            fn = Array.IndexOf(header, "function"), status = Array.IndexOf(header, "prevail_status");
        var result = new Dictionary<string, List<Row>>(StringComparer.Ordinal);
        foreach (var line in lines.Skip(1))
        {
            if (line.Length == 0) continue;
            var f = line.Split('\t');
            var row = new Row(f[obj], f[sec], f[fn], f[status]);
            if (!result.TryGetValue(row.Object, out var list)) result[row.Object] = list = [];
            list.Add(row);
        }
        return result;
    }

    /// <summary>Every file of the corpus (all object files, with or without extension), relative to <see cref="Root"/>.</summary>
    public static IEnumerable<string> Files() =>
        Directory.EnumerateFiles(Root, "*", SearchOption.AllDirectories)
            .Select(p => Path.GetRelativePath(Root, p).Replace('\\', '/'))
            .Where(p => !p.EndsWith(".tsv", StringComparison.Ordinal) && !p.EndsWith(".md", StringComparison.Ordinal)
                && !p.EndsWith(".json", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal);
}
