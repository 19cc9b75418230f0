using Ebpf.Platform;
using System.Diagnostics;
using Ebpf.Elf;
using Ebpf.Isa;
using Ebpf.Kernel;
using Ebpf.Verifier.Tests.Corpus;
using Ebpf.Verifier.Platforms;

namespace Ebpf.Verifier.Tests.Differential;

/// <summary>Verdicts on every entry program of one Linux object: ours (as <c>ebpf verify --platform linux</c> gives them) and the kernel's.</summary>
internal static class DifferentialVerdicts
{
    private static readonly BpfObjectOpenOptions OpenOptions = new() { MapTypeNumbering = MapTypeNumbering.Linux };

    public static IEnumerable<ProgramVerdict> Of(string path, bool withKernel, string source)
    {
        string name = Path.GetFileName(path);
        BpfObject obj;
        try
        {
            obj = BpfObject.Open(path, OpenOptions);
        }
        catch (BpfObjectException e)
        {
            return [new ProgramVerdict(source, name, "*", new OurVerdict(false, null, "load: " + e.Message, TimeSpan.Zero), null, "the object does not open here")];
        }
        var ours = obj.Programs.Where(p => p.Kind == BpfProgramKind.Entry).Select(p => (p.Name, Verdict: Verify(obj, p, path))).ToList();
        var kernel = new Dictionary<string, (bool, string)>();
        var skipped = new Dictionary<string, string>();
        if (withKernel)
        {
            try
            {
                using var loaded = KernelObject.Load(obj);
                foreach (var p in loaded.Programs) kernel[p] = (true, "");
                foreach (var (p, refusal) in loaded.Refused)
                {
                    // A host that lacks something (a helper, a map type) says nothing about the program.
                    if (refusal.Kind == KernelRefusalKind.HostLacksCapability) skipped[p] = refusal.Summary;
                    else kernel[p] = (false, refusal.Reason);
                }
                foreach (var (p, why) in loaded.Skipped) skipped[p] = why;
            }
            catch (KernelBpfException e)
            {
                foreach (var (p, _) in ours) skipped[p] = e.Summary;
            }
        }
        else
        {
            foreach (var (p, _) in ours) skipped[p] = "no kernel";
        }
        return ours.Select(o => new ProgramVerdict(source, name, o.Name, o.Verdict,
            kernel.TryGetValue(o.Name, out var k) ? k : null, skipped.GetValueOrDefault(o.Name))).ToList();
    }

    private static OurVerdict Verify(BpfObject obj, BpfProgram program, string path)
    {
        var platform = LinuxPlatform.ForSection(program.SectionName, path, obj.Maps.Select(CorpusVerification.Describe).ToArray());
        var options = VerifierOptions.Default with
        {
            GlobalFunctions = program.CalledGlobalFunctions(program.ContextTypeName),
            SourceLineResolver = i => program.SourceLineAt(i) is { } line ? $"{line.FileName}:{line.Line}: {line.Text.Trim()}" : null,
            Disassembler = i => Disassembler.Format(program.Instructions.AsSpan(), i),
        };
        var clock = Stopwatch.StartNew();
        var result = Verifier.Verify(program.Instructions.AsSpan(), platform, options);
        clock.Stop();
        return new OurVerdict(result.Passed, result.Passed ? result.Pass : null,
            result.Errors.FirstOrDefault()?.ToString().Split('\n')[0] ?? "", clock.Elapsed);
    }
}
