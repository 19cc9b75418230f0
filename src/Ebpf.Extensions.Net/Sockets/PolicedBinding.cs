using System.Net;
using System.Net.Sockets;

namespace Ebpf.Extensions.Net.Sockets;

/// <summary>A socket bound under the policy; disposing it reports the unbind (BIND_OPERATION_UNBIND) and closes the socket.</summary>
public sealed class PolicedBinding : IDisposable
{
    private readonly SocketPolicy _policy;
    private int _closed;

    internal PolicedBinding(SocketPolicy policy, Socket socket, IPEndPoint bound)
    {
        _policy = policy;
        Socket = socket;
        LocalEndPoint = bound;
    }

    public Socket Socket { get; }

    /// <summary>The address the socket holds (after a redirect and port allocation).</summary>
    public IPEndPoint LocalEndPoint { get; }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _closed, 1) != 0) return;
        _policy.Unbind(Socket, LocalEndPoint);
        Socket.Dispose();
    }
}
