using Ebpf.Extensions.Linux;
using Ebpf.Extensions.Net;
using Ebpf.Platform;
using Ebpf.Runtime.Extensions;
using Ebpf.Runtime.Maps;
using Ebpf.Runtime.Objects;
using Ebpf.Runtime.Pinning;
using Ebpf.TestSupport;

namespace Ebpf.Runtime.Tests.Linux;

/// <summary>
/// One runtime for both ABIs: an unmodified Linux XDP object and an eBPF for Windows xdp_test object load into the
/// same <see cref="EbpfRuntime"/> (each ABI told by its sections, or named where both ABIs claim them), run side by side on the same packets through the
/// same test-run path, and share one LIBBPF_PIN_BY_NAME map, each seeing what the other wrote.
/// </summary>
public class BothAbisTests
{
    // Slot 0 counts the bytes the Linux program saw, slot 1 the Windows program's runs; each returns PASS only when
    // the other's slot holds what the other wrote so far (the first run of each checks nothing).
    private const string LinuxSource = """
        #include <linux/bpf.h>
        #include <bpf/bpf_helpers.h>
        struct { __uint(type, BPF_MAP_TYPE_ARRAY); __uint(max_entries, 2); __type(key, __u32); __type(value, __u64);
                 __uint(pinning, LIBBPF_PIN_BY_NAME); } shared_counts SEC(".maps");
        SEC("xdp") int linux_side(struct xdp_md *ctx)
        {
            __u32 mine = 0, theirs = 1;
            __u64 *bytes = bpf_map_lookup_elem(&shared_counts, &mine), *runs = bpf_map_lookup_elem(&shared_counts, &theirs);
            if (!bytes || !runs) return XDP_ABORTED;
            *bytes += ctx->data_end - ctx->data;
            return *runs * 64 + 64 == *bytes ? XDP_PASS : XDP_DROP;
        }
        char _license[] SEC("license") = "GPL";
        """;

    private const string WindowsSource = """
        #include "bpf_helpers.h"
        #include "ebpf_xdp_test_hooks.h"
        struct { __uint(type, BPF_MAP_TYPE_ARRAY); __uint(max_entries, 2); __type(key, uint32_t); __type(value, uint64_t);
                 __uint(pinning, LIBBPF_PIN_BY_NAME); } shared_counts SEC(".maps");
        SEC("xdp_test") int windows_side(xdp_md_t* ctx)
        {
            uint32_t mine = 1, theirs = 0;
            uint64_t *runs = bpf_map_lookup_elem(&shared_counts, &mine), *bytes = bpf_map_lookup_elem(&shared_counts, &theirs);
            if (!runs || !bytes) return XDP_DROP;
            *runs += 1;
            return *bytes == *runs * ((char*)ctx->data_end - (char*)ctx->data) ? XDP_PASS : XDP_DROP;
        }
        """;

    [Fact]
    public void ALinuxAndAWindowsObjectRunSideBySideSharingOnePinnedMap()
    {
        string linuxPath = ClangObjects.Compile("both_abis_linux", LinuxSource);
        string windowsPath = ClangObjects.Compile("both_abis_windows", WindowsSource, RepoPaths.RepoPath("include"));
        var runtime = new EbpfRuntime(new AbstractInterpretationVerifier(), new PinNamespace())
            .Use(new NetExtension()).Use(new LinuxExtension());

        // "xdp" is a section of both ABIs' XDP (equally long prefixes): the Linux program reads xdp_md's 32-bit
        // fields, so it is Linux's. "xdp_test" is claimed more closely by eBPF for Windows' program type.
        using var linux = runtime.Load(linuxPath);
        using var windows = runtime.Load(windowsPath);
        Assert.Same(LinuxAbi.Instance, linux.Abi);
        Assert.Same(PlatformAbi.Windows, windows.Abi);
        Assert.Equal("xdp", linux.Program("linux_side").ProgramTypeName);
        Assert.Equal(LinuxProgramTypes.XdpGuid, linux.Program("linux_side").ProgramType);
        Assert.Equal(WellKnownProgramTypes.XdpTestGuid, windows.Program("windows_side").ProgramType);
        Assert.Contains("shared_counts", windows.ReusedPinnedMaps);
        Assert.Same(linux.Map("shared_counts"), windows.Map("shared_counts"));

        var packet = new byte[64];
        for (int round = 1; round <= 3; round++)
        {
            var fromLinux = runtime.TestRun(linux.Program("linux_side"), new TestRunOptions { DataIn = packet });
            Assert.Equal(2u, fromLinux.ReturnValue); // Linux XDP_PASS: the Windows side's runs are in the shared map
            var fromWindows = runtime.TestRun(windows.Program("windows_side"), new TestRunOptions { DataIn = packet });
            Assert.Equal(1u, fromWindows.ReturnValue); // Windows XDP_PASS: the Linux side's bytes are in the shared map
            Assert.Equal(packet, fromLinux.DataOut);
            Assert.Equal(packet, fromWindows.DataOut);
        }
        var shared = runtime.Pins.Get<EbpfMap>("shared_counts");
        Assert.Equal(3ul * 64, BitConverter.ToUInt64(shared.Lookup(BitConverter.GetBytes(0u))));
        Assert.Equal(3ul, BitConverter.ToUInt64(shared.Lookup(BitConverter.GetBytes(1u))));
    }

    [Fact]
    public void AnXdpObjectThatFitsBothAbisLoadsOnlyWithItsAbiNamed()
    {
        // Reads no context field and calls no helper: eBPF for Windows' XDP and Linux's fit it alike.
        string path = ClangObjects.Compile("both_abis_either", """
            #include <linux/bpf.h>
            #include <bpf/bpf_helpers.h>
            SEC("xdp") int either(struct xdp_md *ctx) { return 2; }
            """);
        var runtime = new EbpfRuntime(new AbstractInterpretationVerifier()).Use(new NetExtension()).Use(new LinuxExtension());
        var ambiguous = Assert.Throws<EbpfException>(() => runtime.Load(path).Dispose());
        Assert.Equal(EbpfResult.InvalidArgument, ambiguous.Result);
        Assert.Contains("section 'xdp' means a program type of each of windows (xdp) and linux (xdp), and program 'either' fits both", ambiguous.Message);
        using var linux = runtime.Load(path, new ObjectLoadOptions { Abi = LinuxAbi.Instance });
        Assert.Equal(LinuxProgramTypes.XdpGuid, linux.Program("either").ProgramType);
        using var windows = runtime.Load(path, new ObjectLoadOptions { Abi = PlatformAbi.Windows });
        Assert.Equal(WellKnownProgramTypes.XdpGuid, windows.Program("either").ProgramType);
    }

    [Fact]
    public void AnObjectsAbiFollowsFromItsSectionsWhenOnlyOneAbiClaimsThem()
    {
        string linuxPath = ClangObjects.Compile("both_abis_linux", LinuxSource);
        using var linux = LinuxXdp.Runtime().Load(linuxPath);
        Assert.Same(LinuxAbi.Instance, linux.Abi);
        Assert.Equal(LinuxProgramTypes.XdpGuid, linux.Program("linux_side").ProgramType);
    }
}
