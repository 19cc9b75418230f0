using System.Globalization;
using Ebpf.Isa;
using Ebpf.TestSupport;
using Xunit.Abstractions;

namespace Ebpf.Cli.Tests;

/// <summary>The plugin protocol, driven the way bpf_conformance's runner drives it (hex bytes with double spaces).</summary>
[Collection(ConsoleCollection.Name)]
public class ConformancePluginCommandTests(ITestOutputHelper output)
{
    private static string RunnerHex(byte[] bytes) => string.Concat(bytes.Select(b => b.ToString("x2", CultureInfo.InvariantCulture) + "  "));

    [Fact]
    public void EveryConformanceTestPassesThroughThePlugin()
    {
        int passed = 0, total = 0;
        foreach (var file in ConformanceTestFile.Files(ConformanceTestFile.TestsDirectory))
        {
            total++;
            var test = ConformanceTestFile.Load(Path.Combine(ConformanceTestFile.TestsDirectory, file));
            var image = test.Raw ?? Instruction.WriteAll(Assembler.Assemble(test.Assembly!));
            var run = CliRun.InvokeWithInput(RunnerHex(image) + "\n", "conformance-plugin", RunnerHex(test.Memory), "");
            bool ok = test.ExpectedError is null
                ? run.ExitCode == 0 && ulong.Parse(run.Output.Trim(), NumberStyles.HexNumber, CultureInfo.InvariantCulture) == test.ExpectedResult
                : run.ExitCode == ExitCodes.Failure && run.Output.Trim() == test.ExpectedError;
            if (ok) passed++;
            else output.WriteLine($"{file}: exit {run.ExitCode}, out '{run.Output.Trim()}', err '{run.Error.Trim()}'");
        }
        output.WriteLine($"conformance via plugin: {passed}/{total}");
        Assert.Equal(total, passed);
    }

    [Fact]
    public void MalformedProgramsFailWithEmptyOutput()
    {
        var test = ConformanceTestFile.Load(Path.Combine(ConformanceTestFile.NegativeDirectory, "unused-exit-imm.data"));
        var run = CliRun.InvokeWithInput(RunnerHex(test.Raw!), "conformance-plugin", "", "");
        Assert.Equal((ExitCodes.Failure, ""), (run.ExitCode, run.Output));
        Assert.Contains("instruction 0", run.Error);
        // The suite's expectation for this case is an error with empty text: exit code and empty stdout satisfy it.
        Assert.Equal("", test.ExpectedError);
    }

    [Fact]
    public void StrayAccessesAndRunawayLoopsDoNotCrashThePlugin()
    {
        var wild = Instruction.WriteAll(Assembler.Assemble("lddw %r1, 0x10\nldxdw %r0, [%r1]\nexit"));
        var fault = CliRun.InvokeWithInput(RunnerHex(wild), "conformance-plugin", "");
        Assert.Equal(ExitCodes.Failure, fault.ExitCode);
        Assert.Contains("invalid read of 8 bytes at 0x10", fault.Error);
        var loop = Instruction.WriteAll(Assembler.Assemble("l:\nja l"));
        Assert.Contains("budget", CliRun.InvokeWithInput(RunnerHex(loop), "conformance-plugin", "").Error);
    }

    [Fact]
    public void BadHexOnStandardInputIsAnInputError()
    {
        var run = CliRun.InvokeWithInput("95 00 0", "conformance-plugin", "");
        Assert.Equal(ExitCodes.Failure, run.ExitCode);
        Assert.Contains("program on standard input", run.Error);
    }
}
