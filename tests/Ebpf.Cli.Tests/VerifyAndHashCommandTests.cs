using System.Text.Json;
using Ebpf.Elf;
using Ebpf.Extensions.Net;
using Ebpf.Extensions.Process;
using Ebpf.Platform;
using Ebpf.Runtime.Extensions;
using Ebpf.TestSupport;

namespace Ebpf.Cli.Tests;

/// <summary><c>ebpf verify</c> and <c>ebpf show hash</c>.</summary>
[Collection(ConsoleCollection.Name)]
public class VerifyAndHashCommandTests
{
    private static string Sample(string name)
    {
        var path = RepoPaths.RepoPath("samples", "build", name);
        Assert.True(File.Exists(path), $"{path} is missing: run samples/build.sh (eng/setup.sh installs clang-19).");
        return path;
    }

    public static TheoryData<string> SampleObjects()
    {
        var data = new TheoryData<string>();
        foreach (var c in Directory.GetFiles(RepoPaths.RepoPath("samples"), "*.c").Order())
            data.Add(Path.GetFileNameWithoutExtension(c) + ".o");
        return data;
    }

    [Theory]
    [MemberData(nameof(SampleObjects))]
    public void EveryEntryProgramOfEverySampleVerifies(string name)
    {
        var path = Sample(name);
        var run = CliRun.Invoke("verify", "--json", path);
        var records = run.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        var entries = BpfObject.Open(path).Programs.Where(p => p.Kind == BpfProgramKind.Entry).Select(p => p.Name).ToArray();
        Assert.Equal(entries, records.Select(r => r.GetProperty("function").GetString()));
        Assert.All(records, r => Assert.True(r.GetProperty("passed").GetBoolean(), r.ToString()));
        // Which pass proved it, and how far the path pass went (0 when the fixpoint sufficed).
        Assert.All(records, r => Assert.Contains(r.GetProperty("pass").GetString(), new[] { "fixpoint", "path_exploration" }));
        Assert.All(records, r => Assert.Equal(r.GetProperty("pass").GetString() == "fixpoint",
            r.GetProperty("explored_instructions").GetInt64() == 0));
        Assert.Equal((0, ""), (run.ExitCode, run.Error));
    }

    [Fact]
    public void GlobalFunctionIsVerifiedAloneFromItsPrototype()
    {
        // is_loopback(uint32_t address): verified alone (--all), r1 is any number, as its BTF prototype says; with the
        // generic context PREVAIL uses, its arithmetic on r1 would be arithmetic on a pointer.
        var run = CliRun.Invoke("verify", "-v", "--all", Sample("bpf2bpf.o"), "is_loopback");
        Assert.Equal((0, ""), (run.ExitCode, run.Error));
        Assert.Contains("PASS .text/is_loopback (sock_addr,", run.Output);
        Assert.Contains("r1.type=number", run.Output);
    }

    [Fact]
    public void FailureNamesInstructionSourceLineAndRegisters()
    {
        // An unchecked packet read: the message names the instruction, the C line and the base register's state. The
        // object is a Linux one; by eBPF for Windows' section rules its SEC("xdp") is Windows' XDP, so name the platform.
        var run = CliRun.Invoke("verify", "--platform", "linux", RepoPaths.SharedPath("ebpf-samples", "build", "packet_overflow.o"));
        Assert.Equal(1, run.ExitCode);
        Assert.Contains("FAIL xdp/read_write_packet_start", run.Output);
        Assert.Contains("at 4: ldxw %r1, [%r2]", run.Output);
        Assert.Contains("packet_overflow.c:", run.Output);
        Assert.Contains("r2.type=packet", run.Output);

        var verbose = CliRun.Invoke("verify", "-v", Sample("multi_extension.o"), "process_monitor");
        Assert.Equal(0, verbose.ExitCode);
        Assert.Contains("r10.type=stack", verbose.Output);
        Assert.Contains("multi_extension.c:", verbose.Output);
    }

    [Fact]
    public void ShowHashPrintsEachProgramsHashAgainstItsOwnExtension()
    {
        var path = Sample("multi_extension.o");
        var run = CliRun.Invoke("show", "hash", path);
        Assert.Equal((0, ""), (run.ExitCode, run.Error));

        var process = new ProcessExtension();
        var net = new NetExtension();
        var sections = new SectionRegistry();
        foreach (var m in process.Sections.Concat(net.Sections)) sections.Register(m);
        var obj = BpfObject.Open(path, new BpfObjectOpenOptions { Sections = sections });
        var providers = new IProgramInformationProvider[] { process.Provider, net.SockAddrProvider, net.BindProvider, net.SockOpsProvider };
        foreach (var program in obj.Programs)
        {
            var provider = providers.Single(p => p.Information.Descriptor.ProgramType == program.ProgramType);
            var hash = ProgramInformationHash.ToHex(ProgramInformationHash.Compute(provider.Information,
                ExtensionRegistry.CalledHelperIds(program.Instructions)));
            var line = run.Output.Split('\n').Single(l => l.Contains(program.Name));
            Assert.Contains(hash, line);
            Assert.Contains(provider.Information.Descriptor.Name, line);
        }
    }

    [Fact]
    public void ShowHashOfAnObjectNoExtensionOwnsFails()
    {
        var run = CliRun.Invoke("show", "hash", RepoPaths.SharedPath("ebpf-samples", "linux", "lathist_kern.o"));
        Assert.Equal(1, run.ExitCode);
        Assert.Contains("no extension owns this section", run.Output);
        // SEC("socket_filter") is the Linux extension's: a helper its socket_filter type lacks fails the hash, by name.
        var socket = CliRun.Invoke("show", "hash", RepoPaths.SharedPath("ebpf-samples", "build", "correlated_branch2.o"));
        Assert.Equal(1, socket.ExitCode);
        Assert.Contains("Helper id 9 is called but program type 'socket_filter' provides no such helper", socket.Output);
    }
}
