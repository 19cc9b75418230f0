using System.Net;
using System.Net.Sockets;

namespace Ebpf.Extensions.Net;

/// <summary>A connection event for sock_ops programs.</summary>
public sealed class SockOpsEvent(SockOpsOperation operation, IPEndPoint local, IPEndPoint remote) : IConnectionOwner
{
    public SockOpsOperation Operation { get; } = operation;
    public IPEndPoint Local { get; } = local;
    public IPEndPoint Remote { get; } = remote;
    public ProtocolType Protocol { get; init; } = ProtocolType.Tcp;
    public uint CompartmentId { get; init; } = 1;
    public ulong InterfaceLuid { get; init; }
    public ulong FlowId { get; init; }
    public ulong ProcessId { get; init; }
    public ulong ThreadId { get; init; }
}
