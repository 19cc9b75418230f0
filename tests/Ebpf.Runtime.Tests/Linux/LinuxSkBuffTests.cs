using Ebpf.Runtime.Maps;
using Ebpf.Runtime.Objects;
using Ebpf.TestSupport;

namespace Ebpf.Runtime.Tests.Linux;

/// <summary>
/// socket_filter and sched_cls programs of a Linux object test-run on the one path: their <c>__sk_buff</c> loads
/// (32-bit packet pointers) are rewritten onto the real context, a socket filter sees the packet from the network
/// header, a classifier from the link-layer header, and data_out is the whole frame.
/// </summary>
public class LinuxSkBuffTests
{
    private const string Source = """
        #include <linux/bpf.h>
        #include <linux/if_ether.h>
        #include <bpf/bpf_helpers.h>
        #include <bpf/bpf_endian.h>
        SEC("socket") int seen_length(struct __sk_buff *skb) { return skb->len; }
        SEC("socket") int first_byte(struct __sk_buff *skb)
        {
            __u8 *data = (void *)(long)skb->data;
            if ((void *)(data + 1) > (void *)(long)skb->data_end) return -1;
            return *data;
        }
        SEC("tc") int classify(struct __sk_buff *skb)
        {
            __u8 *data = (void *)(long)skb->data;
            if ((void *)(data + 1) > (void *)(long)skb->data_end) return -1;
            data[0] = 0x42;
            return (skb->protocol == bpf_htons(ETH_P_IP) ? 1000 : 0) + skb->len;
        }
        char _license[] SEC("license") = "GPL";
        """;

    private static readonly Lazy<string> Object = new(() => ClangObjects.Compile("skb_programs", Source));

    [Fact]
    public void SocketFiltersAndClassifiersRunOnTheirOwnContexts()
    {
        var runtime = LinuxXdp.Runtime();
        using var loaded = runtime.Load(Object.Value);
        Assert.Equal(["socket_filter", "socket_filter", "sched_cls"], loaded.ProgramList.Select(p => p.ProgramTypeName));
        byte[] packet = LinuxXdpSamples.Packets().First().Packet; // IPv4/UDP in Ethernet
        const int ethernetHeader = 14;

        var length = runtime.TestRun(loaded.Program("seen_length"), new TestRunOptions { DataIn = packet });
        Assert.Equal((uint)(packet.Length - ethernetHeader), length.ReturnValue);
        var first = runtime.TestRun(loaded.Program("first_byte"), new TestRunOptions { DataIn = packet });
        Assert.Equal(packet[ethernetHeader], (byte)first.ReturnValue); // the IP header's first byte
        Assert.Equal([.. new byte[ethernetHeader], .. packet[ethernetHeader..]], first.DataOut); // the link layer comes back zeroed, as the kernel's

        var classified = runtime.TestRun(loaded.Program("classify"), new TestRunOptions { DataIn = packet });
        Assert.Equal(1000u + (uint)packet.Length, classified.ReturnValue);
        Assert.Equal([0x42, .. packet[1..]], classified.DataOut);
    }

    [Fact]
    public void AContextLoadTheRealContextLacksIsRefusedAtLoadNamingIt()
    {
        const string source = """
            #include <linux/bpf.h>
            #include <bpf/bpf_helpers.h>
            SEC("socket") int stamp(struct __sk_buff *skb) { return skb->tstamp > 5; }
            """;
        var e = Assert.Throws<EbpfException>(() => LinuxXdp.Runtime().Load(ClangObjects.Compile("skb_tstamp", source)).Dispose());
        Assert.Equal(EbpfResult.ProgramLoadFailed, e.Result);
        Assert.Contains("stamp", e.Message);
        Assert.Contains("context load of 8 bytes at offset 152", e.Message);
    }

    /// <summary>Stores to fields the type may not write are refused at load, naming the store, as the kernel's is_valid_access.</summary>
    [Theory]
    [InlineData("socket", "skb->mark = 1", "context store of 4 bytes at offset 8")]        // only cb[] for a socket filter
    [InlineData("tc", "skb->len = 1", "context store of 4 bytes at offset 0")]             // len is the packet's
    [InlineData("tc", "__sync_fetch_and_add(&skb->mark, 1)", "context atomic operation of 4 bytes at offset 8")]
    public void AStoreToAFieldTheTypeMayNotWriteIsRefusedAtLoad(string section, string statement, string message)
    {
        string source = $$"""
            #include <linux/bpf.h>
            #include <bpf/bpf_helpers.h>
            SEC("{{section}}") int write(struct __sk_buff *skb) { {{statement}}; return 0; }
            char _license[] SEC("license") = "GPL";
            """;
        var e = Assert.Throws<EbpfException>(() =>
            LinuxXdp.Runtime(verify: false).Load(ClangObjects.Compile($"skb_write_{section}_{statement.Length}", source),
                new ObjectLoadOptions { Abi = Ebpf.Extensions.Linux.LinuxAbi.Instance, Unverified = true }).Dispose());
        Assert.Equal(EbpfResult.ProgramLoadFailed, e.Result);
        Assert.Contains(message, e.Message);
    }
}
