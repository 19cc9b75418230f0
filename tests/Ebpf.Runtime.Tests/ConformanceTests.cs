using Ebpf.Runtime.Interpretation;
using Ebpf.Runtime.Programs;
using Xunit.Abstractions;

namespace Ebpf.Runtime.Tests;

public class ConformanceTests(ITestOutputHelper output)
{
    private const int ExpectedFileCount = 313;

    public static TheoryData<string> TestFiles() => new(ConformanceRunner.Files(ConformanceRunner.TestsDirectory));

    [Theory]
    [MemberData(nameof(TestFiles))]
    public void Unchecked(string file) => AssertPasses(file, ExecutionMode.Unchecked);

    [Theory]
    [MemberData(nameof(TestFiles))]
    public void Checked(string file) => AssertPasses(file, ExecutionMode.Checked);

    [Theory]
    [MemberData(nameof(TestFiles))]
    public void JitUnchecked(string file) => AssertPasses(file, ExecutionMode.Unchecked, ExecutionEngine.Jit);

    [Theory]
    [MemberData(nameof(TestFiles))]
    public void JitChecked(string file) => AssertPasses(file, ExecutionMode.Checked, ExecutionEngine.Jit);

    [Fact]
    public void SummaryCountsEveryFile()
    {
        var files = ConformanceRunner.Files(ConformanceRunner.TestsDirectory).ToArray();
        Assert.Equal(ExpectedFileCount, files.Length);
        foreach (var engine in new[] { ExecutionEngine.Interpreter, ExecutionEngine.Jit })
        foreach (var mode in new[] { ExecutionMode.Unchecked, ExecutionMode.Checked })
        {
            var outcomes = files.Select(f => ConformanceRunner.Run(Path.Combine(ConformanceRunner.TestsDirectory, f), mode, engine)).ToArray();
            int passed = outcomes.Count(o => o.Passed);
            output.WriteLine($"conformance ({engine.ToString().ToLowerInvariant()}, {mode.ToString().ToLowerInvariant()}): {passed}/{files.Length}");
            foreach (var failure in outcomes.Where(o => !o.Passed)) output.WriteLine(failure.ToString());
            Assert.Equal(files.Length, passed);
        }
    }

    private void AssertPasses(string file, ExecutionMode mode, ExecutionEngine engine = ExecutionEngine.Interpreter)
    {
        var outcome = ConformanceRunner.Run(Path.Combine(ConformanceRunner.TestsDirectory, file), mode, engine);
        output.WriteLine(outcome.ToString());
        Assert.True(outcome.Passed, outcome.ToString());
    }
}
