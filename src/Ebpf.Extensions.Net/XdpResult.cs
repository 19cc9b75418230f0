namespace Ebpf.Extensions.Net;

/// <summary>What the xdp_test hook decided for one packet, and the packet as the programs left it.</summary>
public sealed record XdpResult(XdpAction Action, byte[] Packet, int ProgramsRun);
