using System.Diagnostics;
using Ebpf.Fuzz;
using Ebpf.TestSupport;
using Xunit.Abstractions;

namespace Ebpf.Runtime.Tests.Fuzz;

/// <summary>
/// The mutation-soundness run of issue 20: real objects (the Linux XDP objects of the corpus, this repository's
/// samples and the eBPF for Windows sample programs that compile against include/) are mutated, whole file or code
/// bytes only, and each variant goes through <see cref="ObjectExercise"/>: whatever loads and verifies runs on the
/// JIT, the interpreter and the checked interpreter over packets and contexts. Only load refusals and documented
/// execution errors may come back; a memory fault kills the test host. The variant about to run is written to
/// artifacts/fuzz/current-file.o (current-code.o) first, so a crash leaves it behind; a variant that raises anything else is kept as
/// artifacts/fuzz/failure-*.o. Seeded (EBPF_FUZZ_SEED); EBPF_LONG_TESTS=1 runs EBPF_FUZZ_MUTATIONS whole-file
/// mutations (10^6 by default) and a tenth as many code mutations, appending the counts so far to
/// artifacts/fuzz/progress.log every 1000 mutations.
/// </summary>
public sealed class MutationSoundnessTests(ITestOutputHelper output)
{
    private static readonly bool Long = Environment.GetEnvironmentVariable("EBPF_LONG_TESTS") == "1";
    private static int WholeFileCases => Long ? Configured ?? 1_000_000 : 400;
    private static int CodeCases => Long ? (Configured ?? 1_000_000) / 10 : 300;
    private static int? Configured => int.TryParse(Environment.GetEnvironmentVariable("EBPF_FUZZ_MUTATIONS"), out var n) ? n : null;
    private static int Seed => int.TryParse(Environment.GetEnvironmentVariable("EBPF_FUZZ_SEED"), out var s) ? s : 20261207;

    private static readonly string Findings = RepoPaths.RepoPath("artifacts", "fuzz");

    /// <summary>
    /// ../shared/efw-samples compiled as issue 19's test builds them (-I include, the test-support headers, a stand-in
    /// for the one Windows SDK header); those that do not compile against include/ yet are left out.
    /// </summary>
    private static readonly Lazy<(string Name, byte[] Bytes)[]> UpstreamSamples = new(() =>
    {
        string dir = Directory.CreateTempSubdirectory("efw-samples").FullName;
        string stub = Directory.CreateDirectory(Path.Combine(dir, "stub")).FullName;
        File.WriteAllText(Path.Combine(stub, "ipifcons.h"), "#define IF_TYPE_PPP 23\n");
        return [.. Directory.GetFiles(RepoPaths.SharedPath("efw-samples", "programs"), "*.c").OrderBy(f => f)
            .Select(c => ClangObjects.CompileFile(c, dir, RepoPaths.RepoPath("include"), RepoPaths.SharedPath("efw-samples", "test-include"), stub).Path)
            .OfType<string>()
            .Select(o => ("efw-samples/" + Path.GetFileName(o), File.ReadAllBytes(o)))];
    });

    /// <summary>The seed objects: the corpus' Linux XDP objects, the repository's samples, and the upstream samples that compile.</summary>
    private static readonly Lazy<(string Name, byte[] Bytes)[]> Seeds = new(() =>
    {
        var linux = LinuxXdpSamples.Objects.Concat(["linux/xdp_redirect_kern.o", "linux/xdp_redirect_map_kern.o", "linux/xdp_adjust_tail_kern.o"])
            .Select(p => (p, File.ReadAllBytes(RepoPaths.SharedPath("ebpf-samples", p))));
        var samples = Directory.GetFiles(RepoPaths.RepoPath("samples"), "*.c").Select(c => Path.GetFileNameWithoutExtension(c)!)
            .Select(n => ("samples/" + n, File.ReadAllBytes(SampleObjects.Path(n))));
        return [.. linux, .. samples, .. UpstreamSamples.Value];
    });

    [Fact]
    public void WholeFileMutationsLoadVerifyAndRunWithoutFault() => Run(WholeFileCases, codeOnly: false);

    [Fact]
    public void CodeMutationsLoadVerifyAndRunWithoutFault() => Run(CodeCases, codeOnly: true);

    private void Run(int cases, bool codeOnly)
    {
        var seeds = Seeds.Value;
        output.WriteLine($"seeds: {seeds.Length} ({UpstreamSamples.Value.Length} of the efw-samples programs compile against include/)");
        Directory.CreateDirectory(Findings);
        string current = Path.Combine(Findings, $"current-{(codeOnly ? "code" : "file")}.o");
        var random = new Random(Seed + (codeOnly ? 1 : 0));
        using var exercise = new ObjectExercise();
        var tally = new Dictionary<string, (int Mutations, int Loaded, int Accepted, int Runs)>();
        var clock = Stopwatch.StartNew();
        for (int i = 0; i < cases; i++)
        {
            var (name, original) = seeds[random.Next(seeds.Length)];
            var (bytes, what) = codeOnly ? ObjectMutator.MutateCode(original, random) : ObjectMutator.Mutate(original, random);
            File.WriteAllBytes(current, bytes);
            ExerciseResult result;
            try
            {
                result = exercise.Run(bytes);
            }
            catch (Exception e)
            {
                string kept = Path.Combine(Findings, $"failure-{Seed}-{(codeOnly ? "code" : "file")}-{i}.o");
                File.WriteAllBytes(kept, bytes);
                Assert.Fail($"seed {Seed} case {i} ({name}: {what}) raised {e.GetType().Name}, kept as {kept}: {e}");
                return;
            }
            var t = tally.GetValueOrDefault(result.Abi);
            tally[result.Abi] = (t.Mutations + 1, t.Loaded + (result.Loaded ? 1 : 0), t.Accepted + (result.Accepted > 0 ? 1 : 0), t.Runs + result.Runs);
            if (Long && (i + 1) % 1000 == 0)
                File.AppendAllLines(Path.Combine(Findings, "progress.log"), [Summary(i + 1)]);
        }
        File.Delete(current);
        output.WriteLine(Summary(cases));

        string Summary(int done) => string.Join("; ", tally.OrderBy(k => k.Key).Select(k =>
                $"{k.Key}: {k.Value.Mutations} mutations, {k.Value.Loaded} loaded, {k.Value.Accepted} with accepted programs, {k.Value.Runs} runs")) +
            $" | {(codeOnly ? "code" : "whole-file")} mutations: {done} in {clock.Elapsed.TotalSeconds:F1} s (seed {Seed})";
        Assert.True(tally.Values.Sum(t => t.Runs) > 0, "no mutation ran: the seeds or the exercise are broken");
    }
}
