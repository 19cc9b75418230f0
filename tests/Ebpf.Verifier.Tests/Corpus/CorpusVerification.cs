using Ebpf.Platform;
using System.Diagnostics;
using Ebpf.Elf;
using Ebpf.TestSupport;
using Ebpf.Verifier.Platforms;

namespace Ebpf.Verifier.Tests.Corpus;

/// <summary>Verifies one corpus program as a Linux program (PREVAIL's platform), timing it.</summary>
internal static class CorpusVerification
{
    public sealed record Outcome(CorpusRow Row, bool? Accepted, string Detail, TimeSpan Elapsed, long? LoopBound,
        VerificationResult? Result = null);

    public static string Root => RepoPaths.SharedPath("ebpf-samples");

    private static readonly BpfObjectOpenOptions OpenOptions = new() { MapTypeNumbering = MapTypeNumbering.Linux };

    public static MapDescriptor Describe(BpfMap map) => new(map.RawType, LinuxPlatform.ValueKindOf(map.RawType),
        map.Definition.KeySize, map.Definition.ValueSize, map.Definition.MaxEntries,
        map.InnerMap is null ? null : Describe(map.InnerMap));

    private static MapDescriptor Describe(BpfMap map, IReadOnlyList<BpfMap> all)
    {
        var d = Describe(map);
        if (d.Inner is null && map.InnerMapIndex is int i && i >= 0 && i < all.Count) d = d with { Inner = Describe(all[i]) };
        return d;
    }

    /// <summary>Verifies every row of one object; a null verdict means the object or program could not be loaded.</summary>
    public static List<Outcome> VerifyObject(string objectPath, IReadOnlyList<CorpusRow> rows, VerifierOptions options)
    {
        var outcomes = new List<Outcome>();
        BpfObject obj;
        try
        {
            obj = BpfObject.Open(Path.Combine(Root, objectPath), OpenOptions);
        }
        catch (BpfObjectException e)
        {
            foreach (var row in rows) outcomes.Add(new Outcome(row, null, "load: " + e.Message, TimeSpan.Zero, null));
            return outcomes;
        }
        var maps = obj.Maps.Select(m => Describe(m, obj.Maps)).ToList();
        foreach (var row in rows)
        {
            var program = obj.Programs.FirstOrDefault(p => p.SectionName == row.Section && p.Name == row.Function);
            if (program is null)
            {
                outcomes.Add(new Outcome(row, null, "program not found", TimeSpan.Zero, null));
                continue;
            }
            var platform = LinuxPlatform.ForSection(row.Section, objectPath, maps);
            var withLines = options with
            {
                SourceLineResolver = i => program.SourceLineAt(i) is { } l ? $"{l.FileName}:{l.Line}: {l.Text.Trim()}" : null,
            };
            var watch = Stopwatch.StartNew();
            var result = Verifier.Verify(program.Instructions.AsSpan(), platform, withLines);
            watch.Stop();
            var first = result.Errors.FirstOrDefault();
            outcomes.Add(new Outcome(row, result.Passed, first?.ToString() ?? "", watch.Elapsed, result.MaxLoopIterations, result));
        }
        return outcomes;
    }
}
