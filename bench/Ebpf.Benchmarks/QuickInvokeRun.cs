namespace Ebpf.Benchmarks;

/// <summary>
/// `invoke [--repeat N] [case...]`: the <see cref="InvokeBenchmarks"/> cases as plain loops timed in thread CPU time (best of
/// five rounds after a half-second warm-up; each call goes through a delegate, whose cost the empty-delegate line shows), for a steadier look than a short BenchmarkDotNet job gives on a busy machine.
/// </summary>
public static class QuickInvokeRun
{
    private const int WarmUpMilliseconds = 500;

    public static int Execute(string[] args)
    {
        long repeat = 20_000_000;
        var only = new List<string>();
        for (int i = 0; i < args.Length; i++)
        {
            if (args[i] == "--repeat") repeat = long.Parse(args[++i]);
            else only.Add(args[i]);
        }
        var benchmarks = new InvokeBenchmarks();
        benchmarks.Setup();
        try
        {
            foreach (var (name, run) in new (string, Func<ulong>)[]
            {
                ("(empty delegate)", static () => 0),
                (nameof(InvokeBenchmarks.JitExecutorRun), benchmarks.JitExecutorRun),
                (nameof(InvokeBenchmarks.EbpfProgramInvoke), benchmarks.EbpfProgramInvoke),
                (nameof(InvokeBenchmarks.ScopedTrivialInvoke), benchmarks.ScopedTrivialInvoke),
                (nameof(InvokeBenchmarks.OneLookupInvoke), benchmarks.OneLookupInvoke),
                (nameof(InvokeBenchmarks.PerCpuLookupInvoke), benchmarks.PerCpuLookupInvoke),
                (nameof(InvokeBenchmarks.TailCallInvoke), benchmarks.TailCallInvoke),
                (nameof(InvokeBenchmarks.ExecutionScopeOnly), () => (ulong)benchmarks.ExecutionScopeOnly()),
            })
            {
                if (only.Count > 0 && !only.Contains(name)) continue;
                // Untimed warm-up, long enough for the tiered runtime to promote the case's callees (call counting
                // and the 100 ms tiering delay): the timed rounds then measure tier-1 code, not a mix with tier 0.
                var warmUpUntil = Environment.TickCount64 + WarmUpMilliseconds;
                while (Environment.TickCount64 < warmUpUntil)
                    for (int i = 0; i < 100_000; i++) run();
                double best = double.MaxValue;
                for (int round = 0; round < 5; round++)
                {
                    double start = ThreadCpuClock.NowNanoseconds();
                    for (long i = 0; i < repeat; i++) run();
                    best = Math.Min(best, (ThreadCpuClock.NowNanoseconds() - start) / repeat);
                }
                Console.WriteLine($"{name,-20} {best:F2} ns");
            }
        }
        finally
        {
            benchmarks.Cleanup();
        }
        return 0;
    }
}
