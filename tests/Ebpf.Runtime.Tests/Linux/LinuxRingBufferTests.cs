using Ebpf.Runtime.Maps;
using Ebpf.Runtime.Programs;
using Ebpf.TestSupport;
using Xunit.Abstractions;

namespace Ebpf.Runtime.Tests.Linux;

/// <summary>
/// A Linux XDP program that sends events with bpf_ringbuf_reserve / submit / discard runs on the one load path, on
/// JIT and interpreter, and its records are read back from the RINGBUF map; bpf_ringbuf_query reports the ring as the
/// host kernel's does after the same runs.
/// </summary>
public class LinuxRingBufferTests(ITestOutputHelper output)
{
    private const string Source = """
        #include <linux/bpf.h>
        #include <linux/if_ether.h>
        #include <linux/ip.h>
        #include <bpf/bpf_helpers.h>
        #include <bpf/bpf_endian.h>

        struct { __uint(type, BPF_MAP_TYPE_RINGBUF); __uint(max_entries, 4096); } events SEC(".maps");
        struct event { __u32 saddr; __u8 proto; };
        const volatile __u32 drop_proto = 17;

        SEC("xdp") int probe(struct xdp_md *ctx)
        {
            void *data = (void *)(long)ctx->data, *end = (void *)(long)ctx->data_end;
            struct ethhdr *eth = data;
            if ((void *)(eth + 1) > end || eth->h_proto != bpf_htons(ETH_P_IP)) return XDP_PASS;
            struct iphdr *ip = (void *)(eth + 1);
            if ((void *)(ip + 1) > end) return XDP_PASS;
            struct event *e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
            if (e) { e->saddr = ip->saddr; e->proto = ip->protocol; bpf_ringbuf_submit(e, 0); }
            return ip->protocol == drop_proto ? XDP_DROP : XDP_PASS;
        }

        /* Two records; the first is discarded: only the second reaches the consumer. */
        SEC("xdp") int discard_first(struct xdp_md *ctx)
        {
            __u32 *a = bpf_ringbuf_reserve(&events, 4, 0);
            if (!a) return XDP_ABORTED;
            __u32 *b = bpf_ringbuf_reserve(&events, 4, 0);
            if (!b) { bpf_ringbuf_discard(a, 0); return XDP_ABORTED; }
            *a = 0xdead; *b = 0xbeef;
            bpf_ringbuf_discard(a, 0);
            bpf_ringbuf_submit(b, 0);
            return XDP_PASS;
        }

        /* Reserves 1000 bytes and submits: XDP_ABORTED once the ring is full. */
        SEC("xdp") int big_record(struct xdp_md *ctx)
        {
            __u8 *r = bpf_ringbuf_reserve(&events, 1000, 0);
            if (!r) return XDP_ABORTED;
            r[999] = 1;
            bpf_ringbuf_submit(r, 0);
            return XDP_PASS;
        }

        SEC("xdp") int available(struct xdp_md *ctx) { return bpf_ringbuf_query(&events, BPF_RB_AVAIL_DATA); }
        char LICENSE[] SEC("license") = "GPL";
        """;

    private static readonly Lazy<string> Object = new(() => ClangObjects.Compile("xdp_ringbuf", Source));

    /// <summary>An Ethernet + IPv4 header from 10.0.0.1 with protocol <paramref name="protocol"/>.</summary>
    private static byte[] Packet(byte protocol) =>
    [
        0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 2, 2, 2, 2, 2, 2, 0x08, 0x00,
        0x45, 0, 0, 28, 0, 0, 0, 0, 64, protocol, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0,
    ];

    private static List<byte[]> Drain(RingBufferMap ring)
    {
        var records = new List<byte[]>();
        ring.Consume(r => records.Add(r.ToArray()));
        return records;
    }

