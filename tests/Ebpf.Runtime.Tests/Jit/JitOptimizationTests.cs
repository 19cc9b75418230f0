using System.Diagnostics;
using Ebpf.Elf;
using Ebpf.Isa;
using Ebpf.Platform;
using Ebpf.Runtime.Interpretation;
using Ebpf.Runtime.Jit;
using Ebpf.TestSupport;
using Xunit.Abstractions;

namespace Ebpf.Runtime.Tests.Jit;

/// <summary>
/// No program of the sample corpus, bench/programs or the large generated programs (bench/make_large.py) is compiled
/// by the .NET JIT without optimization: the runtime's own report of each method's tier (<see cref="JitCodeObserver"/>,
/// its MethodLoad events) must say optimized for every method a program became. Programs are compiled as a load
/// would, with helpers stubbed and map references resolved to dummy handles (compiled, never run).
/// </summary>
[Collection(JitEventsCollection.Name)]
public class JitOptimizationTests(ITestOutputHelper output)
{
    private static readonly TimeSpan ReportTimeout = TimeSpan.FromSeconds(30);

    [Fact]
    public void NoCorpusProgramIsCompiledWithoutOptimization()
    {
        var objects = Directory.EnumerateFiles(RepoPaths.Shared is var shared ? Path.Combine(shared, "ebpf-samples") : "", "*.o", SearchOption.AllDirectories)
            .Where(path => !path.Contains($"{Path.DirectorySeparatorChar}invalid{Path.DirectorySeparatorChar}", StringComparison.Ordinal));
        var checkedPrograms = CheckAll(objects);
        Assert.True(checkedPrograms.Count > 300, $"only {checkedPrograms.Count} corpus programs compiled");
        // The corpus's largest programs (cilium's, 8,000-9,000 instructions) need regions: one method would be MinOpts.
        Assert.Contains(checkedPrograms, p => p.Instructions > 8000 && p.Methods > 1);
    }

    [Fact]
    public void NoBenchProgramIsCompiledWithoutOptimization()
    {
        string build = BenchObjects.Build();
        var checkedPrograms = CheckAll(Directory.EnumerateFiles(build, "*.o"));
        // bench/programs (11 families, 12 programs with the tail-call hops counted once per object) and the five large ones.
        foreach (var large in BenchObjects.Large)
            Assert.Contains(checkedPrograms, p => p.Name == $"bench_{large}" && p.Instructions >= 2000 && p.Instructions <= 10_000);
        Assert.Contains(checkedPrograms, p => p.Name == "bench_calls");
        // The copy, sum and compare loops of bench/programs run as block operations (JitLoopIdiom, JitSearchLoop).
        foreach (var name in new[] { "bench_memcpy", "bench_checksum", "bench_strcmp" })
            Assert.Contains(checkedPrograms, p => p.Name == name && p.LoopIdioms == 1);
    }

    /// <summary>The check can fail: the same large program forced into one method is reported as MinOpts.</summary>
    [Fact]
    public void OneMethodAboveTheJitLimitsIsReportedAsMinOpts()
    {
        string path = Path.Combine(BenchObjects.Build(), "large_straight.o");
        var program = BpfObject.Open(path, new BpfObjectOpenOptions { MapTypeNumbering = MapTypeNumbering.Linux }).Programs.Single();
        using var observer = new JitCodeObserver();
        var jit = Compile(program.Instructions.AsSpan().ToArray(), oneMethod: true);
        Assert.Single(jit.MethodNames);
        Assert.StartsWith("MINOPTS", observer.Describe(jit, ReportTimeout));
    }

    private sealed record Checked(string File, string Name, int Instructions, int IlBytes, int Methods, string Compiled, double Milliseconds, int LoopIdioms);

    private List<Checked> CheckAll(IEnumerable<string> objectPaths)
    {
        using var observer = new JitCodeObserver();
        var compiled = new List<(string File, string Name, int Instructions, JitExecutor Jit, double Ms)>();
        foreach (var path in objectPaths.Order(StringComparer.Ordinal))
        {
            BpfObject obj;
            try { obj = BpfObject.Open(path, new BpfObjectOpenOptions { MapTypeNumbering = MapTypeNumbering.Linux }); }
            catch (BpfObjectException) { continue; } // not a Linux object (the corpus's other dialects), or malformed on purpose
            foreach (var program in obj.Programs)
            {
                var code = program.Instructions.AsSpan().ToArray();
                if (code.Any(i => i.Opcode == OpCodes.Call && i.Src == PseudoSource.LocalCall && i.Imm == -1)) continue; // unresolved extern call
                long start = Stopwatch.GetTimestamp();
                JitExecutor jit;
                try { jit = Compile(code, oneMethod: false); }
                catch (InstructionDecodeException e)
                {
                    output.WriteLine($"{Path.GetFileName(path)} {program.Name}: not compiled (malformed: {e.Message})");
                    continue;
                }
                compiled.Add((path, program.Name, code.Length, jit, Stopwatch.GetElapsedTime(start).TotalMilliseconds));
            }
        }
        var results = compiled.Select(c => new Checked(Path.GetFileName(c.File), c.Name, c.Instructions, c.Jit.IlSize, c.Jit.MethodNames.Count,
            observer.Describe(c.Jit, ReportTimeout), c.Ms, c.Jit.LoopIdioms)).ToList();
        foreach (var r in results.OrderByDescending(r => r.Instructions).Take(8))
            output.WriteLine($"{r.File,-36} {r.Name,-30} {r.Instructions,6} insns {r.IlBytes,7} IL bytes {r.Methods,3} methods {r.Compiled,-14} {r.Milliseconds,6:F1} ms");
        var failures = results.Where(r => r.Compiled != "optimized" && !r.Compiled.StartsWith("optimized/", StringComparison.Ordinal)).ToList();
        Assert.True(failures.Count == 0, $"{failures.Count} of {results.Count} programs not optimized:\n" +
            string.Join("\n", failures.Select(f => $"{f.File} {f.Name}: {f.Instructions} insns, {f.IlBytes} IL bytes, {f.Methods} methods: {f.Compiled}")));
        output.WriteLine($"{results.Count} programs, all optimized; {results.Count(r => r.Methods > 1)} in regions; " +
            $"{results.Count(r => r.LoopIdioms > 0)} with loops run as block operations ({results.Sum(r => r.LoopIdioms)} loops)");
        return results;
    }

    private static JitExecutor Compile(Instruction[] code, bool oneMethod)
    {
        var helpers = new HelperTable();
        foreach (var id in code.Where(i => i.Opcode == OpCodes.Call && i.Src == PseudoSource.HelperCall).Select(i => (uint)i.Imm).Distinct())
            helpers.Add(id, $"helper_{id}", Stub);
        return JitCompiler.Compile(code, helpers, new JitOptions { ResolveWideImmediate = DummyHandle, OneMethodOnly = oneMethod });
    }

    private static bool DummyHandle(WideImmediate reference, out ulong value)
    {
        value = 0x1000_0000UL + (ulong)reference.Imm * 0x100;
        return true;
    }

    private static ulong Stub(ulong r1, ulong r2, ulong r3, ulong r4, ulong r5, ref HelperCallContext context) => 0;
}
