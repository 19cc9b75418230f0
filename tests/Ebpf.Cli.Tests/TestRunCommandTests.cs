using System.Buffers.Binary;
using System.Globalization;
using System.Text.RegularExpressions;
using Ebpf.TestSupport;

namespace Ebpf.Cli.Tests;

/// <summary><c>ebpf test-run</c> on samples/tail_calls.c: entry tail-calls stage_one, which tail-calls stage_two,
/// which calls a bpf-to-bpf checksum subprogram.</summary>
[Collection(ConsoleCollection.Name)]
public partial class TestRunCommandTests
{
    /// <summary>The chain's result from the sample's logic: u' = 2u + 100; 3 * sum(first 16 bytes) + u' + 3 hops.</summary>
    private static uint Expected(byte[] data, uint u) => (uint)(3 * data.Take(16).Sum(b => b) + (2 * u + 100) + 3);

    private static uint RetVal(string output)
    {
        var match = RetValLine().Match(output);
        Assert.True(match.Success, $"no retval line in:\n{output}");
        return uint.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
    }

    [GeneratedRegex(@"^retval: (\d+)$", RegexOptions.Multiline)]
    private static partial Regex RetValLine();

    private static (string Data, string Ctx) Inputs(TempDirectory dir, byte[] data, uint u)
    {
        var ctx = new byte[32];
        BinaryPrimitives.WriteUInt32LittleEndian(ctx.AsSpan(16), u);
        File.WriteAllBytes(dir.File("data.bin"), data);
        File.WriteAllBytes(dir.File("ctx.bin"), ctx);
        return (dir.File("data.bin"), dir.File("ctx.bin"));
    }

    [Theory]
    [InlineData("jit")]
    [InlineData("interpreter")]
    public void TailCallChainPrintsTheComputedReturnValue(string engine)
    {
        using var dir = new TempDirectory();
        byte[] data = [3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5, 8, 9, 7, 9, 3, 2, 3, 8, 4];
        var (dataFile, ctxFile) = Inputs(dir, data, 11);
        var run = CliRun.Invoke("test-run", SampleObjects.Path("tail_calls"), "entry", "--data", dataFile, "--ctx", ctxFile,
            "--ctx-out", dir.File("ctx.out"), "--data-out", dir.File("data.out"), "--engine", engine);
        Assert.True(run.ExitCode == 0, run.Error);
        Assert.Equal(Expected(data, 11), RetVal(run.Output));
        Assert.Contains($"{engine})", run.Output);
        Assert.Equal(data, File.ReadAllBytes(dir.File("data.out")));
        Assert.Equal(2 * 11u + 100, BinaryPrimitives.ReadUInt32LittleEndian(File.ReadAllBytes(dir.File("ctx.out")).AsSpan(16)));
    }

    [Fact]
    public void UnverifiedRunsCheckedAndGivesTheSameResult()
    {
        using var dir = new TempDirectory();
        byte[] data = [10, 20, 30];
        var (dataFile, ctxFile) = Inputs(dir, data, 0);
        var run = CliRun.Invoke("test-run", SampleObjects.Path("tail_calls"), "entry", "--data", dataFile, "--ctx", ctxFile, "--unverified");
        Assert.True(run.ExitCode == 0, run.Error);
        Assert.Equal(Expected(data, 0), RetVal(run.Output));
        Assert.Contains("unverified, checked", run.Output);
    }

    [Fact]
    public void VerificationFailureNamesTheWayOut()
    {
        // Reads the packet without checking its end: the verifier must refuse it; --unverified runs it checked.
        using var dir = new TempDirectory();
        string uncheckedObject = ClangObjects.Compile("unchecked", ClangObjects.UncheckedSampleExtRead, RepoPaths.RepoPath("include"));

        var run = CliRun.Invoke("test-run", uncheckedObject, "unchecked_read");
        Assert.Equal(ExitCodes.Failure, run.ExitCode);
        Assert.Contains("failed verification", run.Error);
        Assert.Contains("--unverified", run.Error);

        var (dataFile, ctxFile) = Inputs(dir, [9, 8, 7, 6, 5], 0);
        var unverified = CliRun.Invoke("test-run", uncheckedObject, "unchecked_read", "--data", dataFile, "--ctx", ctxFile, "--unverified");
        Assert.True(unverified.ExitCode == 0, unverified.Error);
        Assert.Equal(6u, RetVal(unverified.Output));
    }

