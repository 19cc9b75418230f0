using System.Text.Json;
using Ebpf.Elf;
using Ebpf.Extensions.Linux;
using Ebpf.Extensions.Net;
using Ebpf.Extensions.Process;
using Ebpf.Extensions.Sample;
using Ebpf.Runtime.Maps;
using Ebpf.Runtime.Objects;
using Ebpf.TestSupport;

namespace Ebpf.Cli.Tests;

/// <summary>
/// The command line's <c>--platform auto</c> is the runtime's rule (<see cref="ObjectAbi"/>): for every object of the
/// sample corpus and samples/, <c>ebpf show programs</c> reads it in the ABI a runtime with the same extensions
/// picks, and refuses it, naming the ambiguity, exactly when the runtime does.
/// </summary>
[Collection(ConsoleCollection.Name)]
public class PlatformChoiceTests
{
    public static TheoryData<string> Objects() =>
    [
        .. Directory.EnumerateFiles(RepoPaths.SharedPath("ebpf-samples"), "*.o", SearchOption.AllDirectories).Order(StringComparer.Ordinal),
        .. Directory.EnumerateFiles(RepoPaths.RepoPath("samples", "build"), "*.o").Order(StringComparer.Ordinal),
    ];

    [Theory]
    [MemberData(nameof(Objects))]
    public void TheCommandLineChoosesTheRuntimesAbi(string path)
    {
        var runtime = new EbpfRuntime();
        foreach (var extension in new Runtime.Extensions.IExtension[] { new ProcessExtension(), new NetExtension(), new SampleExtension(), new LinuxExtension() })
            runtime.Use(extension);
        BpfObject obj;
        try
        {
            obj = BpfObject.Open(path, new BpfObjectOpenOptions { Sections = runtime.Sections });
        }
        catch (BpfObjectException)
        {
            Assert.NotEqual(0, CliRun.Invoke("show", "programs", "--json", path).ExitCode); // a bad file for both
            return;
        }
        var chosen = ObjectAbi.Choose(runtime.Extensions, obj, out string? problem);
        var run = CliRun.Invoke("show", "programs", "--json", path);
        if (problem is not null)
        {
            Assert.NotEqual(0, run.ExitCode);
            Assert.Contains(problem, run.Error);
            Assert.Contains("--platform", run.Error);
            Assert.Contains($": cannot tell which platform the object is for: {problem}", Assert.Throws<EbpfException>(() => runtime.ChooseAbi(obj)).Message);
            return;
        }
        Assert.Equal((0, ""), (run.ExitCode, run.Error));
        var platforms = run.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => JsonDocument.Parse(l).RootElement.GetProperty("platform").GetString()).Distinct().ToArray();
        if (platforms.Length == 0) return; // no programs: nothing shows the choice
        // No extension claims the object: the runtime loads it as eBPF for Windows' (its programs then fail to
        // resolve), the command line reads it as Linux's for the verifier's Linux platform.
        Assert.Equal(chosen?.Name ?? "linux", Assert.Single(platforms));
        Assert.Equal((chosen ?? Ebpf.Platform.PlatformAbi.Windows).Name, runtime.ChooseAbi(obj).Name);
    }

    [Fact]
    public void ProgramsDecideWhatTheirSectionLeavesOpenAndAnObjectThatFitsBothNeedsThePlatformNamed()
    {
        static string? Platform(params string[] arguments)
        {
            var run = CliRun.Invoke(["show", "programs", "--json", .. arguments]);
            Assert.Equal((0, ""), (run.ExitCode, run.Error));
            return JsonDocument.Parse(run.Output.Split('\n')[0]).RootElement.GetProperty("platform").GetString();
        }
        // SEC("xdp") alike: xdp_rxq_info reads xdp_md's 32-bit fields, droppacket-style samples 64-bit pointers.
        Assert.Equal("linux", Platform(RepoPaths.SharedPath("ebpf-samples", "linux", "xdp_rxq_info_kern.o")));
        Assert.Equal("linux", Platform(RepoPaths.RepoPath("samples", "build", "packet_filter_linux.o")));
        Assert.Equal("windows", Platform(RepoPaths.RepoPath("samples", "build", "packet_filter.o")));
        // tail_call.o's programs read no context field and call helpers both ABIs number: the platform must be named.
        string ambiguous = RepoPaths.SharedPath("ebpf-samples", "build", "tail_call.o");
        var run = CliRun.Invoke("verify", ambiguous);
        Assert.Equal(1, run.ExitCode);
        Assert.Contains("section 'xdp_prog' means a program type of each of windows (xdp) and linux (xdp), and program 'caller' fits both", run.Error);
        Assert.Contains("--platform windows or --platform linux", run.Error);
        Assert.Equal("windows", Platform("--platform", "windows", ambiguous));
        Assert.Equal("linux", Platform("--platform", "linux", ambiguous));
    }
}
