namespace Ebpf.Extensions.Net;

/// <summary>Verdicts of an xdp_test program.</summary>
public enum XdpAction : uint
{
    Pass = 1,
    Drop = 2,
    Tx = 3,
}
