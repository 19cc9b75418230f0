namespace Ebpf.Benchmarks;

/// <summary>
/// `--quick`: a rough Stopwatch loop over the interpreter's prime count, beside the same work in C#, for a look while
/// developing (BenchmarkDotNet gives the real numbers).
/// </summary>
public static class QuickPrimeRun
{
    private static ulong NativePrimeCount(ulong limit)
    {
        ulong count = 0;
        for (ulong candidate = 2; candidate < limit; candidate++)
        {
            ulong divisor = 2;
            while (true)
            {
                if (divisor * divisor > candidate) { count++; break; }
                if (candidate % divisor == 0) break;
                divisor++;
            }
        }
        return count;
    }

    public static void Run()
    {
        Console.WriteLine($"prime count executes {InterpreterBenchmarks.ExecutedInstructions} eBPF instructions per run");
        // Native C# doing the same work, to put the numbers in context on a shared machine.
        for (int round = 0; round < 3; round++)
        {
            var native = System.Diagnostics.Stopwatch.StartNew();
            ulong count = 0;
            for (int i = 0; i < 20; i++) count += NativePrimeCount(10000);
            double nsPerInsn = native.Elapsed.TotalNanoseconds / 20 / InterpreterBenchmarks.ExecutedInstructions;
            Console.WriteLine($"native C# round {round}: {nsPerInsn:0.00} ns per equivalent eBPF instruction ({count / 20} primes)");
        }
        var benchmarks = new InterpreterBenchmarks();
        benchmarks.Setup();
        foreach (var (name, run) in new (string, Func<ulong>)[] { ("unchecked", benchmarks.PrimeCountUnchecked), ("checked", benchmarks.PrimeCountChecked) })
        {
            for (int round = 0; round < 5; round++)
            {
                var watch = System.Diagnostics.Stopwatch.StartNew();
                const int runs = 20;
                for (int i = 0; i < runs; i++) run();
                double ns = watch.Elapsed.TotalNanoseconds / runs / InterpreterBenchmarks.ExecutedInstructions;
                Console.WriteLine($"{name} round {round}: {ns:0.00} ns/insn");
            }
        }
    }
}
