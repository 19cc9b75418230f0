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
/// $TMPDIR/ebpf-fuzz/current-{file,code}-{first}-{process id}.o first (not under the repository: rewriting a file there costs
/// milliseconds, ext4 flushing a truncated file), so a crash leaves it behind; a variant that raises anything else
/// is kept as artifacts/fuzz/failure-*.o. Case i is mutated by its own generator, seeded from (EBPF_FUZZ_SEED, i), so
/// a run can be cut into segments (EBPF_FUZZ_FIRST, the first case) and any case replayed alone. EBPF_LONG_TESTS=1
/// runs EBPF_FUZZ_MUTATIONS whole-file mutations (10^6 by default) and EBPF_FUZZ_CODE_MUTATIONS code mutations (a
/// tenth as many by default), appending the counts so far to artifacts/fuzz/progress-{file,code}.log every 1000.
/// </summary>
public sealed class MutationSoundnessTests(ITestOutputHelper output)
{
    private static readonly bool Long = Environment.GetEnvironmentVariable("EBPF_LONG_TESTS") == "1";
    private static int WholeFileCases => Long ? EnvInt("EBPF_FUZZ_MUTATIONS") ?? 1_000_000 : 400;
    private static int CodeCases => Long ? EnvInt("EBPF_FUZZ_CODE_MUTATIONS") ?? (EnvInt("EBPF_FUZZ_MUTATIONS") ?? 1_000_000) / 10 : 300;
    private static int First => EnvInt("EBPF_FUZZ_FIRST") ?? 0;
    private static int Seed => EnvInt("EBPF_FUZZ_SEED") ?? 20261207;
    private static int? EnvInt(string name) => int.TryParse(Environment.GetEnvironmentVariable(name), out var n) ? n : null;

    /// <summary>The generator of case <paramref name="index"/>: independent of the cases before it.</summary>
    public static Random CaseRandom(int seed, bool codeOnly, int index) =>
        new(unchecked(seed * 31 + (codeOnly ? 1 : 0) + index * (int)0x9E3779B1));

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

    /// <summary>
    /// The seed objects: the corpus' Linux XDP objects, the Linux helper set's edge cases, the repository's samples, and
    /// the upstream samples that compile.
    /// </summary>
    private static readonly Lazy<(string Name, byte[] Bytes)[]> Seeds = new(() =>
    {
        var linux = LinuxXdpSamples.Objects.Concat(["linux/xdp_redirect_kern.o", "linux/xdp_redirect_map_kern.o", "linux/xdp_adjust_tail_kern.o"])
            .Select(p => (p, File.ReadAllBytes(RepoPaths.SharedPath("ebpf-samples", p))))
            .Append(("linux_helper_set", File.ReadAllBytes(Linux.LinuxHelperSetTests.Object.Value)));
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
        string mode = codeOnly ? "code" : "file";
        string current = Path.Combine(Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), "ebpf-fuzz")).FullName, $"current-{mode}-{First}-{Environment.ProcessId}.o");
        using var exercise = new ObjectExercise(current);
        var tally = new Dictionary<string, (int Mutations, int Loaded, int Accepted, long Runs)>();
        var clock = Stopwatch.StartNew();
        for (int i = First; i < First + cases; i++)
        {
            var random = CaseRandom(Seed, codeOnly, i);
            var (name, original) = seeds[random.Next(seeds.Length)];
            var (bytes, what) = codeOnly ? ObjectMutator.MutateCode(original, random) : ObjectMutator.Mutate(original, random);
            ExerciseResult result;
            try
            {
                result = exercise.Run(bytes);
            }
            catch (Exception e)
            {
                string kept = Path.Combine(Findings, $"failure-{Seed}-{mode}-{i}.o");
                File.WriteAllBytes(kept, bytes);
                Assert.Fail($"seed {Seed} case {i} ({name}: {what}) raised {e.GetType().Name}, kept as {kept}: {e}");
                return;
            }
            var t = tally.GetValueOrDefault(result.Abi);
            tally[result.Abi] = (t.Mutations + 1, t.Loaded + (result.Loaded ? 1 : 0), t.Accepted + (result.Accepted > 0 ? 1 : 0), t.Runs + result.Runs);
            if (Long && (i + 1 - First) % 1000 == 0)
                File.AppendAllLines(Path.Combine(Findings, $"progress-{mode}.log"), [Summary(i + 1 - First)]);
        }
        output.WriteLine(Summary(cases));

        string Summary(int done)
        {
            var (hits, misses) = exercise.Verdicts;
            return string.Join("; ", tally.OrderBy(k => k.Key).Select(k =>
                    $"{k.Key}: {k.Value.Mutations} mutations, {k.Value.Loaded} loaded, {k.Value.Accepted} with accepted programs, {k.Value.Runs} runs")) +
                $" | {(codeOnly ? "code" : "whole-file")} mutations {First}..{First + done - 1}: {done} in {clock.Elapsed.TotalSeconds:F1} s, " +
                $"{done / clock.Elapsed.TotalSeconds:F1}/s (seed {Seed}; verdicts: {misses} analysed, {hits} remembered)";
        }
        Assert.True(tally.Values.Sum(t => t.Runs) > 0, "no mutation ran: the seeds or the exercise are broken");
    }
}
