using System.Globalization;
using Ebpf.Isa;
using Ebpf.Runtime.Interpretation;
using Ebpf.TestSupport;

namespace Ebpf.Cli.Tests;

[Collection(ConsoleCollection.Name)]
public class ExecCommandTests
{
    [Theory]
    [InlineData("subnet.data")]
    [InlineData("mem-len.data")]
    [InlineData("prime.data")]
    [InlineData("call_local.data")]
    [InlineData("call_unwind_fail.data")]
    [InlineData("ldxb-all.data")]
    public void PrintsTheResultOfConformancePrograms(string file)
    {
        var test = ConformanceTestFile.Load(Path.Combine(ConformanceTestFile.TestsDirectory, file));
        using var dir = new TempDirectory();
        System.IO.File.WriteAllText(dir.File("p.s"), test.Assembly!);
        string mem = Convert.ToHexString(test.Memory);
        foreach (var extra in new[] { Array.Empty<string>(), ["--checked"], ["--budget", "100000"] })
        {
            var run = CliRun.Invoke(["exec", dir.File("p.s"), "--mem", mem, .. extra]);
            Assert.Equal((0, ""), (run.ExitCode, run.Error));
            Assert.Equal($"0x{test.ExpectedResult:x}\n", run.Output.Replace("\r", ""));
        }
    }

    [Fact]
    public void RunsRawImagesWithMemoryFromAFile()
    {
        using var dir = new TempDirectory();
        var program = Assembler.Assemble("ldxw %r0, [%r1+2]\nadd %r0, %r2\nexit");
        System.IO.File.WriteAllBytes(dir.File("p.bin"), Instruction.WriteAll(program));
        byte[] memory = [1, 2, 0x10, 0x20, 0x30, 0x40, 7];
        System.IO.File.WriteAllBytes(dir.File("mem"), memory);
        ulong expected = BitConverter.ToUInt32(memory, 2) + (ulong)memory.Length;
        var run = CliRun.Invoke("exec", dir.File("p.bin"), "--mem-file", dir.File("mem"));
        Assert.Equal(0, run.ExitCode);
        Assert.Equal(expected, ulong.Parse(run.Output.Trim()[2..], NumberStyles.HexNumber, CultureInfo.InvariantCulture));
    }

    [Fact]
    public void CheckedModeReportsTheFaultOnStandardError()
    {
        using var dir = new TempDirectory();
        System.IO.File.WriteAllText(dir.File("oob.s"), "mov %r0, 0\nldxdw %r0, [%r1+4]\nexit\n");
        var run = CliRun.Invoke("exec", dir.File("oob.s"), "--mem", "00 01 02 03 04 05 06 07", "--checked");
        Assert.Equal((ExitCodes.Failure, ""), (run.ExitCode, run.Output));
        Assert.Contains("pc 1: invalid read of 8 bytes", run.Error);
        Assert.Contains("past the end of memory", run.Error);
    }

    [Fact]
    public void BudgetStopsLoops()
    {
        using var dir = new TempDirectory();
        System.IO.File.WriteAllText(dir.File("loop.s"), "l:\nja l\n");
        var run = CliRun.Invoke("exec", dir.File("loop.s"), "--budget", "500");
        Assert.Equal(ExitCodes.Failure, run.ExitCode);
        Assert.Contains("instruction budget of 500 exhausted", run.Error);
    }

    [Fact]
    public void BadArgumentsAreUsageOrInputErrors()
    {
        using var dir = new TempDirectory();
        System.IO.File.WriteAllText(dir.File("p.s"), "mov %r0, 1\nexit\n");
        Assert.Equal(ExitCodes.Usage, CliRun.Invoke("exec", dir.File("p.s"), "--mem", "00", "--mem-file", dir.File("p.s")).ExitCode);
        Assert.Equal(ExitCodes.Usage, CliRun.Invoke("exec", dir.File("p.s"), "--budget", "-1").ExitCode);
        Assert.Equal(ExitCodes.Usage, CliRun.Invoke("exec", dir.File("p.s"), "--budget", "many").ExitCode);
        var hex = CliRun.Invoke("exec", dir.File("p.s"), "--mem", "0g");
        Assert.Equal(ExitCodes.Failure, hex.ExitCode);
        Assert.Contains("--mem", hex.Error);
        var helper = CliRun.Invoke("exec", WriteText(dir, "h.s", "call 99\nexit\n"));
        Assert.Equal(ExitCodes.Failure, helper.ExitCode);
        Assert.Contains("unknown helper 99", helper.Error);
    }

    private static string WriteText(TempDirectory dir, string name, string text)
    {
        System.IO.File.WriteAllText(dir.File(name), text);
        return dir.File(name);
    }
}