    [Fact]
    public void UnknownProgramAndMissingContextAreReported()
    {
        var missing = CliRun.Invoke("test-run", SampleObjects.Path("tail_calls"), "nope");
        Assert.Equal(ExitCodes.Failure, missing.ExitCode);
        Assert.Contains("no program named 'nope'", missing.Error);
        Assert.Contains("entry", missing.Error);

        var noContext = CliRun.Invoke("test-run", SampleObjects.Path("tail_calls"), "entry");
        Assert.Equal(ExitCodes.Failure, noContext.ExitCode);
        Assert.Contains("ctx_in is 0 bytes", noContext.Error);

        var badEngine = CliRun.Invoke("test-run", SampleObjects.Path("tail_calls"), "entry", "--engine", "quantum");
        Assert.Equal(ExitCodes.Usage, badEngine.ExitCode);
    }

    [Fact]
    public void LinuxPlatformRunsAnUnmodifiedXdpObjectHereAndInTheKernel()
    {
        using var dir = new TempDirectory();
        string obj = RepoPaths.SharedPath("ebpf-samples", "prototype-kernel", "xdp_ttl_kern.o");
        byte[] packet = LinuxXdpSamples.Packets().First().Packet; // IPv4/UDP
        File.WriteAllBytes(dir.File("packet.bin"), packet);
        var outputs = new Dictionary<string, (uint RetVal, byte[] Data)>();
        var engines = new List<string> { "jit", "interpreter" };
        if (Ebpf.Kernel.KernelBpf.IsAvailable(out string reason)) engines.Add("kernel");
        else HostKernelReport.Note(_ => { }, $"host kernel unavailable ({reason}): its comparisons were skipped");
        foreach (var engine in engines)
        {
            var run = CliRun.Invoke("test-run", obj, "xdp_ttl", "--platform", "linux", "--engine", engine,
                "--data", dir.File("packet.bin"), "--data-out", dir.File(engine + ".bin"), "--repeat", "3");
            Assert.True(run.ExitCode == 0, run.Error);
            Assert.Contains("average of 3 runs", run.Output);
            outputs[engine] = (RetVal(run.Output), File.ReadAllBytes(dir.File(engine + ".bin")));
        }
        Assert.Equal(packet.Length, outputs["jit"].Data.Length);
        foreach (var (engine, result) in outputs)
        {
            Assert.Equal(outputs["jit"].RetVal, result.RetVal);
            Assert.Equal(outputs["jit"].Data, result.Data);
        }
    }

    /// <summary>Socket filters and tc classifiers run too, here and in the kernel, with the same result and frame.</summary>
    [Theory]
    [InlineData("udp_length", 28u)]   // the socket filter's view starts at the IP header
    [InlineData("classify", 0x0800u)] // the classifier's at the frame: the EtherType
    public void LinuxPlatformRunsSocketFiltersAndClassifiers(string program, uint expected)
    {
        using var dir = new TempDirectory();
        string obj = ClangObjects.Compile("skb_cli", """
            #include <linux/bpf.h>
            #include <bpf/bpf_helpers.h>
            SEC("socket") int udp_length(struct __sk_buff *skb) { __u8 b[2] = {}; return bpf_skb_load_bytes(skb, 2, b, 2) ?: (b[0] << 8 | b[1]); }
            SEC("tc") int classify(struct __sk_buff *skb) { __u8 b[2] = {}; return bpf_skb_load_bytes(skb, 12, b, 2) ?: (b[0] << 8 | b[1]); }
            char _license[] SEC("license") = "GPL";
            """);
        byte[] packet = [.. new byte[12], 0x08, 0x00, 0x45, 0, 0, 28, .. new byte[24]]; // Ethernet, then IPv4 with total length 28
        File.WriteAllBytes(dir.File("packet.bin"), packet);
        var engines = new List<string> { "jit", "interpreter" };
        if (Ebpf.Kernel.KernelBpf.IsAvailable(out string reason)) engines.Add("kernel");
        else HostKernelReport.Note(_ => { }, $"host kernel unavailable ({reason}): its comparisons were skipped");
        var frames = new List<byte[]>();
        foreach (var engine in engines)
        {
            var run = CliRun.Invoke("test-run", obj, program, "--platform", "linux", "--engine", engine,
                "--data", dir.File("packet.bin"), "--data-out", dir.File(engine + ".bin"));
            Assert.True(run.ExitCode == 0, run.Error);
            Assert.Equal(expected, RetVal(run.Output));
            frames.Add(File.ReadAllBytes(dir.File(engine + ".bin")));
        }
        Assert.All(frames, frame => Assert.Equal(frames[0], frame));
    }

