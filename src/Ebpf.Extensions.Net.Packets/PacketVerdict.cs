namespace Ebpf.Extensions.Net.Packets;

/// <summary>One packet's fate: the action, the packet as the programs left it, and the raw return value.</summary>
public readonly record struct PacketVerdict(PacketAction Action, byte[] Packet, ulong ReturnValue);
