using System.Buffers.Binary;

namespace Ebpf.TestSupport;

/// <summary>
/// A seeded mix of frames for samples/packet_filter.c: IPv4/UDP to the echo, discard and other ports (at most 907
/// distinct ones, so the 1024-entry udp_ports map counts them all; some with IP
/// options), TCP, ARP, truncated frames and IPv4 headers claiming fewer than 20 bytes; plus what the filter must do
/// with each, computed here from its specification, independently of any engine.
/// </summary>
public static class GeneratedTraffic
{
    public static List<PcapFiles.Packet> Packets(int count, int seed = 15)
    {
        var random = new Random(seed);
        var packets = new List<PcapFiles.Packet>(count);
        ushort[] ports = [7, 9, 53, 80, 123, 443, 5353];
        for (int i = 0; i < count; i++)
        {
            int kind = random.Next(100);
            byte[] frame = kind switch
            {
                < 70 => Udp(random, random.Next(4) == 0 ? (ushort)random.Next(1000, 1900) : ports[random.Next(ports.Length)], options: random.Next(10) == 0 ? 4 : 0),
                < 80 => Ipv4(random, protocol: 6, payload: random.Next(20, 200)),
                < 88 => Arp(random),
                < 95 => Udp(random, ports[random.Next(ports.Length)], 0)[..random.Next(1, 42)], // truncated somewhere
                _ => BadHeaderLength(random),
            };
            packets.Add(new PcapFiles.Packet(1_700_000_000u + (uint)(i / 1000), (uint)(i % 1000) * 1000, frame));
        }
        return packets;
    }

    public enum Fate { Pass, Drop, Tx }

    /// <summary>The filter's specification: action, output bytes and the UDP port it counts (or -1).</summary>
    public static (Fate Fate, byte[] Output, int CountedPort) Expected(byte[] frame)
    {
        if (frame.Length < 14 || BinaryPrimitives.ReadUInt16BigEndian(frame.AsSpan(12)) != 0x0800) return (Fate.Pass, frame, -1);
        if (frame.Length < 34 || frame[23] != 17) return (Fate.Pass, frame, -1);
        int header = (frame[14] & 0x0F) * 4;
        if (header < 20) return (Fate.Drop, frame, -1);
        int udp = 14 + header;
        if (frame.Length < udp + 8) return (Fate.Pass, frame, -1);
        int port = BinaryPrimitives.ReadUInt16BigEndian(frame.AsSpan(udp + 2));
        if (port == 9) return (Fate.Drop, frame, port);
        if (port != 7) return (Fate.Pass, frame, port);
        var echoed = (byte[])frame.Clone();
        frame.AsSpan(0, 6).CopyTo(echoed.AsSpan(6));
        frame.AsSpan(6, 6).CopyTo(echoed.AsSpan(0));
        frame.AsSpan(26, 4).CopyTo(echoed.AsSpan(30));
        frame.AsSpan(30, 4).CopyTo(echoed.AsSpan(26));
        frame.AsSpan(udp, 2).CopyTo(echoed.AsSpan(udp + 2));
        frame.AsSpan(udp + 2, 2).CopyTo(echoed.AsSpan(udp));
        return (Fate.Tx, echoed, port);
    }

    private static byte[] Ethernet(Random random, ushort type, int payload)
    {
        var frame = new byte[14 + payload];
        random.NextBytes(frame.AsSpan(0, 12));
        BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(12), type);
        random.NextBytes(frame.AsSpan(14));
        return frame;
    }

    private static byte[] Ipv4(Random random, byte protocol, int payload, int options = 0)
    {
        var frame = Ethernet(random, 0x0800, 20 + options + payload);
        frame[14] = (byte)(0x40 | (5 + options / 4));
        frame[22] = 64;
        frame[23] = protocol;
        BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(16), (ushort)(20 + options + payload));
        return frame;
    }

    private static byte[] Udp(Random random, ushort port, int options)
    {
        int payload = random.Next(0, 120);
        var frame = Ipv4(random, 17, 8 + payload, options);
        int udp = 34 + options;
        BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(udp + 2), port);
        BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(udp + 4), (ushort)(8 + payload));
        return frame;
    }

    private static byte[] Arp(Random random) => Ethernet(random, 0x0806, 28);

    private static byte[] BadHeaderLength(Random random)
    {
        var frame = Udp(random, 53, 0);
        frame[14] = (byte)(0x40 | random.Next(0, 5));
        return frame;
    }
}
