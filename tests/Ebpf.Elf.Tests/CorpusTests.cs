using Xunit.Abstractions;

namespace Ebpf.Elf.Tests;

/// <summary>The whole shared corpus behaves as expectations.tsv says: refused exactly when all its rows are reject_load.</summary>
public sealed class CorpusTests(ITestOutputHelper output)
{
    [Fact]
    public void EveryCorpusObjectLoadsOrIsRejectedAsExpected()
    {
        var failures = new List<string>();
        int opened = 0, rejected = 0, programs = 0, maps = 0, entries = 0, globals = 0;
        var files = CorpusExpectations.Files().ToList();
        foreach (var file in files)
        {
            if (!CorpusExpectations.ByObject.TryGetValue(file, out var rows))
            {
                failures.Add($"{file}: no row in expectations.tsv");
                continue;
            }
            bool expectReject = rows.All(r => r.Status == "reject_load");
            BpfObject obj;
            try
            {
                obj = BpfObject.Open(Path.Combine(CorpusExpectations.Root, file));
            }
            catch (BpfObjectException e)
            {
                if (expectReject)
                {
                    rejected++;
                    output.WriteLine($"refused as expected: {e.Message}");
                }
                else failures.Add($"{file}: expected to load, was refused: {e.Message}");
                continue;
            }
            if (expectReject)
            {
                failures.Add($"{file}: expected reject_load, but it opened with {obj.Programs.Length} programs");
                continue;
            }
            opened++;
            programs += obj.Programs.Length;
            maps += obj.Maps.Length;
            entries += obj.Programs.Count(p => p.Kind == BpfProgramKind.Entry);
            globals += obj.Programs.Count(p => p.Kind == BpfProgramKind.GlobalFunction);
            var expected = rows.Select(r => (r.Section, r.Function)).Order().ToList();
            var actual = obj.Programs.Select(p => (p.SectionName, p.Name)).Order().ToList();
            if (!expected.SequenceEqual(actual))
            {
                var missing = expected.Except(actual).Select(x => $"{x.Item1}/{x.Item2}");
                var extra = actual.Except(expected).Select(x => $"{x.Item1}/{x.Item2}");
                failures.Add($"{file}: missing [{string.Join(", ", missing)}] extra [{string.Join(", ", extra)}]" +
                    (expected.Count != actual.Count ? $" (count {actual.Count} vs {expected.Count})" : ""));
            }
        }
        output.WriteLine($"corpus: {files.Count} files, {opened} opened, {rejected} rejected as expected; " +
            $"{programs} programs ({entries} entry, {globals} global functions, {programs - entries - globals} other), " +
            $"{maps} maps; {failures.Count} failures");
        foreach (var f in failures) output.WriteLine(f);
        Assert.True(failures.Count == 0, string.Join("\n", failures));
        Assert.True(opened > 100 && rejected > 0, $"corpus looks incomplete: {opened} opened, {rejected} rejected");
    }
}
