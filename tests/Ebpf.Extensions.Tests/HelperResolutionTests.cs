using System.Text;
using Ebpf.Extensions.Net;
using Ebpf.Extensions.Process;
using Ebpf.Platform;
using Ebpf.Runtime.Maps;
using Ebpf.Runtime.Programs;

namespace Ebpf.Extensions.Tests;

/// <summary>Helper ids from 65536 mean different functions in different program types.</summary>
public class HelperResolutionTests
{
    // Copies the image path into a 64-byte stack buffer and returns the helper's result.
    private const string ImagePathProgram = """
        mov %r2, %r10
        add %r2, -64
        mov %r3, 64
        call 65536
        exit
        """;

    // Grows the packet head by 4 bytes; returns XDP_PASS (1) when the helper succeeded, else XDP_DROP (2).
    private const string AdjustHeadProgram = """
        mov %r2, -4
        call 65536
        mov %r1, %r0
        mov %r0, 1
        jeq %r1, 0, +1
        mov %r0, 2
        exit
        """;

    [Fact]
    public void Id65536ResolvesToEachTypesOwnHelper()
    {
        var registry = TestPlatform.NewRegistry();
        var process = new ProcessExtension();
        var net = new NetExtension();
        registry.Load(process);
        registry.Load(net);

        var processProgram = TestPlatform.Load(registry, "image", WellKnownProgramTypes.ProcessGuid, ImagePathProgram, WellKnownAttachTypes.Process);
        var xdpProgram = TestPlatform.Load(registry, "adjust", WellKnownProgramTypes.XdpTestGuid, AdjustHeadProgram, WellKnownAttachTypes.XdpTest);
        registry.Attach(processProgram);
        registry.Attach(xdpProgram);

        // The process helper copies "C:\x.exe" as UTF-16: 8 chars, 16 bytes; the hook reports r0 as the status.
        var status = process.Hook.NotifyCreate(new ProcessEvent(ProcessOperation.Create, 42) { ImagePath = @"C:\x.exe" });
        Assert.Equal((uint)Encoding.Unicode.GetByteCount(@"C:\x.exe"), status);

        var result = net.XdpTest.Process([1, 2, 3, 4, 5], 7);
        Assert.Equal(XdpAction.Pass, result.Action);
        Assert.Equal(9, result.Packet.Length);
        Assert.Equal(new byte[] { 1, 2, 3, 4, 5 }, result.Packet[4..]);
    }

    [Fact]
    public void HelperTheTypeDoesNotProvideIsRefusedNamingHelperAndType()
    {
        var registry = TestPlatform.NewRegistry();
        registry.Load(new NetExtension());
        var ex = Assert.Throws<EbpfException>(() =>
            TestPlatform.Load(registry, "binder", WellKnownProgramTypes.BindGuid, "call 65536\nexit"));
        Assert.Equal(EbpfResult.InvalidArgument, ex.Result);
        Assert.Contains("65536", ex.Message);
        Assert.Contains("'bind'", ex.Message);

        // A global helper with no core implementation needs an override: sock_addr has one for 26, bind has not.
        var cookie = Assert.Throws<EbpfException>(() =>
            TestPlatform.Load(registry, "cookie", WellKnownProgramTypes.BindGuid, "call 26\nexit"));
        Assert.Contains("bpf_get_socket_cookie", cookie.Message);
        TestPlatform.Load(registry, "cookie", WellKnownProgramTypes.SockAddrGuid, "call 26\nexit");
    }

    [Fact]
    public void LoadWithoutProviderFailsWithExtensionUnavailable()
    {
        var registry = TestPlatform.NewRegistry();
        var ex = Assert.Throws<EbpfException>(() =>
            TestPlatform.Load(registry, "p", WellKnownProgramTypes.ProcessGuid, "mov %r0, 0\nexit"));
        Assert.Equal(EbpfResult.ExtensionFailedToLoad, ex.Result);
    }

    [Fact]
    public void ImplicitContextOverrideReportsTheConnectionOwner()
    {
        var registry = TestPlatform.NewRegistry();
        var net = new NetExtension();
        registry.Load(net);
        // sock_addr helper 19 takes the context implicitly: the pid/tgid of the socket's owner.
        var program = TestPlatform.Load(registry, "owner", WellKnownProgramTypes.SockAddrGuid, """
            call 19
            rsh %r0, 32
            mov %r1, 1
            jeq %r0, 4321, +1
            mov %r1, 0
            mov %r0, %r1
            exit
            """, WellKnownAttachTypes.CgroupInet4Connect);
        registry.Attach(program);
        var e = new SockAddrEvent(new(System.Net.IPAddress.Loopback, 5000), new(System.Net.IPAddress.Parse("10.0.0.1"), 80))
        {
            ProcessId = 4321,
            ThreadId = 99,
        };
        Assert.Equal(SockAddrVerdict.ProceedSoft, net.SockAddr("cgroup/connect4").Invoke(e).Verdict);
        var other = new SockAddrEvent(e.Source, e.Destination) { ProcessId = 1 };
        Assert.Equal(SockAddrVerdict.Reject, net.SockAddr("cgroup/connect4").Invoke(other).Verdict);
    }
}
