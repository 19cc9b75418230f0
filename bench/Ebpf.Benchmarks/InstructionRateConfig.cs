using BenchmarkDotNet.Configs;

namespace Ebpf.Benchmarks;

/// <summary>Adds the ns-per-executed-instruction column; allows slow builds of the generated project on a busy machine.</summary>
public sealed class InstructionRateConfig : ManualConfig
{
    public InstructionRateConfig()
    {
        AddColumn(new NanosecondsPerInstructionColumn(() => InterpreterBenchmarks.ExecutedInstructions));
        WithBuildTimeout(TimeSpan.FromMinutes(10));
    }
}
