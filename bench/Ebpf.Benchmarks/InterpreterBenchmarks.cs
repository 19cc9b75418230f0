using BenchmarkDotNet.Attributes;
using Ebpf.Isa;
using Ebpf.Runtime.Interpretation;

namespace Ebpf.Benchmarks;

/// <summary>The interpreter on the prime count, unchecked (fast path) and checked (budget + memory checks).</summary>
[Config(typeof(InstructionRateConfig))]
public class InterpreterBenchmarks
{
    private Interpreter _unchecked = null!;
    private Interpreter _checked = null!;

    /// <summary>Instructions one run of the prime count executes (an lddw counts once).</summary>
    public static long ExecutedInstructions { get; } = CountInstructions();

    [GlobalSetup]
    public void Setup()
    {
        var program = Assembler.Assemble(BenchmarkPrograms.PrimeCount);
        _unchecked = new Interpreter(program);
        _checked = new Interpreter(program, options: new InterpreterOptions { Mode = ExecutionMode.Checked });
        if (PrimeCountUnchecked() != BenchmarkPrograms.PrimeCountAnswer || PrimeCountChecked() != BenchmarkPrograms.PrimeCountAnswer)
            throw new InvalidOperationException("the prime count program computed the wrong answer");
    }

    [Benchmark(Baseline = true)]
    public ulong PrimeCountUnchecked() => _unchecked.Run(new ExecutionRequest());

    [Benchmark]
    public ulong PrimeCountChecked() => _checked.Run(new ExecutionRequest());

    private static long CountInstructions()
    {
        var interpreter = new Interpreter(Assembler.Assemble(BenchmarkPrograms.PrimeCount));
        interpreter.Run(new ExecutionRequest(), out long executed);
        return executed;
    }
}
