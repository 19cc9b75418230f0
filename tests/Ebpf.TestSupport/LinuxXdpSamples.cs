using System.Buffers.Binary;

namespace Ebpf.TestSupport;

/// <summary>
/// The Linux XDP objects of the sample corpus that run here, and the packets they are run on: shared by the
/// JIT/interpreter and kernel comparisons (tests) and the sample benchmark (bench).
/// </summary>
public static class LinuxXdpSamples
{
    public static readonly string[] Objects =
    [
        "linux/xdp1_kern.o", "linux/xdp2_kern.o", "linux/xdp_tx_iptunnel_kern.o", "linux/xdp_rxq_info_kern.o",
        "linux/xdp_fwd_kern.o", "linux/xdp_router_ipv4_kern.o", "linux/xdp2skb_meta_kern.o",
        "prototype-kernel/xdp_ttl_kern.o", "prototype-kernel/xdp_vlan01_kern.o", "prototype-kernel/xdp_ddos01_blacklist_kern.o",
        "prototype-kernel/xdp_bench01_mem_access_cost_kern.o", "prototype-kernel/xdp_bench02_drop_pattern_kern.o",
    ];

    /// <summary>IPv4 UDP/TCP/ICMP, IPv6, VLAN-tagged, a truncated frame and random bytes.</summary>
    public static IEnumerable<(string Name, byte[] Packet)> Packets()
    {
        yield return ("ipv4-udp", Ipv4(17, 64, 53, 4242));
        yield return ("ipv4-tcp", Ipv4(6, 1, 80, 9999));
        yield return ("ipv4-icmp", Ipv4(1, 2, 0, 0));
        yield return ("ipv6-udp", Ipv6(17));
        yield return ("vlan-ipv4", Vlan(Ipv4(17, 30, 1000, 2000)));
        yield return ("truncated", Ipv4(17, 64, 1, 2)[..20]);
        var random = new byte[200];
        new Random(7).NextBytes(random);
        yield return ("random", random);
    }

    private static byte[] Ethernet(ushort type, int payload)
    {
        var frame = new byte[14 + payload];
        for (int i = 0; i < 6; i++) { frame[i] = (byte)(0x10 + i); frame[6 + i] = (byte)(0x20 + i); }
        BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(12), type);
        return frame;
    }

    private static byte[] Ipv4(byte protocol, byte ttl, ushort sourcePort, ushort destinationPort)
    {
        var frame = Ethernet(0x0800, 20 + 20 + 32);
        var ip = frame.AsSpan(14);
        ip[0] = 0x45;
        BinaryPrimitives.WriteUInt16BigEndian(ip[2..], 72);
        ip[8] = ttl;
        ip[9] = protocol;
        BinaryPrimitives.WriteUInt32BigEndian(ip[12..], 0x0a000001);
        BinaryPrimitives.WriteUInt32BigEndian(ip[16..], 0xc0a80102);
        BinaryPrimitives.WriteUInt16BigEndian(ip[20..], sourcePort);
        BinaryPrimitives.WriteUInt16BigEndian(ip[22..], destinationPort);
        return frame;
    }

    private static byte[] Ipv6(byte next)
    {
        var frame = Ethernet(0x86dd, 40 + 8 + 16);
        var ip = frame.AsSpan(14);
        ip[0] = 0x60;
        BinaryPrimitives.WriteUInt16BigEndian(ip[4..], 24);
        ip[6] = next;
        ip[7] = 64;
        ip[23] = 1;
        ip[39] = 2;
        return frame;
    }

    private static byte[] Vlan(byte[] inner)
    {
        var frame = new byte[inner.Length + 4];
        inner.AsSpan(0, 12).CopyTo(frame);
        BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(12), 0x8100);
        BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(14), 4011);
        inner.AsSpan(12).CopyTo(frame.AsSpan(16));
        return frame;
    }
}
