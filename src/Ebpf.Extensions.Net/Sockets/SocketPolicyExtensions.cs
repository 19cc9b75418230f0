using System.Net;
using System.Net.Sockets;

namespace Ebpf.Extensions.Net.Sockets;

/// <summary>One-line setup of a <see cref="SocketPolicy"/> on .NET's own networking types.</summary>
public static class SocketPolicyExtensions
{
    /// <summary>Every connection this handler opens runs the connect and sock_ops programs: <c>new HttpClient(new SocketsHttpHandler().UseEbpfPolicy(policy))</c>.</summary>
    public static SocketsHttpHandler UseEbpfPolicy(this SocketsHttpHandler handler, SocketPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(handler);
        ArgumentNullException.ThrowIfNull(policy);
        handler.ConnectCallback = policy.ConnectForHttpAsync;
        return handler;
    }

    /// <summary><see cref="Socket.ConnectAsync(EndPoint, CancellationToken)"/> under the policy.</summary>
    public static ValueTask<PolicedConnection> ConnectAsync(this Socket socket, EndPoint remote, SocketPolicy policy, CancellationToken cancellationToken = default) =>
        policy.ConnectAsync(socket, remote, cancellationToken);

    /// <summary><see cref="Socket.AcceptAsync(CancellationToken)"/> under the policy: rejected connections are reset and skipped.</summary>
    public static ValueTask<PolicedConnection> AcceptAsync(this Socket listener, SocketPolicy policy, CancellationToken cancellationToken = default) =>
        policy.AcceptAsync(listener, cancellationToken);

    /// <summary><see cref="TcpListener.AcceptSocketAsync(CancellationToken)"/> under the policy.</summary>
    public static ValueTask<PolicedConnection> AcceptAsync(this TcpListener listener, SocketPolicy policy, CancellationToken cancellationToken = default) =>
        policy.AcceptAsync(listener.Server, cancellationToken);

    /// <summary><see cref="Socket.Bind"/> under the policy.</summary>
    public static PolicedBinding Bind(this Socket socket, IPEndPoint local, SocketPolicy policy) => policy.Bind(socket, local);
}
