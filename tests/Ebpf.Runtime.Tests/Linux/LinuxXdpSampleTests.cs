using System.Buffers.Binary;
using Ebpf.Elf;
using Ebpf.Runtime.Interpretation;
using Ebpf.Runtime.Linux;
using Ebpf.Runtime.Programs;
using Xunit.Abstractions;

namespace Ebpf.Runtime.Tests.Linux;

/// <summary>
/// Unmodified Linux XDP objects of the sample corpus run on the JIT give the interpreter's action and output packet
/// for the same inputs (bench/compare.sh compares against the kernel, which tests must not need).
/// </summary>
public class LinuxXdpSampleTests(ITestOutputHelper output)
{
    private static readonly string[] Objects =
    [
        "linux/xdp1_kern.o", "linux/xdp2_kern.o", "linux/xdp_tx_iptunnel_kern.o", "linux/xdp_rxq_info_kern.o",
        "linux/xdp_fwd_kern.o", "linux/xdp_router_ipv4_kern.o", "linux/xdp2skb_meta_kern.o",
        "prototype-kernel/xdp_ttl_kern.o", "prototype-kernel/xdp_vlan01_kern.o", "prototype-kernel/xdp_ddos01_blacklist_kern.o",
        "prototype-kernel/xdp_bench01_mem_access_cost_kern.o", "prototype-kernel/xdp_bench02_drop_pattern_kern.o",
    ];

    [Fact]
    public void JitMatchesInterpreterOnSampleXdpPrograms()
    {
        int compared = 0;
        foreach (var file in Objects)
        {
            string path = TestSupport.RepoPaths.SharedPath("ebpf-samples", file);
            LinuxXdpObject jit, interpreter;
            try
            {
                jit = LinuxXdpObject.Open(path, ExecutionEngine.Jit);
                interpreter = LinuxXdpObject.Open(path, ExecutionEngine.Interpreter);
            }
            catch (Exception e) when (e is ProgramLoadException or LinuxProgramException or BpfObjectException or Runtime.Maps.EbpfMapException)
            {
                output.WriteLine($"{file}: not runnable here: {e.Message}");
                continue;
            }
            using (jit)
            using (interpreter)
            {
                foreach (var program in jit.Programs)
                {
                    foreach (var (name, packet) in Packets())
                    {
                        var expected = interpreter.Run(program.Name, packet);
                        var actual = jit.Run(program.Name, packet);
                        Assert.True(expected.Action == actual.Action && expected.Packet.AsSpan().SequenceEqual(actual.Packet),
                            $"{file} {program.Name} on {name}: interpreter {expected.Action} ({expected.Packet.Length} bytes), JIT {actual.Action} ({actual.Packet.Length} bytes)");
                        compared++;
                    }
                    output.WriteLine($"{file} {program.Name}: {Packets().Count()} packets agree (last action {jit.Run(program.Name, Packets().Last().Packet).Action})");
                }
            }
        }
        output.WriteLine($"{compared} runs compared");
        Assert.True(compared >= 40, $"only {compared} runs could be compared; the sample objects no longer load");
    }

    /// <summary>IPv4 UDP/TCP/ICMP, IPv6, VLAN-tagged, a truncated frame and random bytes.</summary>
    internal static IEnumerable<(string Name, byte[] Packet)> Packets()
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
