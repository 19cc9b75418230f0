using System.Diagnostics;
using Ebpf.Platform;
using Ebpf.Runtime.Programs;

namespace Ebpf.MapBenchmarks;

/// <summary>
/// <c>--quick-helpers</c>: a short Stopwatch pass over <see cref="ProgramMapHelperBenchmarks"/> (every map type and
/// engine), for a quick look on a busy machine; BenchmarkDotNet gives the careful numbers.
/// </summary>
public static class QuickHelperRun
{
    public static void Run(TextWriter output, int invocations = 400)
    {
        output.WriteLine($"{"map type",-14} {"engine",-12} {"lookup ns/op",13} {"update ns/op",13}");
        foreach (var type in new[] { MapType.Hash, MapType.Array, MapType.PercpuHash, MapType.PercpuArray, MapType.LruHash, MapType.LpmTrie })
        {
            foreach (var engine in new[] { ExecutionEngine.Jit, ExecutionEngine.Interpreter })
            {
                var bench = new ProgramMapHelperBenchmarks { Type = type, Engine = engine };
                bench.Setup();
                try
                {
                    ulong found = bench.Lookup();
                    if (found != ProgramMapHelperBenchmarks.Operations)
                        throw new InvalidOperationException($"{type}/{engine}: the lookup pass found {found} of {ProgramMapHelperBenchmarks.Operations} entries");
                    double lookup = Measure(() => bench.Lookup(), invocations);
                    double update = Measure(() => bench.Update(), invocations);
                    output.WriteLine($"{type,-14} {engine,-12} {lookup,13:F1} {update,13:F1}");
                }
                finally
                {
                    bench.Cleanup();
                }
            }
        }
    }

    private static double Measure(Func<ulong> invoke, int invocations)
    {
        for (int i = 0; i < 20; i++) invoke();
        double best = double.MaxValue;
        for (int round = 0; round < 3; round++)
        {
            long start = Stopwatch.GetTimestamp();
            for (int i = 0; i < invocations; i++) invoke();
            double ns = Stopwatch.GetElapsedTime(start).TotalNanoseconds / ((double)invocations * ProgramMapHelperBenchmarks.Operations);
            best = Math.Min(best, ns);
        }
        return best;
    }
}
