using System.Buffers.Binary;

namespace Ebpf.TestSupport;

/// <summary>
/// Capture files written by hand from the format specifications (not through libpcap), so the replay's reader and
/// writer are checked against an independent encoding: classic pcap (microsecond, little-endian) and pcapng.
/// </summary>
public static class PcapFiles
{
    public const uint Ethernet = 1;
    public const uint Snaplen = 262144;

    public sealed record Packet(uint Seconds, uint Microseconds, byte[] Data);

    public static byte[] Pcap(IEnumerable<Packet> packets)
    {
        using var stream = new MemoryStream();
        Span<byte> header = stackalloc byte[24];
        BinaryPrimitives.WriteUInt32LittleEndian(header, 0xA1B2C3D4);
        BinaryPrimitives.WriteUInt16LittleEndian(header[4..], 2);
        BinaryPrimitives.WriteUInt16LittleEndian(header[6..], 4);
        BinaryPrimitives.WriteUInt32LittleEndian(header[16..], Snaplen);
        BinaryPrimitives.WriteUInt32LittleEndian(header[20..], Ethernet);
        stream.Write(header);
        Span<byte> record = stackalloc byte[16];
        foreach (var p in packets)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(record, p.Seconds);
            BinaryPrimitives.WriteUInt32LittleEndian(record[4..], p.Microseconds);
            BinaryPrimitives.WriteUInt32LittleEndian(record[8..], (uint)p.Data.Length);
            BinaryPrimitives.WriteUInt32LittleEndian(record[12..], (uint)p.Data.Length);
            stream.Write(record);
            stream.Write(p.Data);
        }
        return stream.ToArray();
    }

    /// <summary>Section header, one Ethernet interface (default microsecond resolution), one enhanced packet block per packet.</summary>
    public static byte[] PcapNg(IEnumerable<Packet> packets)
    {
        using var stream = new MemoryStream();
        Block(stream, 0x0A0D0D0A, b =>
        {
            b.Write(BitConverter.GetBytes(0x1A2B3C4Du));
            b.Write(BitConverter.GetBytes((ushort)1));
            b.Write(BitConverter.GetBytes((ushort)0));
            b.Write(BitConverter.GetBytes(-1L)); // section length unknown
        });
        Block(stream, 1, b =>
        {
            b.Write(BitConverter.GetBytes((ushort)Ethernet));
            b.Write(BitConverter.GetBytes((ushort)0));
            b.Write(BitConverter.GetBytes(Snaplen));
        });
        foreach (var p in packets)
        {
            ulong micros = p.Seconds * 1_000_000UL + p.Microseconds;
            Block(stream, 6, b =>
            {
                b.Write(BitConverter.GetBytes(0u)); // interface 0
                b.Write(BitConverter.GetBytes((uint)(micros >> 32)));
                b.Write(BitConverter.GetBytes((uint)micros));
                b.Write(BitConverter.GetBytes((uint)p.Data.Length));
                b.Write(BitConverter.GetBytes((uint)p.Data.Length));
                b.Write(p.Data);
                b.Write(new byte[(4 - p.Data.Length % 4) % 4]);
            });
        }
        return stream.ToArray();
    }

    private static void Block(MemoryStream stream, uint type, Action<MemoryStream> body)
    {
        using var content = new MemoryStream();
        body(content);
        uint length = (uint)content.Length + 12;
        stream.Write(BitConverter.GetBytes(type));
        stream.Write(BitConverter.GetBytes(length));
        content.WriteTo(stream);
        stream.Write(BitConverter.GetBytes(length));
    }
}
