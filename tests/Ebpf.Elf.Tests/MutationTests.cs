using System.Diagnostics;
using Ebpf.TestSupport;
using Xunit.Abstractions;

namespace Ebpf.Elf.Tests;

/// <summary>
/// Hostile inputs: corpus objects truncated, bit-flipped, and with section, symbol and relocation fields replaced
/// by bogus values. The loader must answer every case with a model or a <see cref="BpfObjectException"/>: no other
/// exception, no crash, no hang. Seeded (EBPF_FUZZ_SEED overrides); EBPF_LONG_TESTS=1 runs 100 times more cases.
/// </summary>
public sealed class MutationTests(ITestOutputHelper output)
{
    private static readonly bool Long = Environment.GetEnvironmentVariable("EBPF_LONG_TESTS") == "1";
    private static int Cases => Long ? 400_000 : 4_000;

    private static readonly string[] Seeds =
    [
        "build/bpf2bpf.o", "build/global_variable.o", "build/map_in_map.o", "build/map_in_map_legacy.o", "build/twomaps_btf.o",
        "build/tail_call.o", "build/ringbuf_in_map.o", "build/badrelo.o", "build/map_in_map_typedef.o", "build/loop.o",
        "invalid/badsymsize.o", "invalid/662b334a22904023c13f11008e072076a4f4d215", "invalid/af99e766f6ba44fd7f2135c3e325c817224b99a3",
        "invalid/dac31099c3bb5b6395908c82cc8540e77a6a1849",
    ];

    [Fact]
    public async Task MutatedObjectsOnlyEverRaiseBpfObjectException()
    {
        int seed = int.TryParse(Environment.GetEnvironmentVariable("EBPF_FUZZ_SEED"), out var s) ? s : 20261125;
        var random = new Random(seed);
        var originals = Seeds.Select(p => (Name: p, Bytes: File.ReadAllBytes(Path.Combine(CorpusExpectations.Root, p)))).ToArray();
        int opened = 0, refused = 0;
        var slowest = TimeSpan.Zero;
        for (int i = 0; i < Cases; i++)
        {
            var (name, original) = originals[random.Next(originals.Length)];
            var (bytes, what) = ObjectMutator.Mutate(original, random);
            var watch = Stopwatch.StartNew();
            Exception? error;
            try
            {
                error = await Task.Run(() => Exercise(bytes, name)).WaitAsync(TimeSpan.FromSeconds(10));
            }
            catch (TimeoutException)
            {
                Assert.Fail($"seed {seed} case {i} ({name}: {what}) did not finish in 10 s");
                return;
            }
            slowest = watch.Elapsed > slowest ? watch.Elapsed : slowest;
            if (error is null) opened++;
            else if (error is BpfObjectException) refused++;
            else Assert.Fail($"seed {seed} case {i} ({name}: {what}) raised {error.GetType().Name}: {error}");
        }
        output.WriteLine($"seed {seed}: {Cases} cases, {opened} opened, {refused} refused with BpfObjectException; slowest {slowest.TotalMilliseconds:F1} ms");
        Assert.True(opened > 0 && refused > 0, "mutations should both keep some objects loadable and break others");
    }

    /// <summary>Opens the bytes and walks the whole model; returns the exception raised, or null.</summary>
    private static Exception? Exercise(byte[] bytes, string name)
    {
        try
        {
            var obj = BpfObject.Open(bytes, name);
            foreach (var p in obj.Programs)
            {
                _ = p.SourceLineAt(p.Instructions.Length - 1);
                foreach (var r in p.MapReferences)
                    if (r.MapIndex < 0 || r.MapIndex >= obj.Maps.Length || r.InstructionIndex >= p.Instructions.Length)
                        return new InvalidOperationException($"map reference {r} out of range in {p.Name}");
            }
            _ = obj.Maps.Sum(m => m.InitialData.Length);
            return null;
        }
        catch (Exception e)
        {
            return e;
        }
    }
}
