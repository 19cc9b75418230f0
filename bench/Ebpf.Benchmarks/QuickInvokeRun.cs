namespace Ebpf.Benchmarks;

/// <summary>
/// `invoke [--repeat N] [case...]`: the <see cref="InvokeBenchmarks"/> cases as plain loops timed in thread CPU time (best of
/// five rounds after a half-second warm-up), for a steadier look than a short BenchmarkDotNet job gives on a busy machine.
/// Each call goes through a function pointer to a static method that calls the case, so the loop cannot inline or hoist
/// anything of the case, and the harness costs one indirect call: the "(empty call)" line, which the "net" column
/// subtracts (as BenchmarkDotNet subtracts its overhead). A delegate, as before, cost 2.5-3.3 ns on this machine, more
/// than half of a trivial invocation, and its guarded devirtualization made the figures depend on the order of the cases.
/// </summary>
public static unsafe class QuickInvokeRun
{
    private const int WarmUpMilliseconds = 500;
    private const string Empty = "(empty call)";

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
            double empty = Time(benchmarks, (nint)(delegate*<InvokeBenchmarks, ulong>)&EmptyCall, repeat);
            Console.WriteLine($"{"case",-20} {"ns/call",9} {"net",9}");
            Console.WriteLine($"{Empty,-20} {empty,9:F2} {0,9:F2}");
            foreach (var (name, run) in Cases())
            {
                if (only.Count > 0 && !only.Contains(name)) continue;
                double best = Time(benchmarks, run, repeat);
                Console.WriteLine($"{name,-20} {best,9:F2} {best - empty,9:F2}");
            }
        }
        finally
        {
            benchmarks.Cleanup();
        }
        return 0;
    }

    private static (string Name, nint Run)[] Cases() =>
    [
        (nameof(InvokeBenchmarks.JitExecutorRun), (nint)(delegate*<InvokeBenchmarks, ulong>)&JitExecutorRun),
        (nameof(InvokeBenchmarks.EbpfProgramInvoke), (nint)(delegate*<InvokeBenchmarks, ulong>)&EbpfProgramInvoke),
        (nameof(InvokeBenchmarks.ScopedTrivialInvoke), (nint)(delegate*<InvokeBenchmarks, ulong>)&ScopedTrivialInvoke),
        (nameof(InvokeBenchmarks.OneLookupInvoke), (nint)(delegate*<InvokeBenchmarks, ulong>)&OneLookupInvoke),
        (nameof(InvokeBenchmarks.PerCpuLookupInvoke), (nint)(delegate*<InvokeBenchmarks, ulong>)&PerCpuLookupInvoke),
        (nameof(InvokeBenchmarks.TailCallInvoke), (nint)(delegate*<InvokeBenchmarks, ulong>)&TailCallInvoke),
        (nameof(InvokeBenchmarks.ExecutionScopeOnly), (nint)(delegate*<InvokeBenchmarks, ulong>)&ExecutionScopeOnly),
    ];

    private static ulong EmptyCall(InvokeBenchmarks b) => 0;
    private static ulong JitExecutorRun(InvokeBenchmarks b) => b.JitExecutorRun();
    private static ulong EbpfProgramInvoke(InvokeBenchmarks b) => b.EbpfProgramInvoke();
    private static ulong ScopedTrivialInvoke(InvokeBenchmarks b) => b.ScopedTrivialInvoke();
    private static ulong OneLookupInvoke(InvokeBenchmarks b) => b.OneLookupInvoke();
    private static ulong PerCpuLookupInvoke(InvokeBenchmarks b) => b.PerCpuLookupInvoke();
    private static ulong TailCallInvoke(InvokeBenchmarks b) => b.TailCallInvoke();
    private static ulong ExecutionScopeOnly(InvokeBenchmarks b) => (ulong)b.ExecutionScopeOnly();

    /// <summary>
    /// Best of five timed rounds, after an untimed warm-up long enough for the tiered runtime to promote the case's
    /// callees (call counting and the 100 ms tiering delay): the rounds then measure tier-1 code, not a mix with tier 0.
    /// </summary>
    private static double Time(InvokeBenchmarks benchmarks, nint run, long repeat)
    {
        var call = (delegate*<InvokeBenchmarks, ulong>)run;
        ulong sink = 0;
        var warmUpUntil = Environment.TickCount64 + WarmUpMilliseconds;
        while (Environment.TickCount64 < warmUpUntil)
            for (int i = 0; i < 100_000; i++) sink += call(benchmarks);
        double best = double.MaxValue;
        for (int round = 0; round < 5; round++)
        {
            double start = ThreadCpuClock.NowNanoseconds();
            for (long i = 0; i < repeat; i++) sink += call(benchmarks);
            best = Math.Min(best, (ThreadCpuClock.NowNanoseconds() - start) / repeat);
        }
        GC.KeepAlive(sink);
        return best;
    }
}
