using Ebpf.Kernel;
using Ebpf.TestSupport;
using Xunit.Abstractions;

namespace Ebpf.Runtime.Tests.Linux;

/// <summary>
/// The XDP packet helpers at their edges (headroom, minimum length, metadata size and alignment, redirect
/// fallbacks) behave as the kernel defines them; each case is also run in the host kernel where the host offers what it needs.
/// </summary>
public class LinuxXdpHelperTests(ITestOutputHelper output)
{
    private const string Source = """
        #include <linux/bpf.h>
        #include <bpf/bpf_helpers.h>

        struct { __uint(type, BPF_MAP_TYPE_DEVMAP); __uint(max_entries, 4); __type(key, __u32); __type(value, __u32); } ports SEC(".maps");

        SEC("xdp") int meta_grow(struct xdp_md *ctx)
        {
            if (bpf_xdp_adjust_meta(ctx, -8)) return 10;
            __u32 *meta = (void *)(long)ctx->data_meta;
            void *data = (void *)(long)ctx->data;
            if ((void *)(meta + 2) > data) return 11;
            meta[0] = 0xaabbccdd;
            meta[1] = ctx->data_end - ctx->data;
            return XDP_PASS;
        }
        SEC("xdp") int meta_beyond_32(struct xdp_md *ctx) { return -bpf_xdp_adjust_meta(ctx, -36); }
        SEC("xdp") int meta_all_headroom(struct xdp_md *ctx) { return -bpf_xdp_adjust_meta(ctx, -216); }
        SEC("xdp") int meta_past_headroom(struct xdp_md *ctx) { return -bpf_xdp_adjust_meta(ctx, -220); }
        SEC("xdp") int meta_unaligned(struct xdp_md *ctx) { return -bpf_xdp_adjust_meta(ctx, -6); }
        SEC("xdp") int meta_then_push(struct xdp_md *ctx)
        {
            if (bpf_xdp_adjust_meta(ctx, -4)) return 10;
            __u32 *meta = (void *)(long)ctx->data_meta;
            if ((void *)(meta + 1) > (void *)(long)ctx->data) return 11;
            *meta = 0x11223344;
            if (bpf_xdp_adjust_head(ctx, -16)) return 12;
            __u8 *data = (void *)(long)ctx->data;
            if ((void *)(data + 16) > (void *)(long)ctx->data_end) return 13;
            for (int i = 0; i < 16; i++) data[i] = i + 1;
            return XDP_TX;
        }
        SEC("xdp") int shrink_below_ethernet(struct xdp_md *ctx)
        {
            int length = ctx->data_end - ctx->data;
            return bpf_xdp_adjust_head(ctx, length - 13) ? 2 : 1;
        }
        SEC("xdp") int shrink_to_ethernet(struct xdp_md *ctx)
        {
            int length = ctx->data_end - ctx->data;
            return bpf_xdp_adjust_head(ctx, length - 14) ? 2 : 1;
        }
        SEC("xdp") int push_all_headroom(struct xdp_md *ctx) { return bpf_xdp_adjust_head(ctx, -216) ? 2 : 1; }
        SEC("xdp") int push_past_headroom(struct xdp_md *ctx) { return bpf_xdp_adjust_head(ctx, -217) ? 2 : 1; }
        SEC("xdp") int redirect_empty_slot(struct xdp_md *ctx) { return bpf_redirect_map(&ports, 1, XDP_PASS); }
        SEC("xdp") int redirect_bad_flags(struct xdp_md *ctx) { return bpf_redirect_map(&ports, 1, 64); }
        SEC("xdp") int redirect_broadcast(struct xdp_md *ctx) { return bpf_redirect_map(&ports, 0, BPF_F_BROADCAST); }
        SEC("xdp") int redirect_device(struct xdp_md *ctx) { return bpf_redirect(1, 0); }
        SEC("xdp") int redirect_device_flags(struct xdp_md *ctx) { return bpf_redirect(1, 1); }
        char _license[] SEC("license") = "GPL";
        """;

    internal static readonly Lazy<string> Object = new(() => ClangObjects.Compile("xdp_helper_edges", Source));

    public static TheoryData<string, uint, int> Cases => new()
    {
        // program, return value, bytes the output has beyond the 64-byte input (metadata, pushed headers; -n shrinks)
        { "meta_grow", 2, 8 },
        { "meta_beyond_32", 0, 36 },   // current kernels allow up to 255 bytes (older ones 32)
        { "meta_all_headroom", 0, 216 },
        { "meta_past_headroom", 22, 0 }, // EINVAL: into the frame header
        { "meta_unaligned", 13, 0 },   // EACCES: not a multiple of 4
        { "meta_then_push", 3, 20 },   // the metadata moves in front of the 16 pushed bytes
        { "shrink_below_ethernet", 2, 0 },
        { "shrink_to_ethernet", 1, -50 },
        { "push_all_headroom", 1, 216 }, // 256 bytes of headroom less the 40-byte frame header
        { "push_past_headroom", 2, 0 },
        { "redirect_empty_slot", 2, 0 }, // the fallback action from the flags
        { "redirect_bad_flags", 0, 0 },
        { "redirect_broadcast", 4, 0 },
        { "redirect_device", 4, 0 },
        { "redirect_device_flags", 0, 0 },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void HelperEdgeBehavesAsTheKernelDefinesIt(string program, uint expected, int growth)
    {
        var packet = new byte[64];
        for (int i = 0; i < packet.Length; i++) packet[i] = (byte)(0xa0 + i);
        var runtime = LinuxXdp.Runtime();
        using var ours = runtime.LoadXdp(Object.Value);
        var result = runtime.Run(ours, program, packet);
        Assert.Equal(expected, result.Action);
        Assert.Equal(packet.Length + growth, result.Packet.Length);
        if (program == "meta_grow")
        {
            Assert.Equal(0xaabbccddu, BitConverter.ToUInt32(result.Packet, 0));
            Assert.Equal(64u, BitConverter.ToUInt32(result.Packet, 4));
            Assert.Equal(packet, result.Packet[8..]);
        }
        if (program == "meta_then_push")
        {
            Assert.Equal(0x11223344u, BitConverter.ToUInt32(result.Packet, 0));
            Assert.Equal(Enumerable.Range(1, 16).Select(i => (byte)i), result.Packet[4..20]);
            Assert.Equal(packet, result.Packet[20..]);
        }

        using var kernel = KernelReference.Load(Object.Value, output.WriteLine);
        if (kernel is null || !KernelReference.Has(kernel, program, output.WriteLine)) return; // checked against the definition only
        var reference = kernel.Run(program, packet);
        Assert.Equal(reference.ReturnValue, result.Action);
        Assert.Equal(reference.Packet, result.Packet);
        output.WriteLine($"{program}: kernel and here agree (r0 {reference.ReturnValue}, {reference.Packet.Length} bytes out)");
    }
}
