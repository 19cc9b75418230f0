using System.Diagnostics;
using Ebpf.Elf;
using Ebpf.Kernel;
using Ebpf.TestSupport;
using Xunit.Abstractions;

namespace Ebpf.Verifier.Tests.Differential;

/// <summary>
/// Our verdict on each program against the host kernel's verifier: the XDP/TC programs under Differential/programs
/// (built with clang-19 at test time) and every Linux object of the shared sample corpus. Both lists of disagreements
/// are printed. Of the programs the kernel accepts, at least 98% must be accepted here; the near misses of
/// <c>unsafe.c</c> must be refused here whatever the kernel says. Where the kernel cannot serve, the test says so and
/// checks only our side.
/// </summary>
public class KernelDifferentialTests(ITestOutputHelper output)
{
    private static string ProgramsDirectory => RepoPaths.RepoPath("tests", "Ebpf.Verifier.Tests", "Differential", "programs");

    private static IEnumerable<string> SuiteObjects() =>
        Directory.GetFiles(ProgramsDirectory, "*.c").Order(StringComparer.Ordinal)
            .Select(c => ClangObjects.Compile(Path.GetFileNameWithoutExtension(c), File.ReadAllText(c), ProgramsDirectory));

    private static IEnumerable<string> SampleObjects() =>
        Directory.GetFiles(RepoPaths.SharedPath("ebpf-samples", "linux"), "*.o").Order(StringComparer.Ordinal);

    [Fact]
    public void VerdictsAgreeWithTheHostKernel()
    {
        bool kernel = KernelBpf.IsAvailable(out string reason);
        if (!kernel) HostKernelReport.Note(output.WriteLine, $"verifier differential: kernel reference unavailable ({reason}): only our verdicts are checked");

        var verdicts = new List<ProgramVerdict>();
        var clock = Stopwatch.StartNew();
        int suitePrograms = 0;
        foreach (string path in SuiteObjects())
        {
            var before = verdicts.Count;
            verdicts.AddRange(DifferentialVerdicts.Of(path, kernel, "suite"));
            suitePrograms += verdicts.Count - before;
        }
        foreach (string path in SampleObjects()) verdicts.AddRange(DifferentialVerdicts.Of(path, kernel, "ebpf-samples"));
        clock.Stop();

        foreach (var v in verdicts) output.WriteLine(v.ToString());
        output.WriteLine($"{verdicts.Count} programs ({suitePrograms} of the suite) in {clock.Elapsed.TotalSeconds:F1} s; " +
            $"accepted here: {verdicts.Count(v => v.Ours.Accepted)}");
        foreach (var (pass, n) in verdicts.Where(v => v.Ours.Accepted).GroupBy(v => v.Ours.Pass).Select(g => (g.Key, g.Count())))
            output.WriteLine($"  proved by the {pass} pass: {n}");

        // The near misses are unsafe whatever any kernel says.
        var unsafeAccepted = verdicts.Where(v => v.Program.StartsWith("unsafe_", StringComparison.Ordinal) && v.Ours.Accepted).ToList();
        Assert.True(suitePrograms >= 60, $"the suite holds {suitePrograms} programs, fewer than 60");
        Assert.True(unsafeAccepted.Count == 0, "accepted unsafe programs: " + string.Join(", ", unsafeAccepted.Select(v => v.Program)));
        if (!kernel) return;

        var compared = verdicts.Where(v => v.Kernel is not null).ToList();
        var kernelOnly = compared.Where(v => v.Kernel!.Value.Accepted && !v.Ours.Accepted).ToList();
        var oursOnly = compared.Where(v => !v.Kernel!.Value.Accepted && v.Ours.Accepted).ToList();
        output.WriteLine($"\nThe kernel accepts, we refuse ({kernelOnly.Count}):");
        foreach (var v in kernelOnly) output.WriteLine($"  {v.Source} {v.Object} {v.Program}: {v.Ours.Detail}");
        output.WriteLine($"\nWe accept, the kernel refuses ({oursOnly.Count}):");
        foreach (var v in oursOnly) output.WriteLine($"  {v.Source} {v.Object} {v.Program}: {v.Kernel!.Value.Detail}");
        var notCompared = verdicts.Where(v => v.Kernel is null).ToList();
        foreach (var v in notCompared) output.WriteLine($"not compared: {v.Object} {v.Program}: {v.KernelSkipped}");
        if (notCompared.Count > 0)
            HostKernelReport.Note(output.WriteLine, $"verifier differential: {notCompared.Count} programs not compared with the kernel (listed in the test output)");

        int kernelAccepted = compared.Count(v => v.Kernel!.Value.Accepted);
        int both = kernelAccepted - kernelOnly.Count;
        output.WriteLine($"\nThe kernel accepts {kernelAccepted} of {compared.Count}; we accept {both} of those ({100.0 * both / Math.Max(1, kernelAccepted):F1}%).");
        Assert.True(kernelAccepted > 0, "the kernel accepted none of the programs: the comparison shows nothing");
        Assert.True(both * 100 >= kernelAccepted * 98,
            $"we accept {both} of the {kernelAccepted} programs the kernel accepts, under 98%: " + string.Join(", ", kernelOnly.Select(v => v.Program)));
    }
}
