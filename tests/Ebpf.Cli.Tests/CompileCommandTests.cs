using System.Buffers.Binary;
using System.Globalization;
using Ebpf.TestSupport;

namespace Ebpf.Cli.Tests;

/// <summary><c>ebpf compile</c>, and the commands that take an object taking its native module instead.</summary>
[Collection(ConsoleCollection.Name)]
public class CompileCommandTests
{
    private static uint RetVal(string output) =>
        uint.Parse(output.Split('\n').Single(l => l.StartsWith("retval: ", StringComparison.Ordinal))["retval: ".Length..].Trim(), CultureInfo.InvariantCulture);

    [Fact]
    public void ShowHashOfTheSeedsModulePrintsTheObjectsHashes()
    {
        using var dir = new TempDirectory();
        string obj = SampleObjects.Path("multi_extension"), module = dir.File("multi_extension.dll");
        var compile = CliRun.Invoke("compile", obj, "-o", module);
        Assert.True(compile.ExitCode == 0, compile.Error);
        Assert.Contains("4 programs, 2 maps", compile.Output);

        var fromObject = CliRun.Invoke("show", "hash", obj);
        var fromModule = CliRun.Invoke("show", "hash", module);
        Assert.Equal((0, ""), (fromModule.ExitCode, fromModule.Error));
        Assert.Equal(fromObject.Output, fromModule.Output);
        Assert.Equal(CliRun.Invoke("show", "maps", obj).Output.Split('\n').Length, CliRun.Invoke("show", "maps", module).Output.Split('\n').Length);
        Assert.Contains("connection_tracker", CliRun.Invoke("show", "programs", module).Output);
    }

    [Fact]
    public void TestRunOfAModuleGivesTheObjectsResultThroughItsTailCalls()
    {
        using var dir = new TempDirectory();
        string obj = SampleObjects.Path("tail_calls"), module = dir.File("tail_calls.dll");
        Assert.Equal(0, CliRun.Invoke("compile", obj, "-o", module).ExitCode);
        byte[] data = [3, 1, 4, 1, 5, 9, 2, 6];
        var ctx = new byte[32];
        BinaryPrimitives.WriteUInt32LittleEndian(ctx.AsSpan(16), 11);
        File.WriteAllBytes(dir.File("data.bin"), data);
        File.WriteAllBytes(dir.File("ctx.bin"), ctx);
        var expected = CliRun.Invoke("test-run", obj, "entry", "--data", dir.File("data.bin"), "--ctx", dir.File("ctx.bin"), "--ctx-out", dir.File("a.out"));
        var actual = CliRun.Invoke("test-run", module, "entry", "--data", dir.File("data.bin"), "--ctx", dir.File("ctx.bin"), "--ctx-out", dir.File("b.out"));
        Assert.True(actual.ExitCode == 0, actual.Error);
        Assert.Equal(RetVal(expected.Output), RetVal(actual.Output));
        Assert.Equal(File.ReadAllBytes(dir.File("a.out")), File.ReadAllBytes(dir.File("b.out")));
        Assert.Contains("native module)", actual.Output);
    }

    [Fact]
    public void AnUnverifiableObjectCompilesOnlyUnverifiedAndSuchAModuleLoadsOnlyUnverified()
    {
        using var dir = new TempDirectory();
        string uncheckedObject = ClangObjects.Compile("unchecked", ClangObjects.UncheckedSampleExtRead, RepoPaths.RepoPath("include"));

        var refused = CliRun.Invoke("compile", uncheckedObject, "-o", dir.File("m.dll"));
        Assert.Equal(ExitCodes.Failure, refused.ExitCode);
        Assert.Contains("failed verification", refused.Error);
        Assert.False(File.Exists(dir.File("m.dll")));

        var compiled = CliRun.Invoke("compile", uncheckedObject, "-o", dir.File("m.dll"), "--unverified");
        Assert.True(compiled.ExitCode == 0, compiled.Error);
        Assert.Contains("(unverified)", compiled.Output);
        File.WriteAllBytes(dir.File("data.bin"), [9, 8, 7, 6, 5]);
        File.WriteAllBytes(dir.File("ctx.bin"), new byte[32]);
        var notAsVerified = CliRun.Invoke("test-run", dir.File("m.dll"), "unchecked_read", "--data", dir.File("data.bin"), "--ctx", dir.File("ctx.bin"));
        Assert.Equal(ExitCodes.Failure, notAsVerified.ExitCode);
        Assert.Contains("compiled with --unverified", notAsVerified.Error);
        var run = CliRun.Invoke("test-run", dir.File("m.dll"), "unchecked_read", "--data", dir.File("data.bin"), "--ctx", dir.File("ctx.bin"), "--unverified");
        Assert.True(run.ExitCode == 0, run.Error);
        Assert.Equal(6u, RetVal(run.Output));
    }

    [Fact]
    public void RunTakesAModuleAsItTakesTheObject()
    {
        using var dir = new TempDirectory();
        Assert.Equal(0, CliRun.Invoke("compile", SampleObjects.Path("maps"), "-o", dir.File("maps.dll")).ExitCode);
        var fromObject = CliRun.Invoke("run", SampleObjects.Path("maps"), "--duration", "0.1");
        var fromModule = CliRun.Invoke("run", dir.File("maps.dll"), "--duration", "0.1");
        Assert.Equal(fromObject.ExitCode, fromModule.ExitCode);
        Assert.Matches(@"cannot attach \w+ \(section bind\): the .*bind hook has no live event source", fromModule.Error);
    }

    [Fact]
    public void AnEditedModuleIsRefusedByEveryCommand()
    {
        using var dir = new TempDirectory();
        string module = dir.File("m.dll");
        Assert.Equal(0, CliRun.Invoke("compile", SampleObjects.Path("multi_extension"), "-o", module).ExitCode);
        var bytes = File.ReadAllBytes(module);
        int at = bytes.AsSpan().IndexOf("\"Hash\":\""u8) + 8;
        bytes[at] = (byte)(bytes[at] == (byte)'0' ? '1' : '0');
        File.WriteAllBytes(module, bytes);
        foreach (string[] command in new[] { new[] { "show", "hash", module }, ["show", "programs", module], ["test-run", module, "bind_monitor"] })
        {
            var run = CliRun.Invoke(command);
            Assert.Equal(ExitCodes.Failure, run.ExitCode);
            Assert.Contains("integrity check failed", run.Error);
        }
    }
}
