namespace Ebpf.Extensions.Net;

/// <summary>Verdicts of a cgroup sock_addr program (eBPF for Windows at HEAD). Any other value counts as Reject.</summary>
public enum SockAddrVerdict : uint
{
    Reject = 0,
    ProceedSoft = 1,
    ProceedHard = 2,
}
