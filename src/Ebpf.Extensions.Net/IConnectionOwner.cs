namespace Ebpf.Extensions.Net;

/// <summary>The process and thread that own a socket event (what helper 19 reports for sock_addr and sock_ops).</summary>
public interface IConnectionOwner
{
    ulong ProcessId { get; }
    ulong ThreadId { get; }
}
