using System.Diagnostics;
using SharpPcap;
using SharpPcap.LibPcap;

namespace Ebpf.Extensions.Net.Packets;

/// <summary>
/// Replays a capture file (pcap or pcapng, read by libpcap through SharpPcap) through XDP programs and writes the
/// result as pcap: dropped (and aborted, invalid) packets are left out, passed ones are written as the program left
/// them, and XDP_TX ones too (a transmit goes back out of the interface it came in on; in a capture it is simply the
/// packet as sent). Timestamps are kept.
/// </summary>
public static class PacketReplay
{
    public static PacketSummary Run(string input, string? output, IPacketProcessor processor)
    {
        ArgumentNullException.ThrowIfNull(processor);
        if (!File.Exists(input)) throw new FileNotFoundException($"capture file '{input}' does not exist", input);
        using var reader = new CaptureFileReaderDevice(input);
        try
        {
            reader.Open();
        }
        catch (Exception e) when (e is PcapException or DllNotFoundException)
        {
            throw new InvalidDataException($"'{input}' cannot be read as pcap or pcapng: {LibPcap.Explain(e)}", e);
        }
        CaptureFileWriterDevice? writer = null;
        if (output is not null)
        {
            writer = new CaptureFileWriterDevice(output, FileMode.Create);
            writer.Open(new DeviceConfiguration { LinkLayerType = reader.LinkType, Snaplen = 262144 });
        }
        try
        {
            var summary = new PacketSummary();
            var clock = Stopwatch.StartNew();
            while (reader.GetNextPacket(out var capture) == GetPacketStatus.PacketRead)
            {
                var data = capture.Data;
                var verdict = processor.Process(data);
                summary.Count(data, verdict);
                if (writer is not null && Forwarded(verdict.Action))
                {
                    var header = new PcapHeader((uint)capture.Header.Timeval.Seconds, (uint)capture.Header.Timeval.MicroSeconds,
                        (uint)verdict.Packet.Length, (uint)verdict.Packet.Length);
                    writer.Write(verdict.Packet, ref header);
                    summary.Written++;
                }
            }
            summary.Elapsed = clock.Elapsed;
            return summary;
        }
        finally
        {
            writer?.Close();
            reader.Close();
        }
    }

    /// <summary>What leaves the program in the capture: XDP_PASS and XDP_TX (XDP_REDIRECT too: the packet goes on, elsewhere).</summary>
    public static bool Forwarded(PacketAction action) => action is PacketAction.Pass or PacketAction.Tx or PacketAction.Redirect;
}