    [Theory]
    [InlineData(ExecutionEngine.Jit)]
    [InlineData(ExecutionEngine.Interpreter)]
    public void TheProbesRecordsAreReadBack(ExecutionEngine engine)
    {
        var runtime = LinuxXdp.Runtime();
        var obj = runtime.LoadXdp(Object.Value, engine);
        var ring = (RingBufferMap)obj.Map("events");
        Assert.Equal(1u, runtime.Run(obj, "probe", Packet(17)).Action); // XDP_DROP
        Assert.Equal(2u, runtime.Run(obj, "probe", Packet(6)).Action); // XDP_PASS
        var records = Drain(ring);
        Assert.Equal(2, records.Count);
        Assert.Equal(new byte[] { 10, 0, 0, 1, 17 }, records[0][..5]);
        Assert.Equal(new byte[] { 10, 0, 0, 1, 6 }, records[1][..5]);
        Assert.Equal(8, records[0].Length);

        Assert.Equal(2u, runtime.Run(obj, "discard_first", Packet(6)).Action);
        Assert.Equal([[0xef, 0xbe, 0, 0]], Drain(ring));

        uint[] actions = [.. Enumerable.Range(0, 5).Select(_ => runtime.Run(obj, "big_record", Packet(6)).Action)];
        Assert.Equal([2u, 2u, 2u, 2u, 0u], actions); // four 1008-byte records fill the 4096-byte ring
        Assert.Equal(4, Drain(ring).Count);
        Assert.Equal(2u, runtime.Run(obj, "big_record", Packet(6)).Action);
    }

    [Fact]
    public void ACheckedRunMayNotTouchARecordAfterSubmittingIt()
    {
        const string useAfterSubmit = """
            #include <linux/bpf.h>
            #include <bpf/bpf_helpers.h>
            struct { __uint(type, BPF_MAP_TYPE_RINGBUF); __uint(max_entries, 4096); } events SEC(".maps");
            SEC("xdp") int late_write(struct xdp_md *ctx)
            {
                __u32 *e = bpf_ringbuf_reserve(&events, 4, 0);
                if (!e) return XDP_PASS;
                *(volatile __u32 *)e = 7;
                bpf_ringbuf_submit(e, 0);
                *(volatile __u32 *)e = 1;
                return XDP_PASS;
            }
            char LICENSE[] SEC("license") = "GPL";
            """;
        var runtime = LinuxXdp.Runtime(verify: false);
        var obj = runtime.LoadXdp(ClangObjects.Compile("xdp_ringbuf_late", useAfterSubmit), ExecutionEngine.Interpreter, verify: false);
        // The record's region is withdrawn at the submit: the write after it faults, while the write before it did not.
        var fault = Assert.Throws<Interpretation.MemoryAccessFaultException>(() => runtime.Run(obj, "late_write", Packet(6)));
        output.WriteLine(fault.Message);
        Assert.Contains("invalid write of 4 bytes", fault.Message);
        Assert.Single(Drain((RingBufferMap)obj.Map("events")));
    }

    [Fact]
    public void TheRingFillsAsTheKernelsDoes()
    {
        using var kernel = KernelReference.Load(Object.Value, output.WriteLine);
        var runtime = LinuxXdp.Runtime();
        var obj = runtime.LoadXdp(Object.Value);
        // The same runs here and in the kernel: what query reports after each (records stay unconsumed).
        string[] runs = ["probe", "discard_first", "probe", "big_record", "available"];
        var ours = runs.Select(p => runtime.Run(obj, p, Packet(17)).Action).ToArray();
        Assert.Equal([1u, 2u, 1u, 2u, (uint)(16 + 2 * 16 + 16 + 1008)], ours);
        if (kernel is null) return;
        if (!runs.Distinct().All(p => KernelReference.Has(kernel, p, output.WriteLine))) return;
        var theirs = runs.Select(p => kernel.Run(p, Packet(17)).ReturnValue).ToArray();
        output.WriteLine($"here {string.Join(' ', ours)}; host kernel {string.Join(' ', theirs)}");
        Assert.Equal(theirs, ours);
    }
}
