using Ebpf.Elf;
using Ebpf.Extensions.Linux;
using Ebpf.Runtime.Interpretation;
using Ebpf.Runtime.Maps;
using Ebpf.Runtime.Native;
using Ebpf.Runtime.Objects;
using Ebpf.Runtime.Programs;
using Ebpf.Runtime.Tests.Jit;
using Ebpf.Runtime.Tests.Linux;
using Ebpf.TestSupport;
using Xunit.Abstractions;

namespace Ebpf.Runtime.Tests.Native;

/// <summary>
/// A program compiled into a native module runs exactly as the JIT runs it from the object: same r0, packet and
/// context out on the same inputs, run after run (maps evolve alike). Over the Linux XDP samples and the bench
/// programs by default; over every Linux object of the corpus that loads and verifies with EBPF_LONG_TESTS=1.
/// </summary>
public class NativeModuleDifferentialTests(ITestOutputHelper output)
{
    private static bool Long => Environment.GetEnvironmentVariable("EBPF_LONG_TESTS") == "1";

    /// <summary>Helpers whose result differs run to run (by name without "bpf_"): programs calling them are not compared.</summary>
    private static readonly HashSet<string> NondeterministicHelpers =
        ["get_prandom_u32", "ktime_get_ns", "ktime_get_boot_ns", "ktime_get_coarse_ns", "ktime_get_tai_ns", "jiffies64", "get_smp_processor_id"];

    private static string? NondeterministicHelperOf(EbpfProgram program) => program.CalledHelperIds
        .Select(id => program.VerifiedAgainst.FindHelper(id)?.Name)
        .FirstOrDefault(name => name is not null && NondeterministicHelpers.Contains(name.StartsWith("bpf_", StringComparison.Ordinal) ? name[4..] : name));

    [Fact]
    public void ModulesOfTheSampleCorpusAndBenchProgramsRunAsTheJit()
    {
        IEnumerable<string> objects = Long
            ? Directory.EnumerateFiles(RepoPaths.SharedPath("ebpf-samples"), "*.o", SearchOption.AllDirectories)
                .Where(p => !p.Contains($"{Path.DirectorySeparatorChar}invalid{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
                .Order(StringComparer.Ordinal)
            : LinuxXdpSamples.Objects.Select(o => RepoPaths.SharedPath("ebpf-samples", o));
        objects = objects.Concat(Directory.EnumerateFiles(BenchObjects.Build(), "*.o").Order(StringComparer.Ordinal));
        int programs = 0, runs = 0, files = 0;
        foreach (var path in objects)
        {
            var compared = Compare(path);
            if (compared is not var (p, r)) continue;
            files++;
            programs += p;
            runs += r;
        }
        output.WriteLine($"{files} objects, {programs} programs, {runs} test runs compared");
        Assert.True(programs >= (Long ? 40 : 25), $"only {programs} programs compared");
    }

    /// <summary>Programs and runs compared for one object, or null when the object does not load and verify here.</summary>
    private (int Programs, int Runs)? Compare(string path)
    {
        string name = Path.GetRelativePath(RepoPaths.Root, path);
        var options = new ObjectLoadOptions { Abi = LinuxAbi.Instance };
        var jitRuntime = LinuxXdp.Runtime();
        LoadedObject jit;
        try
        {
            jit = jitRuntime.Load(path, options);
        }
        catch (Exception e) when (e is EbpfException or BpfObjectException or ProgramLoadException or EbpfMapException or Ebpf.Isa.InstructionDecodeException)
        {
            if (!Long) output.WriteLine($"{name}: not loaded here: {e.Message}");
            return null;
        }
        using (jit)
        {
            var module = NativeModule.Read(NativeModuleWriter.Write(jit, File.ReadAllBytes(path), Path.GetFileName(path), unverified: false), name);
            var nativeRuntime = LinuxXdp.Runtime();
            using var native = nativeRuntime.Load(module, options);
            int programs = 0, runs = 0;
            foreach (var program in jit.ProgramList)
            {
                if (NondeterministicHelperOf(program) is { } helper)
                {
                    output.WriteLine($"{name} {program.Name}: not compared (calls {helper})");
                    continue;
                }
                var fromModule = native.Program(program.Name);
                Assert.NotNull(fromModule.Native);
                Assert.Equal(program.ProgramInformationHashHex, fromModule.ProgramInformationHashHex);
                bool ran = false;
                foreach (var (packetName, packet) in LinuxXdpSamples.Packets())
                {
                    var expected = TryRun(jitRuntime, program, packet);
                    var actual = TryRun(nativeRuntime, fromModule, packet);
                    if (expected is null && actual is null) break; // the type has no test contexts
                    Assert.True(expected is not null && actual is not null, $"{name} {program.Name} on {packetName}: JIT {expected}, module {actual}");
                    Assert.True(expected!.R0 == actual!.R0 && expected.DataOut.AsSpan().SequenceEqual(actual.DataOut) &&
                        expected.ContextOut.AsSpan().SequenceEqual(actual.ContextOut),
                        $"{name} {program.Name} on {packetName}: JIT r0 {expected.R0}, module r0 {actual.R0}; " +
                        $"data out equal: {expected.DataOut.AsSpan().SequenceEqual(actual.DataOut)}, context out equal: {expected.ContextOut.AsSpan().SequenceEqual(actual.ContextOut)}");
                    runs++;
                    ran = true;
                }
                if (ran) programs++;
            }
            return (programs, runs);
        }
    }

    /// <summary>A test run, or null when the program type cannot build test contexts; a run that stops is its message.</summary>
    private static TestRunResult? TryRun(EbpfRuntime runtime, EbpfProgram program, byte[] packet)
    {
        try
        {
            return runtime.TestRun(program, new TestRunOptions { DataIn = packet });
        }
        catch (EbpfException e) when (e.Result == EbpfResult.InvalidArgument && e.Message.Contains("cannot build test contexts", StringComparison.Ordinal))
        {
            return null;
        }
        catch (ProgramExecutionException e)
        {
            return new TestRunResult(ulong.MaxValue, System.Text.Encoding.UTF8.GetBytes(e.GetType().Name + ": " + e.Message), [], 0, 1);
        }
    }
}
