namespace Ebpf.Extensions.Net.Packets;

/// <summary>What an XDP program decided for a packet, by name: xdp_test and Linux XDP number the same verdicts differently.</summary>
public enum PacketAction
{
    Aborted,
    Drop,
    Pass,
    Tx,
    Redirect,
    /// <summary>A return value that is no verdict of the program's type (the hook treats it as a drop).</summary>
    Invalid,
}
