using System.Net;
using System.Net.Sockets;

namespace Ebpf.Extensions.Net;

/// <summary>
/// A socket address operation (connect, accept, bind, listen) as an event source reports it. Ports are in host
/// order here; the context holds them in network order as upstream does.
/// </summary>
public sealed class SockAddrEvent(IPEndPoint source, IPEndPoint destination) : IConnectionOwner
{
    public IPEndPoint Source { get; } = source;
    public IPEndPoint Destination { get; } = destination;
    public ProtocolType Protocol { get; init; } = ProtocolType.Tcp;
    public uint CompartmentId { get; init; } = 1;
    public ulong InterfaceLuid { get; init; }
    public ulong ProcessId { get; init; }
    public ulong ThreadId { get; init; }
    public ulong LogonId { get; init; }
    public bool IsAdmin { get; init; }
    public ulong SocketCookie { get; init; }
    /// <summary>Present at the layers where bpf_sock_addr_get_network_context is valid.</summary>
    public NetworkContext? NetworkContext { get; init; }

    /// <summary>Set by the hook: only the connect-redirect layer (connect4/6) accepts a redirect context.</summary>
    internal bool AllowsRedirectContext { get; set; }

    /// <summary>The blob a program stored with bpf_sock_addr_set_redirect_context.</summary>
    public byte[]? RedirectContext { get; internal set; }

    public AddressFamily Family => Destination.AddressFamily;
}
