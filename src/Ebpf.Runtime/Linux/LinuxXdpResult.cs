namespace Ebpf.Runtime.Linux;

/// <summary>The XDP action a Linux program returned (XDP_ABORTED 0, DROP 1, PASS 2, TX 3, REDIRECT 4) and the packet it left.</summary>
public sealed record LinuxXdpResult(uint Action, byte[] Packet);
