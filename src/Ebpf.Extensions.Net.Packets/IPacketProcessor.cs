namespace Ebpf.Extensions.Net.Packets;

/// <summary>Runs XDP program(s) on one packet.</summary>
public interface IPacketProcessor
{
    /// <summary>What runs, for summaries ("xdp_test hook (2 programs)", "program packet_filter").</summary>
    string Description { get; }

    PacketVerdict Process(ReadOnlySpan<byte> packet);
}