    [Fact]
    public void LinuxPlatformNamesWhyAProgramOfAnotherTypeWasNotLoaded()
    {
        string obj = ClangObjects.Compile("kprobe_cli", """
            #include <linux/bpf.h>
            #include <bpf/bpf_helpers.h>
            SEC("kprobe/do_sys_open") int probe(void *ctx) { return 0; }
            SEC("xdp") int pass(struct xdp_md *ctx) { return XDP_PASS; }
            char _license[] SEC("license") = "GPL";
            """);
        var run = CliRun.Invoke("test-run", obj, "probe", "--platform", "linux");
        Assert.Equal(ExitCodes.Failure, run.ExitCode);
        Assert.Contains("program 'probe' was not loaded", run.Error);
        Assert.Contains("kprobe/do_sys_open", run.Error);
        Assert.Contains("loaded: pass", run.Error);
    }

    [Fact]
    public void KernelEngineNamesWhatTheHostLacksInOneLine()
    {
        string obj = RepoPaths.SharedPath("ebpf-samples", "prototype-kernel", "xdp_ttl_kern.o");
        using (Ebpf.Kernel.KernelHostEmulation.Refuse("bpf"))
        {
            var run = CliRun.Invoke("test-run", obj, "xdp_ttl", "--platform", "linux", "--engine", "kernel");
            Assert.Equal(ExitCodes.Failure, run.ExitCode);
            Assert.Contains("EPERM", run.Error);
            Assert.Single(run.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        }
        if (!Ebpf.Kernel.KernelBpf.IsAvailable(out _)) return; // the helper case needs a kernel to load the others
        string adjust = ClangObjects.Compile("adjust_head", """
            struct xdp_md { unsigned int data, data_end; };
            static long (*bpf_xdp_adjust_head)(struct xdp_md *, int) = (void *)44;
            __attribute__((section("xdp"), used)) int pop(struct xdp_md *ctx) { return bpf_xdp_adjust_head(ctx, 14) ? 1 : 2; }
            char _license[] __attribute__((section("license"), used)) = "GPL";
            """);
        using (Ebpf.Kernel.KernelHostEmulation.Refuse("xdp:44"))
        {
            var run = CliRun.Invoke("test-run", adjust, "pop", "--platform", "linux", "--engine", "kernel");
            Assert.Equal(ExitCodes.Failure, run.ExitCode);
            Assert.Contains("xdp/pop: the host kernel lacks what it needs: program of this type cannot use helper #44", run.Error);
            Assert.Single(run.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        }
        var allowed = CliRun.Invoke("test-run", adjust, "pop", "--platform", "linux", "--engine", "kernel");
        Assert.True(allowed.ExitCode == 0, allowed.Error);
    }

    [Fact]
    public void KernelEngineNeedsTheLinuxPlatform()
    {
        var run = CliRun.Invoke("test-run", SampleObjects.Path("tail_calls"), "entry", "--engine", "kernel");
        Assert.Equal(ExitCodes.Failure, run.ExitCode);
        Assert.Contains("--platform linux", run.Error);
    }

    [Fact]
    public void RepeatReportsTheNumberOfRuns()
    {
        using var dir = new TempDirectory();
        var (dataFile, ctxFile) = Inputs(dir, [1], 1);
        var run = CliRun.Invoke("test-run", SampleObjects.Path("tail_calls"), "stage_two", "--data", dataFile, "--ctx", ctxFile, "--repeat", "5");
        Assert.True(run.ExitCode == 0, run.Error);
        // stage_two alone: 3 * 1 + u (1) + hops (1..5 over the runs; the last run sees 5).
        Assert.Equal(3u + 1 + 5, RetVal(run.Output));
        Assert.Contains("average of 5 runs", run.Output);
    }
}
