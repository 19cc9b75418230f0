using System.Net.Sockets;

namespace Ebpf.Extensions.Net;

/// <summary>A bind the hook is asked about: the application id bytes, process and the sockaddr (at most 16 bytes).</summary>
public sealed record BindRequest(ulong ProcessId, byte[] SocketAddress, BindOperation Operation = BindOperation.Bind)
{
    public byte[] ApplicationId { get; init; } = [];
    public ProtocolType Protocol { get; init; } = ProtocolType.Tcp;
}
